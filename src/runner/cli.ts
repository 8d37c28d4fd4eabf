// `npm run train`: trains the runs of the sweeps in content/sweeps that are
// missing or unfinished. Exit codes: 0 done, 1 a run failed (or an unexpected
// error), 2 bad arguments, sweep file or backend (one message, no stack
// trace), 130 interrupted.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { findSweepFile, loadSweep, loadSweeps, makeRunsDir, removeDeadLock, RunFormatError, SweepFileError, type Sweep } from '../runs';
import { BACKEND_CHOICES, BackendError, blasUnavailable, type BackendChoice } from '../train/backend';
import type { JobResult } from './job';
import { planRuns, type Plan } from './plan';
import { runJobs } from './pool';
import { ProgressDisplay } from './progress';
import { reportUnexpected } from './report-unexpected';
import { nextSteps, summaryTable, type SummaryRow } from './summary';

export const USAGE = `Usage: npm run train -- [options]

Trains every run of the sweeps in content/sweeps that is missing or unfinished:
completed runs are skipped, interrupted ones resume from their last checkpoint.

Options:
  --sweep <id>      only this sweep (repeat for several); default: every sweep
  --quick           a tiny config, for demos and tests (a sweep in under a minute)
  --runs <dir>      where run folders go (default: $RUNS_DIR or runs)
  --sweeps <dir>    where sweep files are (default: $CONTENT_DIR/sweeps or content/sweeps)
  --parallel <n>    train n runs at a time, in worker processes (default: 1)
  --shard <i>/<n>   train only the i-th of every n runs (one machine of n)
  --backend <name>  ${BACKEND_CHOICES.join(', ')} (default: auto, the
                    first of them that runs here)
  --fresh           start new runs, even where matching runs exist
  -h, --help        show this help

Ctrl-C stops after the current step and keeps a resumable checkpoint; a
second Ctrl-C quits at once (the last checkpoint still resumes).`;

/** A problem with how the command was called: its message is all the user needs. */
class UsageError extends Error {}

export interface Options {
  sweeps: string[];
  quick: boolean;
  runsDir: string;
  sweepsDir: string;
  parallel: number;
  shard: { index: number; count: number };
  backend: BackendChoice;
  fresh: boolean;
  help: boolean;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        sweep: { type: 'string', multiple: true, default: [] },
        quick: { type: 'boolean', default: false },
        runs: { type: 'string' },
        sweeps: { type: 'string' },
        parallel: { type: 'string', default: '1' },
        shard: { type: 'string', default: '1/1' },
        backend: { type: 'string', default: 'auto' },
        fresh: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    // parseArgs explains unknown flags, missing values and stray arguments well; keep its first sentence.
    throw new UsageError(String((err as Error).message).split('. ')[0]);
  }

  // Digits only: Number() would also take "1e3", "0x2", " 2" and "2.0".
  const parallel = /^[1-9]\d*$/.test(values.parallel) ? Number(values.parallel) : 0;
  if (!Number.isSafeInteger(parallel) || parallel < 1) {
    throw new UsageError(`--parallel must be a whole number of at least 1, got "${values.parallel}"`);
  }
  const shard = /^(\d+)\/(\d+)$/.exec(values.shard);
  const [index, count] = shard ? [Number(shard[1]), Number(shard[2])] : [0, 0];
  if (!shard || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard must be i/n with 1 <= i <= n, e.g. 1/4, got "${values.shard}"`);
  }
  if (!(BACKEND_CHOICES as readonly string[]).includes(values.backend)) {
    throw new UsageError(`--backend must be one of ${BACKEND_CHOICES.join(', ')}, got "${values.backend}"`);
  }
  return {
    sweeps: values.sweep,
    quick: values.quick,
    runsDir: values.runs ?? env.RUNS_DIR ?? 'runs',
    sweepsDir: values.sweeps ?? join(env.CONTENT_DIR ?? 'content', 'sweeps'),
    parallel,
    shard: { index, count },
    backend: values.backend as BackendChoice,
    fresh: values.fresh,
    help: values.help,
  };
}

/** The sweeps asked for, or all of them; a missing one is a UsageError listing those that exist. */
function selectSweeps(options: Options): Sweep[] {
  if (options.sweeps.length === 0) {
    const sweeps = loadSweeps(options.sweepsDir);
    if (sweeps.length === 0) throw new UsageError(`no sweep files (*.yaml) in ${options.sweepsDir}`);
    return sweeps;
  }
  return [...new Set(options.sweeps)].map((id) => {
    const file = findSweepFile(options.sweepsDir, id);
    if (!file) {
      const known = existsSync(options.sweepsDir)
        ? readdirSync(options.sweepsDir).filter((n) => /\.ya?ml$/.test(n)).map((n) => n.replace(/\.ya?ml$/, ''))
        : [];
      throw new UsageError(`unknown sweep "${id}": ${options.sweepsDir} has ${known.length ? known.join(', ') : 'no sweep files'}`);
    }
    return loadSweep(file);
  });
}

/**
 * Runs the command; returns the exit code. Never throws: an unexpected error
 * prints one line (the stack with SWEEPBOOK_DEBUG=1) and exits 1.
 */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    return await run(argv, env);
  } catch (error) {
    return reportUnexpected(error, env);
  }
}

async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let options: Options;
  let plan: Plan;
  let sweeps: Sweep[];
  try {
    options = parseOptions(argv, env);
    if (options.help) {
      console.log(USAGE);
      return 0;
    }
    if (existsSync(options.runsDir) && !statSync(options.runsDir).isDirectory()) {
      throw new UsageError(`--runs ${options.runsDir}: not a folder`);
    }
    sweeps = selectSweeps(options);
    // Another program trains an imported sweep's runs; say so rather than "nothing to train" alone.
    for (const sweep of sweeps.filter((s) => s.runs === 'imported')) {
      console.log(`Sweep ${sweep.id}: its runs are imported (runs: imported in ${sweep.file}), not trained here; npm run import brings in new ones.`);
    }
    plan = planRuns(sweeps, options.runsDir, {
      quick: options.quick,
      fresh: options.fresh,
      shard: options.shard,
    });
    if (plan.jobs.length > 0) prepareRunsDir(options.runsDir);
  } catch (err) {
    if (err instanceof UsageError) console.error(`train: ${err.message}\nRun with --help for the options.`);
    else if (err instanceof SweepFileError || err instanceof RunFormatError) console.error(`train: ${err.message}`);
    else throw err;
    return 2;
  }

  return train(plan, options, resumeCommand(argv), sweeps.filter((sweep) => sweep.runs !== 'imported'));
}

/** "all 64 runs of 3 sweeps are complete in runs", "the 1 run of sweep x (shard 2/4) is complete in runs". */
function nothingToTrain(runs: number, sweeps: Sweep[], options: Options): string {
  const ofSweeps = sweeps.length === 1 ? `sweep ${sweeps[0].id}` : `${sweeps.length} sweeps`;
  const shard = options.shard.count > 1 ? ` (shard ${options.shard.index}/${options.shard.count})` : '';
  const which = runs === 1 ? 'the 1 run' : `all ${runs} runs`;
  return `${which} of ${ofSweeps}${shard} ${runs === 1 ? 'is' : 'are'} complete in ${options.runsDir}`;
}

/** Makes the runs folder before any training, so that one it cannot be is a UsageError, not a failure per run. */
function prepareRunsDir(runsDir: string): void {
  try {
    makeRunsDir(runsDir);
  } catch (err) {
    throw new UsageError(`--runs ${runsDir}: cannot make the folder (${(err as Error).message})`);
  }
}

/** The command that resumes this one's unfinished runs: the same, less --fresh (which would start over). */
function resumeCommand(argv: string[]): string {
  const args = argv.filter((arg) => arg !== '--fresh');
  return args.length > 0 ? `npm run train -- ${args.join(' ')}` : 'npm run train';
}

/** Trains the plan's jobs with progress on stderr, then prints the summary; returns the exit code. */
async function train(plan: Plan, options: Options, resume: string, trainedSweeps: Sweep[]): Promise<number> {
  // A completed run holds no lock: one there was left by a trainer that died as it finished.
  for (const run of plan.done) removeDeadLock(run.dir);
  // What `npm run build` needs to show these runs: their folder, and the quick demo for --quick runs.
  const buildEnv = `${options.quick ? 'SWEEPBOOK_QUICK=1 ' : ''}${options.runsDir === 'runs' ? '' : `RUNS_DIR=${options.runsDir} `}`;
  // Name the seed when there are several, as the planned jobs' names do.
  const seeded = new Set(plan.done.map((run) => run.info.seed)).size > 1 || plan.jobs.some((job) => job.name !== job.label);
  const done: SummaryRow[] = plan.done.map((run) => ({
    label: `${run.info.sweep} ${run.info.label}${seeded ? ` seed=${run.info.seed}` : ''}`,
    status: 'done before',
    runId: run.info.id,
    dir: run.dir,
    error: null,
    note: null,
  }));
  if (plan.jobs.length === 0) {
    if (done.length === 0) {
      console.log('Nothing to train: this shard has no runs.');
      return 0;
    }
    // One line: a table of every complete run (64 of them for the committed sweeps) would only repeat "done before".
    console.log(`Nothing to train: ${nothingToTrain(done.length, trainedSweeps, options)}.`);
    return 0;
  }

  const labels = plan.jobs.map((job) => `${job.sweep} ${job.name}`);
  const display = new ProgressDisplay(process.stderr, labels, process.stderr.isTTY === true);
  const shard = options.shard.count > 1 ? ` (shard ${options.shard.index}/${options.shard.count})` : '';
  display.log(
    `Training ${plan.jobs.length} run${plan.jobs.length === 1 ? '' : 's'}${shard} into ${options.runsDir}` +
      (plan.done.length ? `; ${plan.done.length} already complete` : '') +
      (options.parallel > 1 ? `, ${options.parallel} at a time` : ''),
  );
  // Said once here, not by each worker that falls back.
  const noBlas = options.backend === 'auto' ? blasUnavailable() : null;
  if (noBlas) display.log(`Native BLAS unavailable (${noBlas}): on wasm, training runs wasm's own matMuls (slower, see README).`);

  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    if (++interrupts > 1) {
      display.close();
      console.error(`train: stopped; the last checkpoints resume with: ${resume}`);
      process.exit(130);
    }
    controller.abort();
    display.log('Stopping after the current step (Ctrl-C again to quit at once)...');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let results: (JobResult | null)[];
  try {
    results = await runJobs(plan.jobs, {
      backend: options.backend,
      parallel: options.parallel,
      signal: controller.signal,
      onEvent: (event) => {
        display.handle(event);
        // A full disk fails every run after this one too: stop them all, resumable once there is space.
        if (event.type === 'finish' && event.result.writeFailed && !controller.signal.aborted) {
          controller.abort();
          display.log(`Stopping: runs cannot be written into ${options.runsDir}.`);
        }
      },
    });
  } catch (err) {
    if (!(err instanceof BackendError)) throw err;
    console.error(`train: ${err.message}`);
    return 2;
  } finally {
    display.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  const rows: SummaryRow[] = [
    ...done,
    ...results.map((result, i) => ({
      label: labels[i],
      status: result?.status ?? 'not started',
      runId: result?.runId ?? null,
      dir: result?.dir ?? null,
      error: result?.error ?? null,
      note: result?.note ?? null,
    })),
  ];
  console.log(`\n${summaryTable(rows)}\n\n${nextSteps(rows, buildEnv, resume)}`);
  if (controller.signal.aborted) return results.some((r) => r?.status === 'failed') ? 1 : 130;
  // A run that never started without being stopped means its worker process died first; one
  // interrupted without being stopped was killed from outside (a command's program, by a signal).
  return results.some((r) => r === null || r.status === 'failed' || r.status === 'interrupted') ? 1 : 0;
}
