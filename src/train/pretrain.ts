// The reference model: a GRU language model pretrained on the story corpus,
// trained once per reference config (configHash) and cached in
// <cacheDir>/<hash>/. The RL policy starts as a copy of it, and the KL penalty
// measures how far the policy has moved from it.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Adam } from './adam';
import { configHash, referenceConfig, type TrainConfig } from './config';
import { generateStories } from './corpus';
import { GRULanguageModel, type TensorData } from './model';
import { SeededRandom } from '../random';
import { Tokenizer } from './tokenizer';

export const DEFAULT_CACHE_DIR = join('.cache', 'reference');

export interface Reference {
  model: GRULanguageModel;
  tokenizer: Tokenizer;
  /** Where it is cached. */
  dir: string;
}

export interface PretrainProgress {
  step: number;
  total: number;
  loss: number;
}

/** What a cache entry records besides the weights, for people reading the cache. */
interface ReferenceInfo {
  hash: string;
  config: Partial<TrainConfig>;
  final_loss: number;
  seconds: number;
  tokens_per_s: number;
  backend: string;
}

const WEIGHTS_FILE = 'weights.bin';
const INDEX_FILE = 'weights.json';
const TOKENIZER_FILE = 'tokenizer.json';
const INFO_FILE = 'info.json';
/** A lock older than this is from a machine that died while pretraining. */
const STALE_LOCK_MS = 30 * 60 * 1000;

/** The token stream of the corpus: each story as <bos> words... <eos>. */
export function corpusTokens(config: TrainConfig): { tokenizer: Tokenizer; stream: Int32Array } {
  const stories = generateStories(config.corpus_stories, config.corpus_seed);
  const tokenizer = Tokenizer.fromTexts(stories);
  const ids = stories.flatMap((s) => [tokenizer.bos, ...tokenizer.encode(s), tokenizer.eos]);
  return { tokenizer, stream: Int32Array.from(ids) };
}

/**
 * Loads the cached reference model for this config, pretraining it first if
 * no process has yet. Several processes may call this at once: one trains
 * (holding <hash>.lock), the others wait for its result.
 */
export async function loadOrPretrain(
  config: TrainConfig,
  opts: { cacheDir?: string; onProgress?: (p: PretrainProgress) => void; signal?: AbortSignal } = {},
): Promise<Reference> {
  const cacheDir = opts.cacheDir ?? DEFAULT_CACHE_DIR;
  const hash = configHash(config);
  const dir = join(cacheDir, hash);
  mkdirSync(cacheDir, { recursive: true });
  for (;;) {
    if (existsSync(join(dir, INFO_FILE))) return loadReference(dir, config);
    opts.signal?.throwIfAborted();
    const lock = join(cacheDir, `${hash}.lock`);
    if (takeLock(lock)) {
      try {
        if (!existsSync(join(dir, INFO_FILE))) await pretrainInto(dir, hash, config, opts.onProgress, opts.signal);
      } finally {
        rmSync(lock, { force: true });
      }
    } else {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** Creates the lock file, or returns false while another live process holds it. */
function takeLock(lock: string): boolean {
  try {
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname() }), { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  if (lockIsStale(lock)) rmSync(lock, { force: true });
  return false;
}

function lockIsStale(lock: string): boolean {
  try {
    const holder = JSON.parse(readFileSync(lock, 'utf8')) as { pid: number; host: string };
    if (holder.host === hostname()) {
      try {
        process.kill(holder.pid, 0);
        return false;
      } catch {
        return true;
      }
    }
    return Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS;
  } catch {
    return false; // being written or just removed: look again
  }
}

async function pretrainInto(
  dir: string,
  hash: string,
  config: TrainConfig,
  onProgress?: (p: PretrainProgress) => void,
  signal?: AbortSignal,
): Promise<void> {
  const started = performance.now();
  const { tokenizer, stream } = corpusTokens(config);
  const model = new GRULanguageModel(
    { vocabSize: tokenizer.vocabSize, embedDim: config.embed_dim, hiddenDim: config.hidden_dim },
    config.pretrain_seed,
  );
  let loss: number;
  try {
    loss = await pretrain(model, stream, config, onProgress, signal);
  } catch (err) {
    model.dispose();
    throw err;
  }
  const seconds = (performance.now() - started) / 1000;

  // Write everything next to the final place, then rename: readers never see half a model.
  const tmp = `${dir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  writeTensorData(tmp, await model.save());
  writeFileSync(join(tmp, TOKENIZER_FILE), JSON.stringify(tokenizer.toJSON()));
  const info: ReferenceInfo = {
    hash,
    config: referenceConfig(config),
    final_loss: loss,
    seconds,
    tokens_per_s: (config.pretrain_steps * config.pretrain_batch * config.pretrain_seq_len) / seconds,
    backend: tf.getBackend(),
  };
  writeFileSync(join(tmp, INFO_FILE), JSON.stringify(info, null, 2));
  model.dispose();
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
}

/**
 * Next-token cross-entropy on random windows of the corpus stream, Adam.
 * Returns the mean loss over the last 10% of steps; throws the signal's
 * reason when aborted.
 */
export async function pretrain(
  model: GRULanguageModel,
  stream: Int32Array,
  config: TrainConfig,
  onProgress?: (p: PretrainProgress) => void,
  signal?: AbortSignal,
): Promise<number> {
  const { pretrain_steps: steps, pretrain_batch: B, pretrain_seq_len: T } = config;
  const H = model.size.hiddenDim;
  const optimizer = new Adam(model.weights, config.pretrain_lr);
  const rand = new SeededRandom(config.pretrain_seed);
  const window = new Int32Array(B * (T + 1));
  const tail: number[] = [];
  for (let step = 1; step <= steps; step++) {
    // tfjs on wasm resolves in microtasks only: yield so signals and IPC messages get handled.
    await new Promise((resolve) => setImmediate(resolve));
    if (signal?.aborted) {
      optimizer.dispose();
      signal.throwIfAborted();
    }
    // Yield so a second Ctrl-C (exit at once) is handled while the reference pretrains.
    await new Promise((resolve) => setImmediate(resolve));
    for (let b = 0; b < B; b++) {
      const start = rand.int(0, stream.length - T - 2);
      window.set(stream.subarray(start, start + T + 1), b * (T + 1));
    }
    const { value, grads } = tf.tidy(() => {
      const ids = tf.tensor2d(window, [B, T + 1], 'int32');
      const inputs = ids.slice([0, 0], [B, T]) as tf.Tensor2D;
      // Time-major, as the hidden states are.
      const targets = tf.transpose(ids.slice([0, 1], [B, T])).reshape([T * B]) as tf.Tensor1D;
      return tf.variableGrads(() => {
        const states = model.hiddenStates(inputs).reshape([T * B, H]) as tf.Tensor2D;
        return tf.neg(tf.mean(model.targetLogProbs(states, targets))) as tf.Scalar;
      });
    });
    optimizer.apply(grads);
    tf.dispose(grads);
    const loss = (await value.data())[0];
    value.dispose();
    if (step > steps * 0.9) tail.push(loss);
    onProgress?.({ step, total: steps, loss });
  }
  optimizer.dispose();
  return tail.reduce((a, b) => a + b, 0) / tail.length;
}

function loadReference(dir: string, config: TrainConfig): Reference {
  const tokenizer = Tokenizer.fromJSON(JSON.parse(readFileSync(join(dir, TOKENIZER_FILE), 'utf8')));
  const model = new GRULanguageModel(
    { vocabSize: tokenizer.vocabSize, embedDim: config.embed_dim, hiddenDim: config.hidden_dim },
    config.pretrain_seed,
  );
  model.load(readTensorData(dir));
  return { model, tokenizer, dir };
}

function writeTensorData(dir: string, tensors: TensorData): void {
  const index: { name: string; shape: number[]; offset: number }[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    index.push({ name, shape: t.shape, offset });
    offset += t.data.length;
  }
  const all = new Float32Array(offset);
  for (const { name, offset: at } of index) all.set(tensors[name].data, at);
  writeFileSync(join(dir, WEIGHTS_FILE), new Uint8Array(all.buffer));
  writeFileSync(join(dir, INDEX_FILE), JSON.stringify(index));
}

function readTensorData(dir: string): TensorData {
  const bytes = readFileSync(join(dir, WEIGHTS_FILE));
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const index = JSON.parse(readFileSync(join(dir, INDEX_FILE), 'utf8')) as { name: string; shape: number[]; offset: number }[];
  const out: TensorData = {};
  for (const { name, shape, offset } of index) {
    const size = shape.reduce((a, b) => a * b, 1);
    out[name] = { shape, data: all.slice(offset, offset + size) };
  }
  return out;
}
