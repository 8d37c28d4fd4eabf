// Runs the planned jobs: one after another in this process, or spread over
// `parallel` worker processes (tfjs on wasm uses one core per process), each
// training whole runs. Either way the caller sees the same events.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BackendError, initBackend, type BackendChoice } from '../train/backend';
import { trainJob, type JobResult, type JobStart } from './job';
import type { FromWorker, JobEvent, ToWorker } from './job-events';
import type { Job } from './plan';

export interface RunJobsOptions {
  backend: BackendChoice;
  parallel: number;
  /** Aborted: each run stops after its current step, checkpoints, and is marked interrupted; no new run starts. */
  signal: AbortSignal;
  onEvent(event: JobEvent): void;
}

/**
 * Trains every job (until the signal aborts). Results are in job order; null
 * for a job that never started. Throws BackendError, before any run folder is
 * touched, when the backend cannot be used.
 */
export async function runJobs(jobs: Job[], opts: RunJobsOptions): Promise<(JobResult | null)[]> {
  // A command's program always runs under a worker: should this process be killed (kill -9), the worker stops the program and marks its run.
  return opts.parallel <= 1 && jobs.every((job) => job.kind === 'builtin') ? runInProcess(jobs, opts) : runInWorkers(jobs, opts);
}

async function runInProcess(jobs: Job[], opts: RunJobsOptions): Promise<(JobResult | null)[]> {
  let backend: Promise<string> | undefined;
  const results: (JobResult | null)[] = jobs.map(() => null);
  for (const [job, spec] of jobs.entries()) {
    if (opts.signal.aborted) break;
    const result = await trainJob(spec, {
      backend: () => (backend ??= initBackend(opts.backend)),
      signal: opts.signal,
      onStart: (start) => opts.onEvent({ type: 'start', job, start }),
      onProgress: (progress) => opts.onEvent({ type: 'progress', job, progress }),
      onPretrainProgress: (progress) => opts.onEvent({ type: 'pretrain', job, progress }),
      onWait: (note) => opts.onEvent({ type: 'wait', job, note }),
    });
    results[job] = result;
    opts.onEvent({ type: 'finish', job, result });
  }
  return results;
}

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

async function runInWorkers(jobs: Job[], opts: RunJobsOptions): Promise<(JobResult | null)[]> {
  const results: (JobResult | null)[] = jobs.map(() => null);
  const started = new Map<number, JobStart>();
  const lastStep = new Map<number, number>();
  let next = 0;

  return new Promise((resolve, reject) => {
    const workers = new Set<ChildProcess>();
    let failedBackend: string | null = null;

    const stopAll = () => {
      for (const worker of workers) if (worker.connected) worker.send({ type: 'stop' } satisfies ToWorker);
    };
    opts.signal.addEventListener('abort', stopAll, { once: true });

    const giveWork = (worker: ChildProcess) => {
      if (next < jobs.length && !opts.signal.aborted && failedBackend === null) {
        const job = next++;
        worker.send({ type: 'run', job, spec: jobs[job] } satisfies ToWorker);
        return job;
      }
      if (worker.connected) worker.disconnect();
      return null;
    };

    // The worker inherits this process's execArgv, so it runs under tsx just as the CLI does.
    const startWorker = () => {
      const worker = fork(WORKER, [opts.backend], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      workers.add(worker);
      let current: number | null = null;
      // A send racing the worker's death fails here; 'exit' below deals with the consequences.
      worker.on('error', () => {});
      worker.on('message', (message: FromWorker) => {
        switch (message.type) {
          case 'ready':
            current = giveWork(worker);
            break;
          case 'backend-error':
            failedBackend ??= message.message;
            current = null; // it never started
            if (worker.connected) worker.disconnect();
            break;
          case 'start':
            started.set(message.job, message.start);
            opts.onEvent(message);
            break;
          case 'pretrain':
          case 'wait':
            opts.onEvent(message);
            break;
          case 'progress':
            lastStep.set(message.job, message.progress.step);
            opts.onEvent(message);
            break;
          case 'finish':
            results[message.job] = message.result;
            opts.onEvent(message);
            current = giveWork(worker);
            break;
        }
      });
      worker.on('exit', (code, signal) => {
        workers.delete(worker);
        if (current !== null && results[current] === null) {
          // The process died mid-run (killed, out of memory): the run folder stays resumable.
          const start = started.get(current);
          const result: JobResult = {
            runId: start?.runId ?? null,
            dir: start?.dir ?? null,
            status: 'failed',
            stepsDone: lastStep.get(current) ?? start?.fromStep ?? 0,
            error: `worker process exited (${signal ?? `code ${code}`})`,
            note: null,
            writeFailed: false,
          };
          results[current] = result;
          opts.onEvent({ type: 'finish', job: current, result });
          if (next < jobs.length && !opts.signal.aborted) startWorker();
        }
        if (workers.size > 0) return;
        opts.signal.removeEventListener('abort', stopAll);
        if (failedBackend !== null) reject(new BackendError(failedBackend));
        else resolve(results);
      });
    };

    for (let i = 0; i < Math.max(1, Math.min(opts.parallel, jobs.length)); i++) startWorker();
  });
}
