// scripts/slurm/*.sbatch on a real (one-node) Slurm cluster started for the
// test: a --quick sweep as an array job of three shards, one task killed and
// requeued mid-run, then the site built by a job that waits for the array.
// Skipped where Slurm is not installed or we are not root (a laptop).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRuns, readMetrics } from '../src/runs';
import { logs, slurmMissing, startSlurmCluster, until, type SlurmCluster } from './fixtures/slurm-cluster';

const REPO = fileURLToPath(new URL('..', import.meta.url));
// Long enough (~5 s of --quick steps) for the test to requeue a task mid-run.
const STEPS = 200;
const CHECKPOINT_EVERY = 20;
const SWEEP = `title: Trio
vary: beta
values:
  - value: 0
  - value: 1
  - value: 10
config:
  rl_steps: ${STEPS}
  checkpoint_every: ${CHECKPOINT_EVERY}
`;
const REPORT = `---
title: On the cluster
date: 2026-11-26
description: Three shards of a sweep.
---

::figure{sweep="trio" metric="raw_reward" caption="Raw reward"}
`;

const missing = slurmMissing();
let cluster: SlurmCluster | undefined;
let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'sweepbook-slurm-test-'));
  if (!missing) cluster = await startSlurmCluster();
});

// Also after a failure or a timeout: no daemon may outlive the test (CI runs the suite twice).
afterAll(async () => {
  await cluster?.stop();
  rmSync(root, { recursive: true, force: true });
});

/** Metrics without the wall time: what must be identical for the same seed and backend. */
const metricsOf = (runDir: string) => readMetrics(runDir).map(({ time, ...rest }) => (void time, rest));
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('a sweep on a Slurm cluster', () => {
  it('trains each run once over an array of 3, resumes a requeued task from its checkpoint, then builds the site', async (ctx) => {
    if (!cluster) {
      // The default reporter does not show a skip's note: say why here.
      console.warn(`Skipping the Slurm cluster test: ${missing}.`);
      return ctx.skip(missing!);
    }
    const slurm = cluster;
    const content = join(root, 'content');
    const runs = join(root, 'runs');
    const dist = join(root, 'dist');
    mkdirSync(join(content, 'sweeps'), { recursive: true });
    mkdirSync(join(content, 'reports'), { recursive: true });
    writeFileSync(join(content, 'sweeps', 'trio.yaml'), SWEEP);
    writeFileSync(join(content, 'reports', 'cluster.md'), REPORT);
    // Jobs get the submitter's environment: this node first on PATH, so they run the node running the test.
    const env: NodeJS.ProcessEnv = {
      PATH: `${dirname(process.execPath)}:${process.env.PATH}`,
      RUNS_DIR: runs,
      CONTENT_DIR: content,
      SITE_CACHE_DIR: join(root, 'astro-cache'),
      SWEEPBOOK_QUICK: '1',
    };
    const sbatch = (...args: string[]) => slurm.run('sbatch', ['--parsable', `--chdir=${REPO}`, ...args], env).trim();
    const job = sbatch(`--output=${root}/train-%A_%a.out`, '--array=1-3', 'scripts/slurm/sweep.sbatch', '--sweep', 'trio', '--quick');
    const build = sbatch(`--output=${root}/build-%j.out`, `--dependency=afterok:${job}`, 'scripts/slurm/build.sbatch', '--outDir', dist);

    // The same sweep unsharded, meanwhile, for the metrics to compare with.
    const unsharded = trainUnsharded({ ...slurm.env, ...env }, join(root, 'unsharded'));

    // Kill the second task past its first checkpoint and queue it again, as a preemption does.
    const second = () => listRuns(runs).find((run) => run.info.params.beta === 1);
    const logged = () => readMetrics(second()!.dir, () => {}).length;
    await until(() => logged() > CHECKPOINT_EVERY + 2, 120_000, () => `task 2 did not get going:\n${logs(slurm.dir)}`);
    slurm.run('scontrol', ['requeue', `${job}_2`]);
    // Pending once its processes are gone; it starts again only seconds later (cred_expire).
    const taskState = () => slurm.run('squeue', ['--noheader', '--format=%T', `--jobs=${job}_2`]).trim();
    await until(() => taskState() === 'PENDING', 60_000, () => `task 2 was not requeued: ${taskState()}`);
    const requeuedAt = Date.now() / 1000;

    const queued = () => slurm.run('squeue', ['--noheader', `--jobs=${job},${build}`]).trim();
    await until(() => queued() === '', 150_000, () => `jobs did not finish:\n${queued()}\n${logs(slurm.dir)}`);
    const reference = await unsharded;
    expect(reference.code, reference.output).toBe(0);
    const state = (id: string) => /JobState=(\S+)/.exec(slurm.run('scontrol', ['show', 'job', id]))?.[1];
    expect([1, 2, 3].map((task) => state(`${job}_${task}`))).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect(state(build), readFileSync(join(root, `build-${build}.out`), 'utf8')).toBe('COMPLETED');

    // Every run trained exactly once: one run folder per value, every step logged once.
    const trained = listRuns(runs);
    expect(trained.map((run) => run.info.params.beta).sort((a, b) => Number(a) - Number(b))).toEqual([0, 1, 10]);
    for (const run of trained) {
      expect(run.info.status).toBe('completed');
      expect(readMetrics(run.dir).map((line) => line.step)).toEqual(range(STEPS));
    }

    // ...each by its own task (two trainers on one runs folder never train a value twice, sharded or not).
    const log = (task: number) => readFileSync(join(root, `train-${job}_${task}.out`), 'utf8');
    for (const task of [1, 2, 3]) expect(log(task)).toContain(`Training 1 run (shard ${task}/3)`);

    // The requeued task resumed its run from a checkpoint: the steps up to it were logged before the requeue, the rest after.
    expect(log(2)).toMatch(/trio beta=1: run .*, resuming after step \d+/);
    const resumedAfter = Number(/trio beta=1: run .*, resuming after step (\d+)/.exec(log(2))![1]);
    expect(resumedAfter).toBeGreaterThanOrEqual(CHECKPOINT_EVERY);
    expect(resumedAfter).toBeLessThan(STEPS);
    for (const { step, time } of readMetrics(second()!.dir)) {
      if (step <= resumedAfter) expect(time, `step ${step}`).toBeLessThan(requeuedAt);
      else expect(time, `step ${step}`).toBeGreaterThan(requeuedAt);
    }
    expect(log(1)).not.toMatch(/resuming/);
    expect(log(3)).not.toMatch(/resuming/);

    // Sharded, killed and resumed or not: the metrics of an unsharded run with the same seed.
    const unshardedRuns = listRuns(join(root, 'unsharded'));
    for (const run of trained) {
      const same = unshardedRuns.find((r) => r.info.params.beta === run.info.params.beta)!;
      expect(metricsOf(run.dir), `beta=${run.info.params.beta}`).toEqual(metricsOf(same.dir));
    }

    // The site, built after the array: its report, the sweep page and a page per run.
    expect(existsSync(join(dist, 'reports', 'cluster', 'index.html'))).toBe(true);
    expect(existsSync(join(dist, 'sweeps', 'trio', 'index.html'))).toBe(true);
    for (const run of trained) expect(existsSync(join(dist, 'runs', run.info.id, 'index.html'))).toBe(true);
  }, 180_000);
});

/** `npm run train -- --quick --sweep trio` into `runs`, outside Slurm. */
function trainUnsharded(env: NodeJS.ProcessEnv, runs: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', 'train', '--', '--quick', '--sweep', 'trio', '--runs', runs], { cwd: REPO, env });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ code, output }));
  });
}
