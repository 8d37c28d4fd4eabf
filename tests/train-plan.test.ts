// Which runs `npm run train` trains, skips or resumes: planRuns against fixture run folders.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runsOfSweep, RunWriter, SweepFileError, type Sweep } from '../src/runs';
import { resolveConfig } from '../src/train/config';
import { planRuns, planValue, sweepConfigs } from '../src/train/plan';

const sweep = (id: string, values: number[], config: Record<string, unknown> = {}): Sweep => ({
  id,
  file: `content/sweeps/${id}.yaml`,
  title: id,
  vary: 'beta',
  seed: 0,
  config,
  values: values.map((value) => ({ value, label: `beta=${value}`, color: 'red' })),
});

let runs: string;
beforeEach(() => (runs = mkdtempSync(join(tmpdir(), 'sweepbook-plan-'))));
afterEach(() => rmSync(runs, { recursive: true, force: true }));

/** A run folder of `sweepId` for one beta, left with the given status. */
function fixtureRun(sweepId: string, beta: number, status: 'completed' | 'interrupted' | 'running', quick = false) {
  const config = resolveConfig({ seed: 0, beta }, { quick });
  const writer = RunWriter.create(runs, {
    sweep: sweepId,
    params: { beta },
    label: `beta=${beta}`,
    color: 'red',
    seed: 0,
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

describe('sweepConfigs', () => {
  it('names the sweep file and the field of a bad config, in the file\'s own terms', () => {
    const error = (s: Sweep) => {
      try {
        sweepConfigs(s, false);
      } catch (err) {
        return err as SweepFileError;
      }
      throw new Error('expected an error');
    };
    expect(error(sweep('s', [1, -1]))).toMatchObject({ file: 'content/sweeps/s.yaml', field: 'values.1.value' });
    expect(error(sweep('s', [1], { lr: 'fast' }))).toMatchObject({ field: 'config.lr' });
    expect(error(sweep('s', [1], { nope: 1 }))).toMatchObject({ field: 'config.nope' });
    expect(error({ ...sweep('s', [1]), vary: 'betta' })).toMatchObject({ field: 'vary' });
    expect(error(sweep('s', [1], { lr: 'fast' }))).toBeInstanceOf(SweepFileError);
  });
});
