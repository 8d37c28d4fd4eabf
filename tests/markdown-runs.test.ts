import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { listRuns } from '../src/runs';
import { listedRunsTableHtml } from '../src/markdown/runs-table';
import { fixtureDirs, lineOf, renderReport } from './fixtures/render-report';
import { writeFixtureContent, writeFixtureRun } from './fixtures/site-fixture';

/** The table's column heads as text (tags dropped). */
const heads = (html: string) => [...html.matchAll(/<th scope="col"[^>]*>(.*?)<\/th>/gs)].map((m) => m[1].replace(/<[^>]+>/g, ''));
/** Metric heads: display name and unit, then the name directives take. */
const METRIC_HEADS = ['Raw reward (alliteration) raw_reward', 'KL (nats) kl', 'Total reward (reward − β·KL) total_reward', 'Repetition (share of words) repetition'];

const dirs = fixtureDirs();
const seeded = fixtureDirs([1, 2, 3]);

/** The fixture sweep part trained: beta=0 completed (each seed), beta=1 only failed, beta=10 not trained yet. */
function partlyTrained(seeds?: number[]) {
  const root = mkdtempSync(join(tmpdir(), 'sweepbook-md-partly-'));
  const runsDir = join(root, 'runs');
  for (const seed of seeds ?? [1]) writeFixtureRun(runsDir, 0, { seed });
  writeFixtureRun(runsDir, 1, { steps: 5, status: 'failed', seed: seeds?.[0] });
  writeFixtureContent(join(root, 'content'), undefined, seeds);
  mkdirSync(join(root, 'reports'), { recursive: true });
  return { root, runsDir, sweepsDir: join(root, 'content', 'sweeps') };
}
const partly = partlyTrained();
const partlySeeded = partlyTrained([1, 2]);
afterAll(() => [dirs, seeded, partly, partlySeeded].forEach(({ root }) => rmSync(root, { recursive: true, force: true })));

describe('::runs', () => {
  test('tables every run: linked id, value, color, status, steps and final metrics', async () => {
    const html = await renderReport(dirs, '::runs{sweep="fixture-sweep"}\n');
    expect(heads(html)).toEqual(['Run', 'beta', 'Color', 'Status', 'Steps', ...METRIC_HEADS]);
    expect(html).toContain('<code>raw_reward</code>');
    const rows = html.split('<tr>').slice(2);
    expect(rows).toHaveLength(3);
    const byValue = new Map(listRuns(dirs.runsDir).map((run) => [run.info.params.beta, run.info.id]));
    rows.forEach((row, index) => {
      const value = [0, 1, 10][index];
      expect(row).toContain(`<a href="/runs/${byValue.get(value)}/">`);
      expect(row).toContain(`</span>${value}</td>`);
      expect(row).toContain('completed');
      expect(row).toContain(`</span> ${['red', 'green', 'blue'][index]}</td>`);
      expect(row).toContain('<td class="num steps">40/40</td>');
    });
    // beta=1 logs kl = step / 8 at steps 1..40, so its last value is 5; the
    // table gives the final value, the mean over the last 10% of steps
    // (37..40, past 40 - 0.1 * 39): (37 + 38 + 39 + 40) / 4 / 8 = 4.8125.
    // written to 3 digits, sorted by 6 (data-sort, runs-table.client.ts): rows rounded alike still sort apart
    expect(rows[1]).toContain('<td class="num" data-sort="4.8125">4.81</td>');
    expect(rows[1]).not.toContain('>5</td>');
    expect(html).toContain("</table></div><p class=\"table-note\">Metrics are each run's mean over its last 10% of steps.</p>");
  });

  test('several seeds: one row per value, its seeds\' runs linked, metrics as mean (lowest–highest)', async () => {
    const html = await renderReport(seeded, '::runs{sweep="fixture-sweep"}\n');
    expect(heads(html)).toEqual(['Runs by seed', 'beta', 'Color', 'Status', 'Steps', ...METRIC_HEADS]);
    const rows = html.split('<tr>').slice(2);
    expect(rows).toHaveLength(3);
    const runs = listRuns(seeded.runsDir).filter((run) => run.info.params.beta === 1).sort((a, b) => a.info.seed - b.info.seed);
    expect([...rows[1].matchAll(/<a href="\/runs\/([^/]+)\/"[^>]*aria-label="Run of seed (\d)">(\d)<\/a>/g)].map((m) => [m[1], Number(m[2]), Number(m[3])])).toEqual(
      runs.map((run) => [run.info.id, run.info.seed, run.info.seed]),
    );
    expect(rows[1]).toContain('<td class="num steps">40/40</td>');
    // kl is the same for every seed (its final value 4.8125, as above); raw_reward differs by 0.02 per seed: its mean and range
    expect(rows[1]).toContain('<td class="num spread-cell" data-sort="4.8125">4.81 <span class="spread">(4.81–4.81)</span></td>');
    // each seed's mean of raw_reward over steps 37..40
    const reward = (seed: number, step: number) => step / 40 / 2 + 0.05 * Math.sin(step + 1 + 7 * (seed - 1)) + 0.02 * (seed - 1);
    const final = (seed: number) => [37, 38, 39, 40].reduce((sum, step) => sum + reward(seed, step), 0) / 4;
    const rewards = [1, 2, 3].map(final);
    const f = (x: number) => String(Number(x.toPrecision(3)));
    expect(rows[1]).toContain(`${f(rewards.reduce((a, b) => a + b) / 3)} <span class="spread">(${f(Math.min(...rewards))}–${f(Math.max(...rewards))})</span>`);
    expect(html).toContain("Metrics are each run's mean over its last 10% of steps, averaged over the value's seeds, their lowest to highest in brackets.");
  });

  test.each([
    ['one seed', partly],
    ['several seeds', partlySeeded],
  ])('%s: a value with no run, or only a failed one, keeps its row saying so, its metrics blank', async (_, partDirs) => {
    const html = await renderReport(partDirs, '::runs{sweep="fixture-sweep"}\n');
    const rows = html.split('<tr').slice(2);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toContain('completed');
    for (const [row, value, state] of [
      [rows[1], 1, 'failed'],
      [rows[2], 10, 'not trained yet'],
    ] as const) {
      expect(row).toContain(`</span>${value}</td>`);
      expect(row).toContain(`>${state}</span>`);
      expect(row).not.toContain('<a href=');
      expect(row).toContain('<td class="num steps">–</td>');
      expect([...row.matchAll(/<td class="num">–<\/td>/g)]).toHaveLength(METRIC_HEADS.length);
    }
  });

  test('figures and generations of a part-trained sweep name the values they cannot draw', async () => {
    const body = [
      '::figure{sweep="fixture-sweep" metric="kl"}',
      '::final{sweeps="fixture-sweep" metric="kl"}',
      '::scatter{sweeps="fixture-sweep" x="kl" y="raw_reward"}',
      '::generations{sweep="fixture-sweep"}',
    ].join('\n\n');
    const html = await renderReport(partly, body + '\n');
    const note = 'No results yet for beta=1 (failed) and beta=10 (not trained yet).';
    expect(html.split(note)).toHaveLength(5);
  });

  test('a list of runs not drawn names their seeds when they differ', () => {
    const rows = (dirs: { runsDir: string }) => listRuns(dirs.runsDir).filter((run) => run.info.params.beta === 1).map((run) => ({ run, params: { beta: 1 } }));
    const header = (html: string) => [...html.matchAll(/<th scope="col"[^>]*>([^<]+)<\/th>/g)].map((m) => m[1]);
    const seededTable = listedRunsTableHtml(rows(seeded), ['beta']).value;
    expect(header(seededTable)).toEqual(['Run', 'beta', 'seed', 'Status', 'Steps']);
    expect([...seededTable.matchAll(/<td class="num">1<\/td>\n<td class="num">(\d)<\/td>/g)].map((m) => m[1]).sort()).toEqual(['1', '2', '3']);
    expect(header(listedRunsTableHtml(rows(dirs), ['beta']).value)).toEqual(['Run', 'beta', 'Status', 'Steps']);
  });

  test('an unknown sweep fails with the report file and line', async () => {
    const body = 'Intro.\n\n::runs{sweep="kl-penalty-frist"}\n';
    await expect(renderReport(dirs, body, 'bad.md')).rejects.toThrow(
      `reports/bad.md:${lineOf(body, '::runs')}: ::runs: unknown sweep "kl-penalty-frist" (known: fixture-sweep)`,
    );
  });
});
