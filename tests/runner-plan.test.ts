// Which runs `npm run train` trains, skips or resumes: planRuns against fixture run folders.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listRuns, runsOfSweep, RunWriter, SweepFileError, type Sweep } from '../src/runs';
import { resolveConfig, TrainConfig } from '../src/train/config';
import { planRuns, planValue, sweepUnits } from '../src/runner/plan';

const sweep = (id: string, values: number[], config: Record<string, unknown> = {}, seeds = [0], vary = 'beta'): Sweep => ({
  id,
  file: `content/sweeps/${id}.yaml`,
  runs: 'trained',
  title: id,
  vary,
  search: 'values',
  varied: [vary],
  seeds,
  config,
  values: values.map((value) => ({ value, params: { [vary]: value }, label: `${vary}=${value}`, color: 'red' })),
});

let runs: string;
beforeEach(() => (runs = mkdtempSync(join(tmpdir(), 'sweepbook-plan-'))));
afterEach(() => rmSync(runs, { recursive: true, force: true }));

/** A run folder of `sweepId` for one beta, left with the given status. */
function fixtureRun(sweepId: string, beta: number, status: 'completed' | 'interrupted' | 'running', quick = false, seed = 0) {
  const config = resolveConfig({ seed, beta }, { quick });
  const writer = RunWriter.create(runs, {
    sweep: sweepId,
    params: { beta },
    label: `beta=${beta}`,
    color: 'red',
    seed,
    config,
    totalSteps: config.rl_steps,
    generationsCapacity: 0,
  });
  if (status !== 'running') writer.finish(status);
  return writer.dir;
}

const all = { index: 1, count: 1 };
const plan = (sweeps: Sweep[], opts: Partial<Parameters<typeof planRuns>[2]> = {}) =>
  planRuns(sweeps, runs, { quick: false, fresh: false, shard: all, ...opts });
const betas = (p: ReturnType<typeof plan>) => p.jobs.map((job) => `${job.sweep}:${job.params.beta}`);

describe('planRuns', () => {
  it('plans one run per value, sweeps by id', () => {
    expect(betas(plan([sweep('b', [1, 2]), sweep('a', [3])]))).toEqual(['a:3', 'b:1', 'b:2']);
  });

  it('skips completed runs and resumes the latest unfinished one', async () => {
    const done = fixtureRun('s', 0, 'completed');
    fixtureRun('s', 1, 'interrupted');
    await new Promise((resolve) => setTimeout(resolve, 5)); // creation times have millisecond precision
    const latest = fixtureRun('s', 1, 'running');
    const p = plan([sweep('s', [0, 1, 2])]);
    expect(p.done.map((run) => run.dir)).toEqual([done]);
    expect(p.jobs.map((job) => [job.params.beta, job.resumeDir])).toEqual([
      [1, latest],
      [2, null],
    ]);
  });

  it('does not count a run with another config: a --quick run does not stand for the full one', () => {
    fixtureRun('s', 0, 'completed', true);
    expect(betas(plan([sweep('s', [0])]))).toEqual(['s:0']);
    expect(betas(plan([sweep('s', [0])], { quick: true }))).toEqual([]);
    expect(betas(plan([sweep('s', [0], { lr: 0.5 })], { quick: true }))).toEqual(['s:0']);
  });

  it('starts new runs with --fresh', () => {
    fixtureRun('s', 0, 'completed');
    fixtureRun('s', 1, 'interrupted');
    expect(plan([sweep('s', [0, 1])], { fresh: true }).jobs.map((job) => job.resumeDir)).toEqual([null, null]);
  });

  it('plans a value again once claimed: runs made since count, those --fresh set aside do not', () => {
    const old = fixtureRun('s', 0, 'completed');
    const [job] = plan([sweep('s', [0])], { fresh: true }).jobs;
    expect(planValue(runsOfSweep(runs, 's'), job)).toEqual({ resumeDir: null });
    const started = fixtureRun('s', 0, 'interrupted'); // another trainer started it meanwhile
    expect(planValue(runsOfSweep(runs, 's'), job)).toEqual({ resumeDir: started });
    const completed = fixtureRun('s', 0, 'completed'); // or completed it
    expect(planValue(runsOfSweep(runs, 's'), job)).toMatchObject({ done: { dir: completed } });
    expect(old).not.toBe(completed);
  });

  it('shards by position in the full list, whatever is already trained', () => {
    const sweeps = [sweep('a', [1, 2, 3]), sweep('b', [4, 5])];
    const first = plan(sweeps, { shard: { index: 1, count: 2 } });
    const second = plan(sweeps, { shard: { index: 2, count: 2 } });
    expect(betas(first)).toEqual(['a:1', 'a:3', 'b:5']);
    expect(betas(second)).toEqual(['a:2', 'b:4']);
    // Another machine finishing a run of its shard does not move this machine's share.
    fixtureRun('a', 1, 'completed');
    expect(betas(plan(sweeps, { shard: { index: 2, count: 2 } }))).toEqual(['a:2', 'b:4']);
  });
});

describe('seeds', () => {
  const units = (p: ReturnType<typeof plan>) => p.jobs.map((job) => `${job.sweep}:${job.params.beta}@${job.config.seed}`);

  it('plans every value once per seed, seed by seed, each run recording its seed', () => {
    const p = plan([sweep('s', [1, 2], {}, [0, 1, 2])]);
    expect(units(p)).toEqual(['s:1@0', 's:2@0', 's:1@1', 's:2@1', 's:1@2', 's:2@2']);
    expect(p.jobs.map((job) => job.name)).toEqual(['beta=1 seed=0', 'beta=2 seed=0', 'beta=1 seed=1', 'beta=2 seed=1', 'beta=1 seed=2', 'beta=2 seed=2']);
    // one seed: the names are the labels, as before seeds
    expect(plan([sweep('s', [1])]).jobs.map((job) => job.name)).toEqual(['beta=1']);
  });

  it('skips and resumes per (value, seed): a run of one seed does not stand for another', () => {
    const done = fixtureRun('s', 1, 'completed', false, 1);
    const unfinished = fixtureRun('s', 2, 'interrupted', false, 0);
    const p = plan([sweep('s', [1, 2], {}, [0, 1])]);
    expect(p.done.map((run) => run.dir)).toEqual([done]);
    expect(p.jobs.map((job) => [`${job.params.beta}@${job.config.seed}`, job.resumeDir])).toEqual([
      ['1@0', null],
      ['2@0', unfinished],
      ['2@1', null],
    ]);
  });

  it('shards (value, seed) units: every machine gets whole runs, none twice', () => {
    const sweeps = [sweep('s', [1, 2, 3], {}, [0, 1])];
    const shards = [1, 2, 3, 4].map((index) => units(plan(sweeps, { shard: { index, count: 4 } })));
    expect(shards).toEqual([
      ['s:1@0', 's:2@1'],
      ['s:2@0', 's:3@1'],
      ['s:3@0'],
      ['s:1@1'],
    ]);
  });

  it('a unit two sweeps share (same config and seed) is planned once and stands for both', () => {
    const first = sweep('first', [0, 10, 100], {}, [0, 1]);
    const second = sweep('second', [10, 50, 100], {}, [0, 1]);
    expect(units(plan([second, first]))).toEqual([
      'first:0@0', 'first:10@0', 'first:100@0', 'first:0@1', 'first:10@1', 'first:100@1',
      'second:50@0', 'second:50@1',
    ]);
    // shards count the shared unit once, so the machines still split the 8 runs evenly
    expect([1, 2].map((index) => plan([first, second], { shard: { index, count: 2 } }).jobs.length)).toEqual([4, 4]);
    // trained by the first sweep, it is done for the second
    const shared = fixtureRun('first', 10, 'completed', false, 1);
    const p = plan([second]);
    expect(p.done.map((run) => run.dir)).toEqual([shared]);
    expect(units(p)).toEqual(['second:10@0', 'second:50@0', 'second:100@0', 'second:50@1', 'second:100@1']);
    // and a trainer of the second sweep that claims it finds it done
    const job = { ...p.jobs[0], kind: 'builtin' as const, config: resolveConfig({ seed: 1, beta: 10 }, { quick: false }) };
    expect(planValue(listRuns(runs), job)).toMatchObject({ done: { dir: shared } });
  });
});

describe('sweepUnits', () => {
  it('names the sweep file and the field of a bad config, in the file\'s own terms', () => {
    const error = (s: Sweep) => {
      try {
        sweepUnits(s, false);
      } catch (err) {
        return err as SweepFileError;
      }
      throw new Error('expected an error');
    };
    expect(error(sweep('s', [1, -1]))).toMatchObject({ file: 'content/sweeps/s.yaml', field: 'values.1.value' });
    expect(error(sweep('s', [1], { lr: 'fast' }))).toMatchObject({ field: 'config.lr' });
    expect(error(sweep('s', [1], { nope: 1 }))).toMatchObject({ field: 'config.nope' });
    expect(error(sweep('s', [1], {}, [0], 'betta'))).toMatchObject({ field: 'vary' });
    expect(error(sweep('s', [1], { lr: 'fast' }))).toBeInstanceOf(SweepFileError);
  });

  it('lists the training config keys for an unknown one, and suggests the one meant', () => {
    const detail = (config: Record<string, unknown>, vary = 'beta') => {
      try {
        sweepUnits(sweep('s', [1], config, [0], vary), false);
      } catch (err) {
        return (err as SweepFileError).detail;
      }
      throw new Error('expected an error');
    };
    const keys = Object.keys(TrainConfig.shape).filter((key) => key !== 'seed');
    expect(detail({ learning_rate: 0.1 })).toBe(`"learning_rate" is not a training config key (did you mean "lr"?); the keys: ${keys.join(', ')}`);
    expect(detail({ rl_stepz: 3 })).toMatch(/^"rl_stepz" is not a training config key \(did you mean "rl_steps"\?\); the keys: model, /);
    expect(detail({}, 'betta')).toMatch(/^"betta" is not a training config key \(did you mean "beta"\?\)/);
    expect(detail({ colour: 'red' })).toBe(`"colour" is not a training config key; the keys: ${keys.join(', ')}`);
  });
});

describe('values as run.json records them', () => {
  // JSON has no -0: a run of value -0 records 0, and must still stand for it (issue 27).
  it('a run of a sweep value -0 is done, not retrained forever', () => {
    const done = fixtureRun('s', -0, 'completed');
    const p = plan([sweep('s', [-0, 1])]);
    expect(p.done.map((run) => run.dir)).toEqual([done]);
    expect(betas(p)).toEqual(['s:1']);
  });
});
