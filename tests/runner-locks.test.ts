// Trainers that cannot tell each other apart by host and pid: two PID
// namespaces on one host (containers with host networking), and a node that
// crashed holding its locks. `npm run train --quick` end to end, in a
// temporary project folder.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRuns, readMetrics } from '../src/runs';
import { lockInOtherPidNamespace } from './fixtures/locks';

const TRAIN = fileURLToPath(new URL('../scripts/train.ts', import.meta.url));
// Absolute, because the CLI runs in a temporary folder where `--import tsx` would not resolve.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

let project: string;
beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'sweepbook-locks-'));
});
afterAll(() => rmSync(project, { recursive: true, force: true }));

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run train` in the project folder; `prefix` runs it under another command (unshare). */
function start(args: string[], prefix: string[] = [], extraEnv: Record<string, string> = {}): { child: ChildProcess; done: Promise<Result> } {
  const env = { ...process.env, ...extraEnv };
  delete env.RUNS_DIR;
  delete env.CONTENT_DIR;
  const [command, ...rest] = [...prefix, process.execPath, '--import', TSX, TRAIN, ...args];
  const child = spawn(command, rest, { cwd: project, env, timeout: 120_000, killSignal: 'SIGKILL' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<Result>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

const train = (args: string[], prefix: string[] = [], extraEnv: Record<string, string> = {}) => start(args, prefix, extraEnv).done;

/** Trains until a checkpoint or more is behind, then kill -9: what a crash leaves. Returns the run's claim and lock files. */
async function killMidRun(args: string[], runs: string): Promise<{ files: string[]; id: string }> {
  const killed = start(args);
  let logged = 0;
  for (; killed.child.exitCode === null && logged < 60; await new Promise((resolve) => setTimeout(resolve, 10))) {
    const [run] = listRuns(runs);
    logged = run ? steps(run.dir).length : 0;
  }
  killed.child.kill('SIGKILL');
  expect((await killed.done).code).toBe(null);
  const [crashed] = listRuns(runs);
  expect(crashed.info.status).toBe('running');
  const files = [join(crashed.dir, 'lock'), ...readdirSync(join(runs, '.claims')).map((name) => join(runs, '.claims', name))];
  expect(files).toHaveLength(2);
  return { files, id: crashed.info.id };
}

function writeSweep(dir: string, id: string, steps: number): void {
  mkdirSync(dir, { recursive: true });
  const yaml = `title: One\nvary: beta\nvalues:\n  - value: 0\nconfig:\n  rl_steps: ${steps}\n  checkpoint_every: 25\n`;
  writeFileSync(join(dir, `${id}.yaml`), yaml);
}

const anHourAgo = () => new Date(Date.now() - 3600_000);
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const steps = (runDir: string) => readMetrics(runDir, () => {}).map((line) => line.step);

/** Why two PID namespaces cannot be made here, or null. */
function unshareMissing(): string | null {
  if (process.getuid?.() !== 0) return 'not root (unshare --pid needs it)';
  try {
    execFileSync('unshare', ['--pid', '--fork', '--mount-proc', 'true'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'unshare --pid --fork --mount-proc failed or is missing';
  }
}

describe('trainers in two PID namespaces on one runs folder', () => {
  it('trains the run once: one trainer writes it, the other leaves it to that one', async (ctx) => {
    const missing = unshareMissing();
    if (missing) {
      console.warn(`Skipping the two-PID-namespaces test: ${missing}.`);
      return ctx.skip(missing);
    }
    const sweeps = join(project, 'ns-sweeps');
    const runs = join(project, 'ns-runs');
    writeSweep(sweeps, 'one', 300);
    const args = ['--quick', '--runs', runs, '--sweeps', sweeps];
    // Each is pid 1 in its own namespace, on the same host and boot: host and pid alone cannot tell them apart.
    const unshare = ['unshare', '--pid', '--fork', '--mount-proc'];
    const [a, b] = await Promise.all([train(args, unshare), train(args, unshare)]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    const summaries = [a.stdout, b.stdout].map((out) => /one beta=0\s+(completed|in another process|done before)/.exec(out)?.[1]);
    expect(summaries.filter((s) => s === 'completed'), a.stdout + b.stdout).toHaveLength(1);

    const [run, ...others] = listRuns(runs);
    expect(others).toEqual([]);
    expect(run.info).toMatchObject({ status: 'completed', steps_done: 300 });
    expect(steps(run.dir)).toEqual(range(300)); // every step once, as steps_done says
    expect(readdirSync(run.dir).filter((name) => name.endsWith('.tmp') || name === 'lock')).toEqual([]);
  });
});

describe('a node that crashed holding its locks', () => {
  it('leaves a run that the next trainer, on another node, resumes from its checkpoint once the lease is over', async () => {
    const sweeps = join(project, 'crash-sweeps');
    const runs = join(project, 'crash-runs');
    writeSweep(sweeps, 'one', 120);
    const args = ['--quick', '--runs', runs, '--sweeps', sweeps];
    // The node dies mid-run: kill -9 past a checkpoint (every 25 steps), and its claim and run lock name a process of that node.
    const { files: locks, id } = await killMidRun(args, runs);
    const lock = JSON.stringify({ token: 'the-crashed-node', host: 'node-that-crashed', pid: 4242, boot: 'its-boot' });
    for (const file of locks) writeFileSync(file, lock);
    for (const file of locks) utimesSync(file, anHourAgo(), anHourAgo()); // not renewed since the crash, an hour ago

    const next = await train(args);
    expect(next.code, next.stdout + next.stderr).toBe(0);
    const resumedAfter = Number(/one beta=0: run \S+, resuming after step (\d+)/.exec(next.stderr)?.[1]);
    expect(resumedAfter).toBeGreaterThanOrEqual(50); // its last checkpoint
    const [run, ...others] = listRuns(runs);
    expect(others).toEqual([]);
    expect(run.info).toMatchObject({ id, status: 'completed', steps_done: 120 });
    expect(steps(run.dir)).toEqual(range(120)); // nothing lost, nothing twice
    expect(readdirSync(run.dir)).not.toContain('lock');
    expect(readdirSync(join(runs, '.claims'))).toEqual([]);
  });
});

describe('a container restarted in place', () => {
  it('waits out the lease of the locks its earlier self left in another PID namespace, then resumes the run', async () => {
    const sweeps = join(project, 'restart-sweeps');
    const runs = join(project, 'restart-runs');
    writeSweep(sweeps, 'one', 120);
    const args = ['--quick', '--runs', runs, '--sweeps', sweeps];
    const { files, id } = await killMidRun(args, runs);
    // Its earlier self: pid 1 of a PID namespace gone with the old container, same host and boot, renewed just now.
    for (const file of files) writeFileSync(file, lockInOtherPidNamespace(1));

    const started = Date.now();
    const next = await train(args, [], { SWEEPBOOK_LOCK_LEASE_MS: '3000' });
    expect(next.code, next.stdout + next.stderr).toBe(0);
    expect(next.stdout + next.stderr).toMatch(/one beta=0: being trained by process 1 on \S+ \(.*\); waiting until it ends or its lock is not renewed/);
    expect(Date.now() - started).toBeGreaterThan(3000);
    expect(next.stderr).toMatch(/one beta=0: run \S+, resuming after step \d+/);
    const [run, ...others] = listRuns(runs);
    expect(others).toEqual([]);
    expect(run.info).toMatchObject({ id, status: 'completed', steps_done: 120 });
    expect(steps(run.dir)).toEqual(range(120));
  });
});

describe('a run whose claim was deleted by hand while its lock is another host\'s', () => {
  it('waits for the lock to lapse, then resumes the run (not exit 1, not left unfinished)', async () => {
    const sweeps = join(project, 'deleted-claim-sweeps');
    const runs = join(project, 'deleted-claim-runs');
    writeSweep(sweeps, 'one', 120);
    const args = ['--quick', '--runs', runs, '--sweeps', sweeps];
    const { files: [runLock, claim], id } = await killMidRun(args, runs);
    writeFileSync(runLock, JSON.stringify({ token: 'the-crashed-node', host: 'node-that-crashed', pid: 4242, boot: 'its-boot' }));
    rmSync(claim); // as the old message told
    const next = start(args);
    let output = '';
    next.child.stdout!.on('data', (chunk) => (output += chunk));
    next.child.stderr!.on('data', (chunk) => (output += chunk));
    while (!/waiting until that trainer ends/.test(output) && next.child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(output).toMatch(/one beta=0: its run is being trained by process 4242 on node-that-crashed \(its lock \S+lock was renewed \d+ s ago; .*\); waiting/);
    utimesSync(runLock, anHourAgo(), anHourAgo()); // the lease runs out
    const result = await next.done;
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stderr).toMatch(/one beta=0: run \S+, resuming after step \d+/);
    const [run, ...others] = listRuns(runs);
    expect(others).toEqual([]);
    expect(run.info).toMatchObject({ id, status: 'completed', steps_done: 120 });
    expect(steps(run.dir)).toEqual(range(120));
  });
});
