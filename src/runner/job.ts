// Trains one planned run to its end, whether in the CLI's own process or in a
// worker process: claims the value, opens the run folder, calls trainRun,
// records how it ended.
import { claimValue, describeHolder, leaseMs, listRuns, LockLostError, RunLockedError, RunWriter, RunWriteError, type Checkpoint, type LockHolder, type RunStatus } from '../runs';
import { runCommand } from './command';
import { planValue, type Job } from './plan';
import type { PretrainProgress } from '../train/pretrain';
import type { TrainProgress } from '../train/run';

export interface JobStart {
  runId: string;
  dir: string;
  /** Steps already done when it started (a resumed run), else 0. */
  fromStep: number;
}

export interface JobResult {
  /** null when the run folder could not be created or opened, or another process has the value. */
  runId: string | null;
  dir: string | null;
  /** "done before": another process completed the value since the plan was made. */
  status: Exclude<RunStatus, 'running'> | 'done before' | 'in another process';
  stepsDone: number;
  error: string | null;
  /** Why nothing was trained, when that is not an error. */
  note: string | null;
  /** The run folder could not be written (a full disk): other runs would fail the same way. */
  writeFailed: boolean;
}

export interface JobHooks {
  /** The tfjs backend, initialised on first use: a command sweep's runs need none. Throws BackendError. */
  backend(): Promise<string>;
  signal: AbortSignal;
  onStart(start: JobStart): void;
  onProgress(progress: TrainProgress): void;
  onPretrainProgress(progress: PretrainProgress): void;
  /** The value is claimed by a trainer that may be gone: this one waits to see. */
  onWait(note: string): void;
}

/**
 * Trainers sharing a runs folder split its values: each value is claimed
 * before its run folder is looked for or made, a value another live process
 * of this host has claimed is left to it, and the claim is released when the
 * job ends. A claim of a process this one cannot check (another host or PID
 * namespace) is waited on until released or dead: it may be this very task's
 * own, left by a crash just before a requeue or an in-place restart, and
 * leaving it would end the task with the run unfinished.
 */
export async function trainJob(job: Job, hooks: JobHooks): Promise<JobResult> {
  // Before the value is claimed or a run folder touched: a backend that cannot run here fails every run alike.
  const backend = job.kind === 'builtin' ? await hooks.backend() : null;
  let claim: ReturnType<typeof claimValue>;
  try {
    claim = claimValue(job.runsDir, job);
    for (let waited = false; !claim.claimed && !claim.holder.checkable && !hooks.signal.aborted; waited = true) {
      if (!waited) hooks.onWait(`being trained by ${describeHolder(claim.holder)}; waiting until it ends or its lock is not renewed`);
      await sleep(Math.min(5000, leaseMs() / 4), hooks.signal);
      claim = claimValue(job.runsDir, job);
    }
  } catch (err) {
    return { runId: null, dir: job.resumeDir, status: 'failed', stepsDone: 0, error: errorMessage(err), note: null, writeFailed: isWriteFailure(err) };
  }
  if (!claim.claimed) return inAnotherProcess(claim.holder);
  try {
    return await trainClaimed(job, hooks, backend);
  } finally {
    claim.release();
  }
}

async function trainClaimed(job: Job, hooks: JobHooks, backend: string | null): Promise<JobResult> {
  let opened: ReturnType<typeof openRun>;
  let resumeDir = job.resumeDir;
  for (let waited = false; ; waited = true) {
    try {
      // Look again now that the unit is ours: another trainer (of this sweep or one sharing the unit) may have completed it, or left a run to resume.
      const next = planValue(listRuns(job.runsDir), job);
      if ('done' in next) {
        const { info, dir } = next.done;
        const note = 'completed by another process meanwhile';
        return { runId: info.id, dir, status: 'done before', stepsDone: info.steps_done, error: null, note, writeFailed: false };
      }
      resumeDir = next.resumeDir;
      opened = openRun(job, resumeDir);
      break;
    } catch (err) {
      if (!(err instanceof RunLockedError)) {
        return { runId: null, dir: resumeDir, status: 'failed', stepsDone: 0, error: errorMessage(err), note: null, writeFailed: isWriteFailure(err) };
      }
      // A live trainer has the run though its claim is gone: deleted by hand, or (a crash) lapsed a little before
      // the run's lock, renewed on another beat. As for a claim: leave it to a checkable one, wait on any other.
      if (err.holder.checkable || hooks.signal.aborted) return inAnotherProcess(err.holder);
      if (!waited) hooks.onWait(`its run is being trained by ${describeHolder(err.holder)}; waiting until that trainer ends or the lock is not renewed`);
      await sleep(Math.min(5000, leaseMs() / 4), hooks.signal);
    }
  }
  const { writer, checkpoint } = opened;
  hooks.onStart({ runId: writer.info.id, dir: writer.dir, fromStep: checkpoint?.step ?? writer.info.steps_done });

  let status: JobResult['status'];
  let error: string | null = null;
  let writeFailed = false;
  try {
    if (job.kind === 'command') {
      ({ status, error } = await runCommand(writer, job.config, { signal: hooks.signal, onProgress: hooks.onProgress }));
    } else {
      // Loaded here: a command sweep's runs need no tfjs.
      const { trainRun } = await import('../train/run');
      await trainRun(writer, job.config, {
        backend: backend!,
        checkpoint,
        signal: hooks.signal,
        onProgress: hooks.onProgress,
        onPretrainProgress: hooks.onPretrainProgress,
      });
      const { steps_done, total_steps } = writer.info;
      if (steps_done >= total_steps) status = 'completed';
      else if (hooks.signal.aborted) status = 'interrupted';
      else {
        status = 'failed';
        error = `training stopped at step ${steps_done} of ${total_steps}`;
      }
    }
  } catch (err) {
    // Stopping may interrupt training by throwing (e.g. mid-pretraining): that is not a failure; a full disk is.
    writeFailed = err instanceof RunWriteError;
    status = hooks.signal.aborted && !writeFailed ? 'interrupted' : 'failed';
    error = status === 'failed' ? errorMessage(err) : null;
  }
  try {
    writer.finish(status, error ?? undefined);
  } catch (err) {
    // Not even run.json could be written: on disk the run looks killed, and resumes like one.
    // Or another trainer took the run over (this one stalled past the lease): the run is its now.
    if (!(err instanceof RunWriteError || err instanceof LockLostError)) throw err;
    status = 'failed';
    error ??= err.message;
    writeFailed = err instanceof RunWriteError;
  }
  return { runId: writer.info.id, dir: writer.dir, status, stepsDone: writer.info.steps_done, error, note: null, writeFailed };
}

function openRun(job: Job, resumeDir: string | null): { writer: RunWriter; checkpoint: Checkpoint | null } {
  if (job.kind === 'command') {
    if (resumeDir) return { writer: RunWriter.resumeCommand(resumeDir), checkpoint: null };
    // A command's output is imported whole: every text it logged is kept.
    const writer = RunWriter.create(job.runsDir, { ...newRun(job), totalSteps: job.config.steps ?? 0, generationsCapacity: 0 });
    return { writer, checkpoint: null };
  }
  if (resumeDir) return RunWriter.resume(resumeDir);
  const writer = RunWriter.create(job.runsDir, { ...newRun(job), totalSteps: job.config.rl_steps, generationsCapacity: job.config.generations_capacity });
  return { writer, checkpoint: null };
}

function newRun(job: Job) {
  return { sweep: job.sweep, params: job.params, label: job.label, color: job.color, seed: job.config.seed, config: job.config };
}

function inAnotherProcess(holder: LockHolder): JobResult {
  const note = `being trained by ${describeHolder(holder)}`;
  return { runId: null, dir: null, status: 'in another process', stepsDone: 0, error: null, note, writeFailed: false };
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A full disk (or another write error) in the runs folder: the next runs would fail the same way. */
function isWriteFailure(err: unknown): boolean {
  if (err instanceof RunWriteError) return true;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'EROFS' || code === 'EIO';
}
