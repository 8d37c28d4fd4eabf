// The README's "Bringing your own runs" and docs/importing.md's TRL example, as
// written: a PyTorch logdir of three runs and three TRL output dirs under $HOME,
// imported by their commands.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventFile, fileVersionEvent, summaryEvent, value } from '../src/bench/tfevents-writer';
import { listRuns, loadSweep } from '../src/runs';
import { runAsWritten } from './fixtures/as-written';

const ROOT = join(import.meta.dirname, '..');
const home = mkdtempSync(join(tmpdir(), 'sweepbook-readme-import-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const env = { HOME: home, RUNS_DIR: join(home, 'runs'), CONTENT_DIR: join(home, 'content') };

describe("the README's import commands", () => {
  it('a PyTorch SummaryWriter logdir, lr read off the folder names', () => {
    // as the README's Python writes it: SummaryWriter(f"logs/lr-sweep/lr_{lr}"), Python's str of each lr
    for (const [i, lr] of ['0.0001', '0.0003', '0.001'].entries()) {
      const records = [fileVersionEvent(1.7e9)];
      for (let step = 1; step <= 1000; step++) {
        records.push(summaryEvent(step, 1.7e9 + step, [{ tag: 'train/loss', fields: value.simple(1 / (step * (i + 1))) }]));
        if (step % 100 === 0) {
          records.push(summaryEvent(step, 1.7e9 + step, [{ tag: 'eval/loss', fields: value.simple(2 / step) }]));
          records.push(summaryEvent(step, 1.7e9 + step, [{ tag: 'samples', plugin: 'text', fields: value.stringTensor(`sample at ${step}`) }]));
        }
      }
      mkdirSync(join(home, 'logs/lr-sweep', `lr_${lr}`), { recursive: true });
      writeFileSync(join(home, 'logs/lr-sweep', `lr_${lr}`, 'events.out.tfevents.1700000000.host.1.0'), eventFile(records));
    }
    const result = runAsWritten(`npm run import -- tensorboard ~/logs/lr-sweep --sweep lr-sweep --param 'lr=lr_(?<lr>[0-9.e-]+)'`, { cwd: ROOT, env, timeout: 60_000 });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('import: 3 runs from ');
    const sweep = loadSweep(join(home, 'content/sweeps/lr-sweep.yaml'));
    expect(sweep).toMatchObject({ runs: 'imported', vary: 'lr' });
    expect(sweep.values.map((v) => v.value)).toEqual([0.0001, 0.0003, 0.001]);
  });

  it('TRL output dirs, beta read off the folder names', () => {
    for (const beta of ['0.0', '0.04', '0.1']) cpSync(join(ROOT, 'tests/fixtures/hf/grpo'), join(home, 'out', `beta_${beta}`), { recursive: true });
    const result = runAsWritten(`npm run import -- hf ~/out --sweep grpo-beta --param 'beta=beta_(?<beta>[0-9.]+)'`, { cwd: ROOT, env, timeout: 60_000 });
    expect(result.status, result.stderr).toBe(0);
    const sweep = loadSweep(join(home, 'content/sweeps/grpo-beta.yaml'));
    expect(sweep.values.map((v) => v.label)).toEqual(['beta=0', 'beta=0.04', 'beta=0.1']);
    expect(listRuns(env.RUNS_DIR).filter((run) => run.info.sweep === 'grpo-beta')).toHaveLength(3);
  });
});
