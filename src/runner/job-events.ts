// What happens to a job as it trains, and the messages between the CLI and a
// worker process (pool.ts forks worker.ts): apart from both, so the worker
// needs nothing of the pool that starts it.
import type { PretrainProgress } from '../train/pretrain';
import type { TrainProgress } from '../train/run';
import type { JobResult, JobStart } from './job';
import type { Job } from './plan';

export type JobEvent =
  | { type: 'start'; job: number; start: JobStart }
  | { type: 'pretrain'; job: number; progress: PretrainProgress }
  | { type: 'progress'; job: number; progress: TrainProgress }
  | { type: 'wait'; job: number; note: string }
  | { type: 'finish'; job: number; result: JobResult };

/** Messages from the CLI to a worker process. */
export type ToWorker = { type: 'run'; job: number; spec: Job } | { type: 'stop' };
/** Messages from a worker process to the CLI. */
export type FromWorker = { type: 'ready' } | { type: 'backend-error'; message: string } | JobEvent;
