// Which runs stand for a sweep's values: one rule (src/runs/sweep-runs.ts)
// that the trainer's plan and the site both go through, on fixture run folders.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { loadSweep, readRunInfo, type Sweep } from '../src/runs';
import { sweepRuns, sweepRunsListed } from '../src/site/sweep-runs';
import { planRuns } from '../src/runner/plan';
import { FIXTURE_SWEEP, SWEEP_YAML, writeFixtureContent, writeFixtureRun } from './fixtures/site-fixture';
import { lockHere } from './fixtures/locks';

let root: string;
let runsDir: string;
let sweep: Sweep;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'sweepbook-sweep-runs-'));
  runsDir = join(root, 'runs');
  writeFixtureContent(join(root, 'content'));
  sweep = loadSweep(join(root, 'content', 'sweeps', `${FIXTURE_SWEEP}.yaml`));
});

afterEach(() => {
  delete process.env.SWEEPBOOK_QUICK;
  rmSync(root, { recursive: true, force: true });
});

/** Run creation times have millisecond precision: make "newer" unambiguous. */
const later = () => new Promise((resolve) => setTimeout(resolve, 5));

const drawn = () => sweepRuns(sweep, runsDir).map(({ run, value }) => [value, run.dir]);

describe('the site', () => {
  test('a newer interrupted or failed run does not stand for its value; it is listed with its status', async () => {
    const completed = [0, 1, 2].map((index) => writeFixtureRun(runsDir, index));
    await later();
    const interrupted = writeFixtureRun(runsDir, 0, { steps: 10, rewardShift: 5, status: 'interrupted' });
    const failed = writeFixtureRun(runsDir, 1, { steps: 10, rewardShift: 5, status: 'failed' });

    expect(drawn()).toEqual([
      [0, completed[0]],
      [1, completed[1]],
      [10, completed[2]],
    ]);
    const listed = sweepRunsListed(sweep, runsDir);
    expect(listed.notDrawn.map(({ run }) => [run.dir, run.info.status])).toEqual([
      [interrupted, 'interrupted'],
      [failed, 'failed'],
    ]);
    expect(listed.otherConfig).toEqual([]);
  });

  test('a still-running run stands for its value (a page can follow training)', async () => {
    writeFixtureRun(runsDir, 0);
    await later();
    const running = writeFixtureRun(runsDir, 0, { steps: 3, status: 'running' });
    expect(drawn()).toEqual([[0, running]]);
  });

  test('a run left "running" by a killed trainer (its lock\'s process is gone) is not drawn; it is listed', async () => {
    const completed = writeFixtureRun(runsDir, 0);
    await later();
    const killed = writeFixtureRun(runsDir, 0, { steps: 3, status: 'running' });
    const lock = join(killed, 'lock');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(lock, lockHere(dead));
    expect(drawn()).toEqual([[0, completed]]);
    expect(sweepRunsListed(sweep, runsDir).notDrawn.map(({ run }) => run.dir)).toEqual([killed]);
  });

  test('--quick runs have another config: listed apart with how it differs, never drawn', async () => {
    const full = writeFixtureRun(runsDir, 0);
    await later();
    const quick = writeFixtureRun(runsDir, 0, { quick: true });
    expect(drawn()).toEqual([[0, full]]);
    const { otherConfig } = sweepRunsListed(sweep, runsDir);
    expect(otherConfig.map(({ run }) => run.dir)).toEqual([quick]);
    expect(otherConfig[0].differences).toContainEqual({ key: 'embed_dim', recorded: 16, now: 64 });
    expect(otherConfig[0].differences.map(({ key }) => key)).not.toContain('beta');
    expect(otherConfig[0].quickMode).toBe(true); // the page says "the --quick config" instead of listing keys

    // A build asked for the quick demo draws the quick run and lists the full one apart.
    process.env.SWEEPBOOK_QUICK = '1';
    expect(drawn()).toEqual([[0, quick]]);
    expect(sweepRunsListed(sweep, runsDir).otherConfig.map(({ run }) => run.dir)).toEqual([full]);
  });

  test('after the sweep file\'s config changes, its runs are listed as of another config, with the key that changed', () => {
    writeFixtureRun(runsDir, 0);
    writeFixtureRun(runsDir, 1);
    const file = join(root, 'content', 'sweeps', `${FIXTURE_SWEEP}.yaml`);
    writeFileSync(file, `${SWEEP_YAML}config:\n  lr: 0.005\n`);
    sweep = loadSweep(file);
    expect(drawn()).toEqual([]);
    const { otherConfig } = sweepRunsListed(sweep, runsDir);
    const lr = [{ key: 'lr', recorded: 0.002, now: 0.005 }];
    expect(otherConfig.map(({ value, differences }) => [value, differences]).sort()).toEqual([
      [0, lr],
      [1, lr],
    ]);
    expect(otherConfig.every(({ quickMode }) => quickMode === undefined)).toBe(true); // not merely the other mode
  });

  test('a run recorded before a default was added to the config still matches', () => {
    const dir = writeFixtureRun(runsDir, 0);
    // As if generations_capacity (default 100) had not existed when the run was trained.
    const info = readRunInfo(dir);
    delete info.config.generations_capacity;
    writeFileSync(join(dir, 'run.json'), JSON.stringify(info));
    expect(drawn()).toEqual([[0, dir]]);
  });
});

describe('seeds', () => {
  test('one run is drawn per (value, seed), values in sweep order, seeds in order', () => {
    writeFixtureContent(join(root, 'content'), undefined, [1, 2]);
    sweep = loadSweep(join(root, 'content', 'sweeps', `${FIXTURE_SWEEP}.yaml`));
    const runs = [2, 1].flatMap((seed) => [0, 1].map((index) => ({ index, seed, dir: writeFixtureRun(runsDir, index, { seed }) })));
    writeFixtureRun(runsDir, 2, { seed: 3 }); // a seed the sweep file does not list: another config
    const listed = sweepRunsListed(sweep, runsDir);
    const dirOf = (index: number, seed: number) => runs.find((r) => r.index === index && r.seed === seed)!.dir;
    expect(listed.drawn.map(({ run, value, seed }) => [value, seed, run.dir])).toEqual([
      [0, 1, dirOf(0, 1)],
      [0, 2, dirOf(0, 2)],
      [1, 1, dirOf(1, 1)],
      [1, 2, dirOf(1, 2)],
    ]);
    expect(listed.otherConfig.map(({ value, differences }) => [value, differences])).toEqual([[10, [{ key: 'seed', recorded: 3, now: 1 }]]]);
  });

  test('a run whose config is another sweep\'s unit too is drawn for both; the other sweep\'s other runs stay its own', () => {
    const shared = writeFixtureRun(runsDir, 2); // beta=10, seed 1, recorded by the fixture sweep
    writeFixtureRun(runsDir, 0, { quick: true }); // the fixture sweep's own other-config run
    const otherFile = join(root, 'content', 'sweeps', 'second.yaml');
    writeFileSync(otherFile, 'title: Second\nvary: beta\nseed: 1\nvalues:\n  - { value: 10, label: "ten", color: blue }\n  - { value: 20, color: teal }\n');
    const second = loadSweep(otherFile);
    const listed = sweepRunsListed(second, runsDir);
    // drawn in the second sweep's label and color
    expect(listed.drawn.map(({ run, value, label, color }) => [value, label, color, run.dir])).toEqual([[10, 'ten', 'blue', shared]]);
    expect(listed.otherConfig).toEqual([]);
    expect(sweepRunsListed(sweep, runsDir).otherConfig).toHaveLength(1);
    // and the trainer of the second sweep has only beta=20 to do
    const plan = planRuns([second], runsDir, { quick: false, fresh: false, shard: { index: 1, count: 1 } });
    expect([plan.done.map((run) => run.dir), plan.jobs.map((job) => job.params.beta)]).toEqual([[shared], [20]]);
  });
});

describe('the plan and the site agree', () => {
  /** A folder with every case: superseded, shadowing, unfinished-only, quick-only runs. */
  async function mixedRuns() {
    writeFixtureRun(runsDir, 0);
    writeFixtureRun(runsDir, 1, { status: 'interrupted', steps: 5 });
    writeFixtureRun(runsDir, 2, { quick: true });
    await later();
    writeFixtureRun(runsDir, 0, { status: 'failed', steps: 5 });
    writeFixtureRun(runsDir, 1, { status: 'failed', steps: 5 });
  }

  test.each([false, true])('quick=%s: the completed runs the site draws are the runs the plan calls done', async (quick) => {
    await mixedRuns();
    if (quick) process.env.SWEEPBOOK_QUICK = '1';
    const plan = planRuns([sweep], runsDir, { quick, fresh: false, shard: { index: 1, count: 1 } });
    const shown = sweepRuns(sweep, runsDir);
    expect(plan.done.map((run) => run.dir)).toEqual(shown.filter(({ run }) => run.info.status === 'completed').map(({ run }) => run.dir));
    // Every value the site has no result for is one the plan trains.
    const trained = plan.jobs.map((job) => job.params.beta);
    expect(trained).toEqual(sweep.values.map(({ value }) => value).filter((value) => !shown.some((s) => s.value === value)));
    expect(plan.done.length + plan.jobs.length).toBe(3);
  });
});
