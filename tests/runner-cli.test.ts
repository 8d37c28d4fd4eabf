// `npm run train` end to end, on --quick configs in a temporary project
// folder (its own content/sweeps, runs and reference-model cache).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { listRuns, readGenerations, readMetrics, RunWriter } from '../src/runs';
import { parseOptions } from '../src/runner/cli';
import { reportUnexpected } from '../src/runner/report-unexpected';
import { resolveConfig } from '../src/train/config';
import { blasBuilt } from './backends';
import { DEAD_PID, lockHere } from './fixtures/locks';
import { childPids, isRunning } from './fixtures/processes';

const TRAIN = fileURLToPath(new URL('../scripts/train.ts', import.meta.url));
// Absolute, because the CLI runs in a temporary folder where `--import tsx` would not resolve.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

let project: string;

/** --backend auto picks tfjs-node-gpu where it is installed (not here: it cannot install without CUDA). */
const hasNodeGpu = (() => {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node-gpu');
    return true;
  } catch {
    return false;
  }
})();

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `timeout` (ms) kills a CLI that hangs, so that a hang fails the test instead of stalling it. */
function start(args: string[], timeout?: number, extraEnv: Record<string, string> = {}): { child: ChildProcess; done: Promise<Result> } {
  const env = { ...process.env, ...extraEnv };
  delete env.RUNS_DIR;
  delete env.CONTENT_DIR;
  const child = spawn(process.execPath, ['--import', TSX, TRAIN, ...args], { cwd: project, env, timeout, killSignal: 'SIGKILL' });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<Result>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

const train = (...args: string[]) => start(args).done;

function writeSweep(id: string, yaml: string, dir = join(project, 'content', 'sweeps')): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${id}.yaml`), yaml);
}

const runsIn = (name: string) => join(project, name);
/** The run folders in `runs` (not trainers' hidden claims). */
const runFolders = (runs: string) => (existsSync(runs) ? readdirSync(runs).filter((name) => !name.startsWith('.')) : []);
const steps = (runDir: string) => readMetrics(runDir, () => {}).map((line) => line.step);
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
/** Metrics without the wall time: what must be identical for the same seed and backend. */
const metricsOf = (runDir: string) => readMetrics(runDir).map(({ time, ...rest }) => (void time, rest));

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'sweepbook-train-'));
  writeSweep('pair', 'title: Pair\nvary: beta\nvalues:\n  - value: 0\n    color: red\n  - value: 1\n    color: blue\n');
  writeSweep(
    'trio',
    'title: Trio\nvary: beta\nvalues:\n  - value: 0\n  - value: 1\n  - value: 10\n',
    join(project, 'other-sweeps'),
  );
});

afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('npm run train: bad input', () => {
  function expectCleanError(result: Result, pattern: RegExp) {
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }

  it('rejects an unknown flag or a malformed value with exit code 2', async () => {
    const [flag, shard, parallel, backend] = await Promise.all([
      train('--bogus'),
      train('--shard', '3/2'),
      train('--parallel', '0'),
      train('--backend', 'tpu'),
    ]);
    expectCleanError(flag, /Unknown option '--bogus'/);
    expectCleanError(shard, /--shard must be i\/n/);
    expectCleanError(parallel, /--parallel/);
    expectCleanError(backend, /--backend must be one of auto, node-gpu, wasm\+blas, wasm, cpu/);
  });

  it('names the file and the field of a bad sweep file', async () => {
    const dir = join(project, 'bad-sweeps');
    writeSweep('typo', 'title: Typo\nvary: beta\nvalues:\n  - value: 0\nconfig:\n  rl_stepz: 3\n', dir);
    writeSweep('wrong-type', 'title: Wrong\nvary: beta\nvalues:\n  - value: 0\nconfig:\n  lr: fast\n', dir);
    writeSweep('bad-value', 'title: Bad\nvary: beta\nvalues:\n  - value: 0\n  - value: -1\n', dir);
    const [typo, wrongType, badValue] = await Promise.all(
      ['typo', 'wrong-type', 'bad-value'].map((id) => train('--sweeps', dir, '--sweep', id)),
    );
    expectCleanError(typo, /typo\.yaml:6: config\.rl_stepz: .*not a training config key/);
    expectCleanError(wrongType, /wrong-type\.yaml:6: config\.lr: .*expected number/);
    expectCleanError(badValue, /bad-value\.yaml:5: values\.1\.value: /);
    expect(existsSync(runsIn('runs'))).toBe(false);
  });

  it('accepts only a plain positive integer for --parallel', () => {
    for (const bad of ['1e3', '0x2', '2.0', ' 2', '2 ', '+2', '02', '', '-1']) {
      expect(() => parseOptions(['--parallel', bad], {}), JSON.stringify(bad)).toThrow(/--parallel/);
    }
    expect(parseOptions(['--parallel', '12'], {}).parallel).toBe(12);
  });

  it('rejects sweep files that are alias bombs, folders, dangling symlinks or twins, in one line', async () => {
    const bomb = ['title: Bomb', 'vary: beta', 'values: [{ value: 0 }]', 'a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const name of 'bcdefgh') bomb.push(`${name}: &${name} [${Array(9).fill(`*${String.fromCharCode(name.charCodeAt(0) - 1)}`).join(', ')}]`);
    const dirs = ['bomb', 'folder', 'dangling', 'twins'].map((name) => join(project, `${name}-sweeps`));
    writeSweep('bomb', bomb.join('\n') + '\n', dirs[0]);
    mkdirSync(join(dirs[1], 'folder.yaml'), { recursive: true });
    mkdirSync(dirs[2]);
    symlinkSync(join(dirs[2], 'missing.yaml'), join(dirs[2], 'dangling.yaml'));
    writeSweep('twin', 'title: Twin\nvary: beta\nvalues:\n  - value: 0\n', dirs[3]);
    writeFileSync(join(dirs[3], 'twin.yml'), 'title: Twin\nvary: beta\nvalues:\n  - value: 0\n');
    const results = await Promise.all([
      ...dirs.map((dir) => train('--quick', '--sweeps', dir)),
      train('--quick', '--sweeps', dirs[3], '--sweep', 'twin'),
    ]);
    const [bombed, folder, dangling, twins, twin] = results;
    expectCleanError(bombed, /bomb\.yaml: too many YAML aliases/);
    expectCleanError(folder, /folder\.yaml: is a folder/);
    expectCleanError(dangling, /dangling\.yaml: does not exist/);
    expectCleanError(twins, /twin\.yml: sweep "twin" is also defined by .*twin\.yaml/);
    expectCleanError(twin, /twin\.yml: sweep "twin" is also defined by .*twin\.yaml/);
    for (const result of results) expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('rejects a --runs that is a file or cannot be made (/proc/x, under a dangling symlink), without hanging', async () => {
    const file = join(project, 'not-a-folder');
    writeFileSync(file, '');
    // /proc refuses new folders with ENOENT, on which Node's recursive mkdir retries forever.
    const dangling = join(project, 'dangling-runs');
    symlinkSync(join(project, 'unmounted'), dangling);
    const [onFile, inProc, onDangling] = await Promise.all([
      train('--quick', '--runs', file),
      start(['--quick', '--runs', '/proc/sweepbook-runs'], 30_000).done,
      start(['--quick', '--runs', join(dangling, 'runs')], 30_000).done,
    ]);
    expectCleanError(onFile, /--runs .*not-a-folder: not a folder/);
    expectCleanError(inProc, /--runs \/proc\/sweepbook-runs: cannot make the folder/);
    expectCleanError(onDangling, /--runs .*dangling-runs\/runs: cannot make the folder/);
  });

  it('prints an unexpected error in one line, and its stack only with SWEEPBOOK_DEBUG=1', () => {
    const printed: unknown[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((value: unknown) => void printed.push(value));
    try {
      const error = new Error('something broke');
      expect(reportUnexpected(error, {})).toBe(1);
      expect(reportUnexpected(error, { SWEEPBOOK_DEBUG: '1' })).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(printed[0]).toBe('train: something broke (SWEEPBOOK_DEBUG=1 shows where)');
    expect(String((printed[1] as Error).stack)).toMatch(/something broke\n\s+at /);
  });

  it('rejects an unknown sweep, listing the known ones', async () => {
    expectCleanError(await train('--sweep', 'nope'), /unknown sweep "nope": .* has pair/);
  });

  it('leaves a sweep of imported runs alone, saying so', async () => {
    const sweeps = join(project, 'imported-sweeps');
    writeSweep('theirs', 'title: Theirs\nruns: imported\nvary: lr\nvalues:\n  - value: 0.1\n', sweeps);
    const runs = runsIn('runs-imported');
    const result = await train('--quick', '--sweeps', sweeps, '--runs', runs, '--sweep', 'theirs');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Sweep theirs: its runs are imported (runs: imported in ${join(sweeps, 'theirs.yaml')}), not trained here`);
    expect(runFolders(runs)).toEqual([]);
  });

  it.skipIf(hasNodeGpu)('rejects an unusable backend before creating any run', async () => {
    const runs = runsIn('runs-gpu');
    expectCleanError(await train('--quick', '--runs', runs, '--backend', 'node-gpu'), /node-gpu/);
    expect(listRuns(runs)).toEqual([]);
  });
});

describe('npm run train: training', () => {
  it.skipIf(hasNodeGpu)('without the native BLAS addon, trains on plain wasm and says so once (not once per worker)', async () => {
    const noBlas = { SWEEPBOOK_BLAS_ADDON: join(project, 'not-built', 'blas.node') };
    const runs = runsIn('runs-no-blas');
    const result = await start(['--quick', '--runs', runs, '--parallel', '2'], undefined, noBlas).done;
    expect(result.code).toBe(0);
    expect(result.stderr.match(/Native BLAS unavailable \(not built/g)).toHaveLength(1);
    expect(listRuns(runs).map((run) => run.info.backend)).toEqual(['wasm', 'wasm']);
  });

  it('without the native BLAS addon, refuses --backend wasm+blas before any run starts', async () => {
    const noBlas = { SWEEPBOOK_BLAS_ADDON: join(project, 'not-built', 'blas.node') };
    const named = await start(['--quick', '--runs', runsIn('runs-named-blas'), '--backend', 'wasm+blas'], undefined, noBlas).done;
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/backend wasm\+blas: native BLAS unavailable \(not built/);
    expect(listRuns(runsIn('runs-named-blas'))).toEqual([]);
  });

  it('trains one completed run per value, then has nothing left to do', async () => {
    const runs = runsIn('runs-pair');
    const first = await train('--quick', '--runs', runs);
    expect(first.stderr).not.toMatch(/failed/);
    expect(first.code).toBe(0);
    const trained = listRuns(runs);
    expect(trained.map((run) => [run.info.sweep, run.info.params.beta, run.info.status])).toEqual(
      expect.arrayContaining([
        ['pair', 0, 'completed'],
        ['pair', 1, 'completed'],
      ]),
    );
    expect(trained).toHaveLength(2);
    for (const run of trained) {
      expect(steps(run.dir)).toEqual(range(run.info.total_steps));
      expect(readGenerations(run.dir).length).toBeGreaterThan(0);
      expect(run.info.backend).toBe(hasNodeGpu ? 'node-gpu' : blasBuilt ? 'wasm+blas' : 'wasm');
    }
    expect(first.stdout).toMatch(/raw_reward/);
    // A quick demo shows only in a build asked for it.
    expect(first.stdout).toMatch(/SWEEPBOOK_QUICK=1 RUNS_DIR=\S+ npm run build/);

    const second = await train('--quick', '--runs', runs);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/Nothing to train/);
    expect(listRuns(runs).map((run) => run.info.id)).toEqual(trained.map((run) => run.info.id));
  });

  it('resumes a stopped or killed run with every step logged exactly once', async () => {
    const runs = runsIn('runs-kill');
    const sweeps = join(project, 'long-sweeps');
    const yaml = 'title: Long\nvary: beta\nvalues:\n  - value: 1\nconfig:\n  rl_steps: 30\n  checkpoint_every: 10\n';
    writeSweep('long', yaml, sweeps);
    const args = ['--quick', '--runs', runs, '--sweeps', sweeps];

    // SIGTERM: the run stops after its step, checkpoints and is marked interrupted.
    const stopped = await stopWhen(start(args), runs, (logged) => logged >= 4, 'SIGTERM');
    expect(stopped.code).toBe(130);
    expect(stopped.stdout).toContain(`To resume the unfinished runs from their last checkpoint: npm run train -- ${args.join(' ')}`);
    const [interrupted] = listRuns(runs);
    expect(interrupted.info.status).toBe('interrupted');
    const stoppedAt = interrupted.info.steps_done;
    expect(stoppedAt).toBeGreaterThanOrEqual(4);

    // SIGKILL between checkpoints (every 10 steps): steps after the last one are on disk.
    const killed = await stopWhen(start(args), runs, (logged) => logged > stoppedAt + 2 && logged % 10 >= 3 && logged % 10 <= 7, 'SIGKILL');
    expect(killed.code).toBe(null);
    expect(listRuns(runs)[0].info.status).toBe('running');
    const loggedBeforeResume = steps(interrupted.dir).length;

    const resumed = await train(...args);
    expect(resumed.code).toBe(0);
    const resumedAfter = Number(/resuming after step (\d+)/.exec(resumed.stderr)?.[1]);
    expect(resumedAfter).toBeGreaterThanOrEqual(stoppedAt);
    expect(resumedAfter).toBeLessThan(loggedBeforeResume); // the steps after the checkpoint were dropped...
    const [run] = listRuns(runs);
    expect(run.info.id).toBe(interrupted.info.id);
    expect(run.info.status).toBe('completed');
    expect(steps(run.dir)).toEqual(range(30)); // ...and trained again: no duplicate, no gap
    for (const { step } of readGenerations(run.dir)) expect(step).toBeLessThanOrEqual(30);
  });

  it('marks a run that throws as failed, trains the others, and exits with 1', async () => {
    const runs = runsIn('runs-fail');
    // An unfinished run of pair's beta=1 whose checkpoint holds no usable weights: resuming it throws.
    const broken = quickRunWriter(runs, 'pair', 1);
    broken.saveCheckpoint(2, { tensors: { 'policy/nothing': { shape: [1], data: new Float32Array(1) } }, state: {} });
    broken.finish('interrupted'); // and so unlocked, as a stopped trainer leaves it

    const result = await train('--quick', '--runs', runs, '--parallel', '2');
    expect(result.code).toBe(1);
    const byBeta = new Map(listRuns(runs).map((run) => [run.info.params.beta, run.info]));
    expect(byBeta.get(0)?.status).toBe('completed');
    expect(byBeta.get(1)?.status).toBe('failed');
    expect(byBeta.get(1)?.error).toMatch(/weights/);
    expect(result.stdout).toMatch(/pair beta=1 failed: .*weights/);
  });

  it('splits the values between two trainers started together on one runs folder', async () => {
    const runs = runsIn('runs-racing');
    const sweeps = join(project, 'racing-sweeps');
    writeSweep('four', 'title: Four\nvary: beta\nvalues:\n  - value: 0\n  - value: 1\n  - value: 2\n  - value: 3\n', sweeps);
    const args = ['--quick', '--runs', runs, '--sweeps', sweeps];
    const [one, two] = await Promise.all([train(...args), train(...args)]);
    expect([one.code, two.code]).toEqual([0, 0]);
    const trained = listRuns(runs);
    expect(trained.map((run) => run.info.params.beta).sort()).toEqual([0, 1, 2, 3]); // each value once
    expect(trained.every((run) => run.info.status === 'completed')).toBe(true);
    for (const run of trained) expect(steps(run.dir)).toEqual(range(run.info.total_steps));
    expect(readdirSync(join(runs, '.claims'))).toEqual([]); // every claim released
  });

  it('removes a lock that a trainer dying as it finished left in a completed run', async () => {
    const runs = runsIn('runs-leftover-lock');
    const sweeps = join(project, 'single-sweeps');
    writeSweep('single', 'title: Single\nvary: beta\nvalues:\n  - value: 1\n', sweeps);
    const done = quickRunWriter(runs, 'single', 1);
    done.finish('completed');
    writeFileSync(join(done.dir, 'lock'), lockHere(DEAD_PID));

    const result = await train('--quick', '--runs', runs, '--sweeps', sweeps);
    expect(result.stdout).toMatch(/Nothing to train/);
    expect(readdirSync(done.dir)).not.toContain('lock');
  });

  it('with nothing to train, says so in one line rather than listing every complete run', async () => {
    const runs = runsIn('runs-all-done');
    const sweeps = join(project, 'all-done-sweeps');
    writeSweep('one', 'title: One\nvary: beta\nvalues:\n  - value: 1\n', sweeps);
    writeSweep('two', 'title: Two\nvary: beta\nvalues:\n  - value: 2\n  - value: 3\n', sweeps);
    for (const [sweep, beta] of [['one', 1], ['two', 2], ['two', 3]] as const) quickRunWriter(runs, sweep, beta).finish('completed');

    const result = await train('--quick', '--runs', runs, '--sweeps', sweeps);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`Nothing to train: all 3 runs of 2 sweeps are complete in ${runs}.\n`);
    const one = await train('--quick', '--runs', runs, '--sweeps', sweeps, '--sweep', 'one');
    expect(one.stdout).toBe(`Nothing to train: the 1 run of sweep one is complete in ${runs}.\n`);
    const shard = await train('--quick', '--runs', runs, '--sweeps', sweeps, '--shard', '2/2');
    expect(shard.stdout).toBe(`Nothing to train: the 1 run of 2 sweeps (shard 2/2) is complete in ${runs}.\n`);
  });

  it('splits the runs between shards, each trained once, with the same metrics as unsharded', async () => {
    const runs = runsIn('runs-shards');
    const sweeps = join(project, 'other-sweeps');
    const [one, two] = await Promise.all([
      train('--quick', '--runs', runs, '--sweeps', sweeps, '--shard', '1/2', '--parallel', '2'),
      train('--quick', '--runs', runs, '--sweeps', sweeps, '--shard', '2/2'),
    ]);
    expect([one.code, two.code]).toEqual([0, 0]);
    const trained = listRuns(runs);
    expect(trained.map((run) => run.info.params.beta).sort((a, b) => Number(a) - Number(b))).toEqual([0, 1, 10]);
    expect(trained.every((run) => run.info.status === 'completed')).toBe(true);

    // Same seed, value and backend as the 'pair' sweep's runs: the same metrics, step for step.
    const pair = listRuns(runsIn('runs-pair'));
    for (const beta of [0, 1]) {
      const a = trained.find((run) => run.info.params.beta === beta)!;
      const b = pair.find((run) => run.info.params.beta === beta)!;
      expect(metricsOf(a.dir)).toEqual(metricsOf(b.dir));
    }

    const again = await train('--quick', '--runs', runs, '--sweeps', sweeps, '--shard', '2/2');
    expect(again.stdout).toMatch(/Nothing to train/);
  });
});

describe('npm run train: seeds', () => {
  it('trains each (value, seed) once, across shards and parallel workers; a unit two sweeps share, once for both', async () => {
    const runs = runsIn('runs-seeds');
    const sweeps = join(project, 'seeded-sweeps');
    writeSweep('first', 'title: First\nvary: beta\nseeds: [0, 1]\nvalues:\n  - value: 0\n  - value: 1\n', sweeps);
    writeSweep('second', 'title: Second\nvary: beta\nseeds: [0, 1]\nvalues:\n  - value: 1\n  - value: 2\n', sweeps);
    const args = ['--quick', '--runs', runs, '--sweeps', sweeps];
    const [one, two] = await Promise.all([train(...args, '--shard', '1/2', '--parallel', '2'), train(...args, '--shard', '2/2')]);
    expect([one.code, two.code], one.stderr + two.stderr).toEqual([0, 0]);
    const trained = listRuns(runs);
    expect(trained.map((run) => `${run.info.sweep}:${run.info.params.beta}@${run.info.seed}`).sort()).toEqual([
      'first:0@0', 'first:0@1', 'first:1@0', 'first:1@1', 'second:2@0', 'second:2@1',
    ]);
    expect(trained.every((run) => run.info.status === 'completed' && run.info.config.seed === run.info.seed)).toBe(true);
    expect(one.stdout + two.stdout).toMatch(/first beta=1 seed=1/);

    const again = await train(...args, '--sweep', 'second');
    // beta=1's two seeds among them: the shared units, trained for the first sweep
    expect(again.stdout).toBe(`Nothing to train: all 4 runs of sweep second are complete in ${runs}.\n`);
  });
});

describe('npm run train: failures', () => {
  it('stops on a full disk with one line naming the file, records the run failed, and resumes with space to the same metrics', async (ctx) => {
    const sweeps = join(project, 'full-sweeps');
    writeSweep('full', 'title: Full\nvary: beta\nvalues:\n  - value: 1\n  - value: 10\n', sweeps);
    const runs = runsIn('runs-full');
    mkdirSync(runs);
    // A --quick checkpoint is ~390 KB: the first fits in 700 KB, the second (beside it until renamed) does not.
    if (!mount(runs, '700k')) return ctx.skip('mounting a tmpfs is not permitted here (needs root)');
    try {
      const full = await train('--quick', '--runs', runs, '--sweeps', sweeps);
      expect(full.code).toBe(1);
      expect(full.stderr).toMatch(new RegExp(`full beta=1: failed at step \\d .*: ${runs}/[^ ]+/checkpoint: no space left on device\n`));
      expect(full.stderr).not.toMatch(/\n\s+at |var Module|ENOSPC/); // no stack trace, no minified tfjs source
      expect(full.stderr.length).toBeLessThan(2000);
      const [run, ...others] = listRuns(runs);
      expect(others).toEqual([]); // the second value never started: the disk is full
      expect(runFolders(runs)).toEqual([run.info.id]);
      expect(run.info).toMatchObject({ status: 'failed', error: expect.stringMatching(/no space left on device/) });
      expect(readdirSync(run.dir)).not.toContain('lock');

      execFileSync('mount', ['-o', 'remount,size=10m', runs]);
      const resumed = await train('--quick', '--runs', runs, '--sweeps', sweeps);
      expect(resumed.code).toBe(0);
      expect(resumed.stderr).toMatch(/full beta=1: run .*, resuming after step 2/);
      const again = listRuns(runs);
      expect(again.map((r) => r.info.status)).toEqual(['completed', 'completed']);

      const whole = runsIn('runs-full-whole');
      expect((await train('--quick', '--runs', whole, '--sweeps', sweeps)).code).toBe(0);
      for (const beta of [1, 10]) {
        const a = again.find((r) => r.info.params.beta === beta)!;
        const b = listRuns(whole).find((r) => r.info.params.beta === beta)!;
        expect(metricsOf(a.dir)).toEqual(metricsOf(b.dir));
      }
    } finally {
      execFileSync('umount', ['--lazy', runs]);
    }
  });

  it('keeps workers alive when the CLI is killed: they checkpoint, mark their runs interrupted and exit', async () => {
    const runs = runsIn('runs-kill9');
    const sweeps = join(project, 'kill9-sweeps');
    const yaml = 'title: Kill\nvary: beta\nvalues:\n  - value: 1\n  - value: 10\nconfig:\n  rl_steps: 400\n  checkpoint_every: 10\n';
    writeSweep('kill', yaml, sweeps);
    const args = ['--quick', '--runs', runs, '--sweeps', sweeps, '--parallel', '2'];
    const cli = start(args);
    let finished = false;
    void cli.done.then(() => (finished = true));
    const logged = () => (existsSync(runs) ? runFolders(runs).map((id) => steps(join(runs, id)).length) : []);
    while (!finished && !(logged().length === 2 && logged().every((n) => n >= 3 && n < 300))) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(finished).toBe(false);
    const workers = childPids(cli.child.pid!);
    expect(workers).toHaveLength(2);
    cli.child.kill('SIGKILL');
    const { stderr } = await cli.done; // stdout and stderr close when the workers, which share them, have exited
    for (const pid of workers) while (isRunning(pid)) await new Promise((resolve) => setTimeout(resolve, 10));

    const stopped = listRuns(runs);
    expect(stopped.map((run) => run.info.status), stderr).toEqual(['interrupted', 'interrupted']);
    for (const run of stopped) {
      const { writer, checkpoint } = RunWriter.resume(run.dir);
      writer.finish('interrupted');
      expect(checkpoint?.step).toBe(run.info.steps_done); // a checkpoint at the last step
      expect(steps(run.dir)).toEqual(range(run.info.steps_done));
    }

    const resumed = await train(...args);
    expect(resumed.code).toBe(0);
    for (const run of listRuns(runs)) {
      expect(run.info.status).toBe('completed');
      expect(steps(run.dir)).toEqual(range(400));
    }
  });
});

/** A new run of `sweep`'s value beta with the --quick config of seed 0, as the trainer would start it. */
function quickRunWriter(runs: string, sweep: string, beta: number): RunWriter {
  const config = resolveConfig({ seed: 0, beta }, { quick: true });
  return RunWriter.create(runs, {
    sweep,
    params: { beta },
    label: `beta=${beta}`,
    color: 'blue',
    seed: 0,
    config,
    totalSteps: config.rl_steps,
    generationsCapacity: config.generations_capacity,
  });
}

/** The pids of a process's children (Linux). */

/** Mounts a tmpfs of `size` on `dir`: a small disk to fill. False where mounting is not permitted (not root). */
function mount(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('npm run train: Ctrl-C in a terminal', () => {
  // A terminal's Ctrl-C signals the whole process group: npm, and the trainer
  // under it. Nothing in between may turn that one Ctrl-C into two (or a kill).
  it('stops after the current step with a checkpoint there, through npm run train', async () => {
    const runs = runsIn('runs-ctrl-c');
    const sweeps = join(project, 'ctrl-c-sweeps');
    // Full-size steps (~0.7 s): a wrapper that relays the signal only when the
    // trainer is slow to answer (tsx waits 30 ms) is caught only by slow steps.
    const config = 'rl_steps: 400, checkpoint_every: 100, embed_dim: 64, hidden_dim: 128, gen_tokens: 64, samples_per_prompt: 8, prompts_per_step: 4';
    writeSweep('long', `title: Long\nvary: beta\nvalues:\n  - value: 1\nconfig: { ${config} }\n`, sweeps);
    const env: NodeJS.ProcessEnv = { ...process.env, RUNS_DIR: runs };
    delete env.CONTENT_DIR;
    const repo = fileURLToPath(new URL('..', import.meta.url));
    const npm = spawn('npm', ['run', 'train', '--', '--quick', '--sweeps', sweeps], { cwd: repo, env, detached: true, stdio: 'ignore' });

    const runDir = async () => {
      for (;;) {
        const dirs = runFolders(runs);
        if (dirs.length === 1 && steps(join(runs, dirs[0])).length >= 4) return join(runs, dirs[0]);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    const dir = await runDir();
    process.kill(-npm.pid!, 'SIGINT');
    await new Promise((resolve) => npm.on('close', resolve));
    // npm may return before the trainer does: wait for the run to be marked
    for (let i = 0; i < 500 && listRuns(runs)[0].info.status === 'running'; i++) await new Promise((r) => setTimeout(r, 20));

    const [run] = listRuns(runs);
    expect(run.info.status).toBe('interrupted');
    const logged = steps(dir);
    expect(logged.length).toBeLessThan(400);
    // the checkpoint is at the last logged step: resuming drops nothing
    const { writer, checkpoint } = RunWriter.resume(dir);
    writer.finish('interrupted');
    expect(checkpoint?.step).toBe(logged.at(-1));
  });
});

/** Waits until the (only) run in `runs` has logged a number of steps that satisfies `ready`, then sends `signal`. */
async function stopWhen(
  run: { child: ChildProcess; done: Promise<Result> },
  runs: string,
  ready: (logged: number) => boolean,
  signal: NodeJS.Signals,
): Promise<Result> {
  let finished = false;
  void run.done.then(() => (finished = true));
  while (!finished) {
    const dirs = runFolders(runs);
    if (dirs.length === 1 && ready(steps(join(runs, dirs[0])).length)) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  if (finished) throw new Error(`the run ended before it was stopped: ${(await run.done).stderr}`);
  run.child.kill(signal);
  return run.done;
}
