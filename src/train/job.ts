// Trains one planned run to its end, whether in the CLI's own process or in a
// worker process: opens the run folder, calls trainRun, records how it ended.
import { RunWriter, RunWriteError, type Checkpoint, type RunStatus } from '../runs';
import type { Job } from './plan';
import type { PretrainProgress } from './pretrain';
import { trainRun, type TrainProgress } from './run';

export interface JobStart {
  runId: string;
  dir: string;
  /** Steps already done when it started (a resumed run), else 0. */
  fromStep: number;
}

export interface JobResult {
  /** null when the run folder could not be created or opened. */
  runId: string | null;
  dir: string | null;
  status: Exclude<RunStatus, 'running'>;
  stepsDone: number;
  error: string | null;
  /** The run folder could not be written (a full disk): other runs would fail the same way. */
  writeFailed: boolean;
}

export interface JobHooks {
  backend: string;
  signal: AbortSignal;
  onStart(start: JobStart): void;
  onProgress(progress: TrainProgress): void;
  onPretrainProgress(progress: PretrainProgress): void;
}

export async function trainJob(job: Job, hooks: JobHooks): Promise<JobResult> {
  let opened: ReturnType<typeof openRun>;
  try {
    opened = openRun(job);
  } catch (err) {
    return { runId: null, dir: job.resumeDir, status: 'failed', stepsDone: 0, error: errorMessage(err), writeFailed: err instanceof RunWriteError };
  }
  const { writer, checkpoint } = opened;
  hooks.onStart({ runId: writer.info.id, dir: writer.dir, fromStep: checkpoint?.step ?? 0 });

  let status: JobResult['status'];
  let error: string | null = null;
  let writeFailed = false;
  try {
    await trainRun(writer, job.config, {
      backend: hooks.backend,
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
    if (!(err instanceof RunWriteError)) throw err;
    status = 'failed';
    error ??= err.message;
    writeFailed = true;
  }
  return { runId: writer.info.id, dir: writer.dir, status, stepsDone: writer.info.steps_done, error, writeFailed };
}

function openRun(job: Job): { writer: RunWriter; checkpoint: Checkpoint | null } {
  if (job.resumeDir) return RunWriter.resume(job.resumeDir);
  const writer = RunWriter.create(job.runsDir, {
    sweep: job.sweep,
    params: job.params,
    label: job.label,
    color: job.color,
    seed: job.config.seed,
    config: job.config,
    totalSteps: job.config.rl_steps,
    generationsCapacity: job.config.generations_capacity,
  });
  return { writer, checkpoint: null };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
