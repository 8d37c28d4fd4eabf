// One run, end to end: the sweep runner (src/runner/job.ts) calls trainRun once per run folder.
import type { Checkpoint, NamedTensor, RunWriter } from '../runs';
import type { TrainConfig } from './config';
import { GRULanguageModel, type TensorData } from './model';
import { loadOrPretrain, type PretrainProgress } from './pretrain';
import { referenceSample } from './reference-sample';
import { RLOOTrainer } from './rl';

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
  /**
   * When aborted: finish the current RL step, save a checkpoint, return. While
   * the reference pretrains (or waits for another process's), stop at once by
   * throwing the signal's reason.
   */
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
  /** Called while the reference model pretrains (only when it is not cached yet). */
  onPretrainProgress?: (p: PretrainProgress) => void;
  /** Reference-model cache root; default `.cache/reference` under the working directory. */
  cacheDir?: string;
}

/** What a checkpoint's `state` holds besides tensors. */
interface TrainState {
  optimizer_step: number;
}

const POLICY = 'policy/';
const OPTIMIZER = 'adam/';

/**
 * Pretrains (or loads the cached) reference model, then fine-tunes a copy with
 * RLOO, logging through `writer`. Does not call writer.finish: the caller marks
 * the run completed, failed or interrupted (signal.aborted after return).
 */
export async function trainRun(writer: RunWriter, config: TrainConfig, opts: TrainRunOptions): Promise<void> {
  // Backends round differently, and each pretrains its own reference: a run
  // resumed on another one would not have the metrics of an uninterrupted run.
  const started = writer.info.backend;
  if (opts.checkpoint && started !== null && started !== opts.backend) {
    throw new Error(`it was started on backend ${started}, not ${opts.backend}: resume it with --backend ${started}`);
  }
  writer.setBackend(opts.backend);
  const reference = await loadOrPretrain(config, {
    cacheDir: opts.cacheDir,
    onProgress: opts.onPretrainProgress,
    signal: opts.signal,
  });
  if (reference.quality) writer.setReference({ ...reference.quality, sample: referenceSample(reference.model, reference.tokenizer, config, reference.dir) });
  const policy = new GRULanguageModel(reference.model.size, config.seed);
  const trainer = new RLOOTrainer(policy, reference.model, reference.tokenizer, config);
  try {
    let step = 0;
    if (opts.checkpoint) {
      step = opts.checkpoint.step;
      policy.load(withPrefix(opts.checkpoint.tensors, POLICY));
      trainer.optimizer.load(withPrefix(opts.checkpoint.tensors, OPTIMIZER), (opts.checkpoint.state as TrainState).optimizer_step);
    } else {
      policy.load(await reference.model.save());
    }

    const save = async () => {
      const tensors: Record<string, NamedTensor> = {};
      for (const [name, t] of Object.entries(await policy.save())) tensors[POLICY + name] = t;
      for (const [name, t] of Object.entries(await trainer.optimizer.save())) tensors[OPTIMIZER + name] = t;
      const state: TrainState = { optimizer_step: trainer.optimizer.step };
      writer.saveCheckpoint(step, { tensors, state });
    };

    while (step < config.rl_steps && !opts.signal?.aborted) {
      // tfjs on wasm resolves in microtasks only: yield so Ctrl-C and IPC messages get handled between steps.
      await new Promise((resolve) => setImmediate(resolve));
      const { metrics, generation } = await trainer.step(step + 1);
      step += 1;
      if (step % config.log_every === 0 || step === config.rl_steps) {
        writer.logMetrics(step, metrics);
        writer.logGeneration(step, generation);
      }
      opts.onProgress?.({ step, total: config.rl_steps, metrics });
      if (opts.signal?.aborted || step % config.checkpoint_every === 0 || step === config.rl_steps) await save();
    }
  } finally {
    trainer.dispose();
    policy.dispose();
    reference.model.dispose();
  }
}

/** The tensors whose names start with `prefix`, with the prefix removed. */
function withPrefix(tensors: Record<string, NamedTensor>, prefix: string): TensorData {
  const out: TensorData = {};
  for (const [name, t] of Object.entries(tensors)) if (name.startsWith(prefix)) out[name.slice(prefix.length)] = t;
  return out;
}
