// scripts/slurm/*.sbatch on a real (one-node) Slurm cluster started for the
// test: a --quick sweep as an array job of three shards, one task killed and
// requeued mid-run, then the site built by a job that waits for the array.
// Skipped where Slurm is not installed or we are not root (a laptop).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

// A command sweep: the user's own program, 3 values x 2 seeds, ~4 s a run at 40 ms a step.
const PROGRAM_STEPS = 100;
/**
 * A training program as a user would write one: deterministic in (lr, seed,
 * step), appends and flushes a CSV row per step, resumes after --resume N, and
 * on SIGINT takes half a second to save (as examples/mlp checkpoints) and exits 130.
 */
const PROGRAM = `import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const lr = Number(args.lr), seed = Number(args.seed), steps = Number(args.steps), resume = Number(args.resume);
mkdirSync(args.out, { recursive: true });
const csv = join(args.out, 'metrics.csv');
if (resume > 0 && existsSync(csv)) {
  // Keep what was logged up to the step sweepbook imported, and go on from there.
  const lines = readFileSync(csv, 'utf8').split('\\n').filter((line) => line !== '');
  writeFileSync(csv, [lines[0], ...lines.slice(1).filter((line) => Number(line.split(',')[0]) <= resume)].join('\\n') + '\\n');
  console.log('resuming after step ' + resume);
} else writeFileSync(csv, 'step,loss\\n');
// Noise from (seed, step) alone, so a resumed run logs what an unbroken one does.
const noise = (step) => {
  let x = Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(step, 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d);
  x = Math.imul(x ^ (x >>> 12), 0x297a2d39);
  return ((x ^ (x >>> 15)) >>> 0) / 2 ** 32 - 0.5;
};
let stopped = false;
process.on('SIGINT', () => (stopped = true));
for (let step = resume + 1; step <= steps; step++) {
  if (stopped) {
    console.log('stopped before step ' + step + ': saving');
    await new Promise((done) => setTimeout(done, 500));
    process.exit(130);
  }
  const loss = Math.exp((-3 * lr) / (1 + lr) * step / steps) + 0.05 * noise(step);
  appendFileSync(csv, step + ',' + loss + '\\n');
  if (step % 25 === 0) console.log('step ' + step + ' loss ' + loss);
  await new Promise((done) => setTimeout(done, 40));
}
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
    const unsharded = trainUnsharded({ ...slurm.env, ...env }, join(root, 'unsharded'), 'trio', ['--quick']);

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

  it('--shard of a command sweep: each of 3 tasks runs its 2 units of the program once, a requeued task stops it and resumes it', async (ctx) => {
    if (!cluster) {
      console.warn(`Skipping the Slurm cluster test: ${missing}.`);
      return ctx.skip(missing!);
    }
    const slurm = cluster;
    const dir = join(root, 'command');
    const content = join(dir, 'content');
    const runs = join(dir, 'runs');
    const program = join(dir, 'prog.mjs');
    mkdirSync(join(content, 'sweeps'), { recursive: true });
    writeFileSync(program, PROGRAM);
    // The node running the test, by its absolute path, each argument quoted; the line as a YAML (JSON) string.
    const line = `'${process.execPath}' '${program}' --lr {lr} --seed {seed} --out {out} --resume {resume} --steps {steps}`;
    writeFileSync(
      join(content, 'sweeps', 'prog-trio.yaml'),
      `title: Trio of a program\nvary: lr\nseeds: [0, 1]\nvalues:\n  - value: 0.1\n  - value: 1\n  - value: 10\ncommand: ${JSON.stringify(line)}\noutput: csv\nsteps: ${PROGRAM_STEPS}\n`,
    );
    const env: NodeJS.ProcessEnv = { PATH: `${dirname(process.execPath)}:${process.env.PATH}`, RUNS_DIR: runs, CONTENT_DIR: content };
    const started = Date.now();
    const job = slurm.run('sbatch', ['--parsable', `--chdir=${REPO}`, `--output=${dir}/train-%A_%a.out`, '--array=1-3', 'scripts/slurm/sweep.sbatch', '--sweep', 'prog-trio'], env).trim();
    // The same sweep unsharded, meanwhile (3 at a time, to keep up), for the metrics to compare with.
    const unsharded = trainUnsharded({ ...slurm.env, ...env }, join(dir, 'unsharded'), 'prog-trio', ['--parallel', '3']);

    // Shard 2/3 is lr=1 (seeds 0 then 1): requeue it while its first run is going, once some steps are imported.
    const requeuedRun = () => listRuns(runs).find((run) => run.info.params.lr === 1 && run.info.seed === 0);
    const logged = () => readMetrics(requeuedRun()!.dir, () => {}).length;
    await until(() => logged() > 10, 60_000, () => `task 2 did not get going:\n${logs(slurm.dir)}`);
    expect(requeuedRun()!.info.status).toBe('running');
    slurm.run('scontrol', ['requeue', `${job}_2`]);
    const taskState = () => slurm.run('squeue', ['--noheader', '--format=%T', `--jobs=${job}_2`]).trim();
    await until(() => taskState() === 'PENDING', 30_000, () => `task 2 was not requeued: ${taskState()}`);

    const queued = () => slurm.run('squeue', ['--noheader', `--jobs=${job}`]).trim();
    await until(() => queued() === '', 90_000, () => `jobs did not finish:\n${queued()}\n${logs(slurm.dir)}`);
    const reference = await unsharded;
    console.log(`command sweep: array done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(reference.code, reference.output).toBe(0);
    const log = (task: number) => readFileSync(join(dir, `train-${job}_${task}.out`), 'utf8');
    const state = (id: string) => /JobState=(\S+)/.exec(slurm.run('scontrol', ['show', 'job', id]))?.[1];
    expect([1, 2, 3].map((task) => state(`${job}_${task}`)), log(2)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);

    // One run folder per (lr, seed), completed, every step logged once.
    const trained = listRuns(runs);
    const key = (run: (typeof trained)[number]) => `lr=${run.info.params.lr} seed=${run.info.seed}`;
    expect(trained.map(key).sort()).toEqual(['lr=0.1 seed=0', 'lr=0.1 seed=1', 'lr=1 seed=0', 'lr=1 seed=1', 'lr=10 seed=0', 'lr=10 seed=1']);
    for (const run of trained) {
      expect(run.info.status, key(run)).toBe('completed');
      expect(readMetrics(run.dir).map((point) => point.step), key(run)).toEqual(range(PROGRAM_STEPS));
    }
    for (const task of [1, 2, 3]) expect(log(task)).toContain(`Training 2 runs (shard ${task}/3)`);

    // The requeue's SIGTERM stopped the program (the worker SIGINTs it), and the task, queued again, resumed the run.
    const requeued = requeuedRun()!;
    const commandLog = readFileSync(join(requeued.dir, 'command.log'), 'utf8');
    expect(commandLog).toContain('stopping it (SIGINT)');
    const resumedAfter = Number(/\] resuming after step (\d+): /.exec(commandLog)?.[1]);
    expect(resumedAfter, commandLog).toBeGreaterThan(0);
    expect(resumedAfter).toBeLessThan(PROGRAM_STEPS);
    expect(requeued.info.process?.exit_code).toBe(0);
    expect(requeued.info.process?.pid).toBeNull();
    for (const run of trained.filter((run) => run.dir !== requeued.dir)) expect(readFileSync(join(run.dir, 'command.log'), 'utf8'), key(run)).not.toMatch(/resuming/);

    // No program outlived its task.
    expect(processesWith(program)).toEqual([]);

    // Sharded, stopped and resumed or not: the metrics (by step, not wall time) of the unsharded sweep's runs.
    const unshardedRuns = listRuns(join(dir, 'unsharded'));
    expect(unshardedRuns.map(key).sort()).toEqual(trained.map(key).sort());
    for (const run of trained) {
      const same = unshardedRuns.find((other) => key(other) === key(run))!;
      expect(metricsOf(run.dir), key(run)).toEqual(metricsOf(same.dir));
    }

    // The worker outlived the requeue's SIGTERM until its program had saved and exited: the run was marked interrupted,
    // its exit recorded, before the task was queued again (not left "running" by a worker killed mid-stop).
    const firstAttempt = commandLog.slice(0, commandLog.search(/\] resuming after step/));
    expect(firstAttempt, commandLog).toMatch(/\] stopping it \(SIGINT\)\n(?:.*\n)*\[sweepbook [^\]]+\] it exited with code 130\n/);
    expect(log(2)).toMatch(/prog-trio lr=1 seed=0: interrupted at step \d+/);
  }, 120_000);
});

/** `npm run train -- <extra> --sweep <sweep>` into `runs`, outside Slurm. */
function trainUnsharded(env: NodeJS.ProcessEnv, runs: string, sweep: string, extra: string[] = []): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', 'train', '--', ...extra, '--sweep', sweep, '--runs', runs], { cwd: REPO, env });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The pids of running processes whose command line has `text` (the test's program, left running or not). */
function processesWith(text: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(text)) pids.push(pid);
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}
