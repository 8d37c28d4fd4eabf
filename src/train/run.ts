// One run, end to end: the CLI calls trainRun once per run folder.
import type { Checkpoint, RunWriter } from '../runs';
import type { TrainConfig } from './config';

export interface TrainProgress {
  step: number;
  total: number;
  metrics: Record<string, number>;
}

export interface TrainRunOptions {
  /** The tfjs backend, already initialised by initBackend. */
  backend: string;
  /** Where to resume from (RunWriter.resume), or null for a fresh run. */
  checkpoint: Checkpoint | null;
  /** When aborted: finish the current step, save a checkpoint, return. */
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
  /** Reference-model cache root; default `.cache/reference` under the working directory. */
  cacheDir?: string;
}

/**
 * Pretrains (or loads the cached) reference model, then fine-tunes a copy with
 * RLOO, logging through `writer`. Does not call writer.finish: the caller marks
 * the run completed, failed or interrupted (signal.aborted after return).
 */
export async function trainRun(writer: RunWriter, config: TrainConfig, opts: TrainRunOptions): Promise<void> {
  void writer;
  void config;
  void opts;
  throw new Error('trainRun: not implemented yet');
}
