// The sweep page's final-metrics.csv: every run of the sweep, drawn or only
// listed, with each metric's last logged value, its final value (the mean
// over the last 10% of steps, as the runs table, ::final and :value give it),
// and that mean's change over the last 20% of steps with its noise floor.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { loadSweeps } from '../src/runs';
import { sweepFinalsCsv } from '../src/site/sweep-csv';
import { sweepRunsListed } from '../src/site/sweep-runs';
import { writeFixtureContent, writeFixtureRun, writeFixtureRuns } from './fixtures/site-fixture';

const root = mkdtempSync(join(tmpdir(), 'sweepbook-sweep-csv-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

test('one row per run of the sweep, with how it is listed and how each metric ended', () => {
  const runsDir = join(root, 'runs');
  writeFixtureRuns(runsDir, 40);
  writeFixtureRun(runsDir, 1, { steps: 10, status: 'interrupted' });
  writeFixtureRun(runsDir, 2, { quick: true });
  writeFixtureContent(join(root, 'content'));
  const [sweep] = loadSweeps(join(root, 'content', 'sweeps'));
  const rows = sweepFinalsCsv(sweep, sweepRunsListed(sweep, runsDir))
    .trimEnd()
    .split('\r\n')
    .map((line) => line.split(','));
  const [header, ...runs] = rows;
  expect(header.slice(0, 9)).toEqual(['run', 'trained_for', 'beta', 'label', 'seed', 'listed', 'status', 'steps_done', 'total_steps']);
  // Headers that say which number is which: the last logged value is not the final value.
  expect(header.slice(9, 13)).toEqual(['raw_reward_last_logged', 'raw_reward_final_mean_last_10pct', 'raw_reward_change', 'raw_reward_change_noise_floor']);
  expect(header.slice(13, 17)).toEqual(['kl_last_logged', 'kl_final_mean_last_10pct', 'kl_change', 'kl_change_noise_floor']);
  expect(runs.map((row) => [row[2], row[5], row[6]])).toEqual([
    ['0', 'drawn', 'completed'],
    ['1', 'drawn', 'completed'],
    ['10', 'drawn', 'completed'],
    ['1', 'not drawn', 'interrupted'],
    ['10', 'other config', 'completed'],
  ]);
  // The fixture's kl is 10 * step / 40 / (1 + beta): beta=1's is step / 8, ending at 5; the last 10% of its steps (37..40, past 40 - 0.1 * 39) average 4.8125.
  // At 80% of its steps (step 32, the last at or before 1 + 0.8 * 39) the same mean is over steps 29..32 (past 32 - 0.1 * 31): 3.8125.
  // Change: (4.8125 - 3.8125) / 3.8125 = 16 / 61. Four values a window are too few for a noise floor: an empty cell.
  const beta1 = runs[1];
  const cell = (name: string) => beta1[header.indexOf(name)];
  expect(Number(cell('kl_last_logged'))).toBe(5);
  expect(Number(cell('kl_final_mean_last_10pct'))).toBeCloseTo(4.8125, 12);
  expect(Number(cell('kl_change'))).toBeCloseTo(16 / 61, 12);
  expect(cell('kl_change_noise_floor')).toBe('');
});
