// The reference model: a GRU language model pretrained on the story corpus,
// trained once per reference config and backend (configHash) and cached in
// <cacheDir>/<hash>/. The RL policy starts as a copy of it, and the KL penalty
// measures how far the policy has moved from it.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { HeldLock, RunReference, takeLock } from '../runs';
import { tempPath } from '../runs/atomic';
import { Adam } from './adam';
import { currentBackend } from './backend';
import { configHash, referenceConfig, type TrainConfig } from './config';
import { generateStories, heldOutStories, PROMPT, storyLogProb } from '../corpus/stories';
import { GRULanguageModel, type TensorData } from './model';
import { sample } from './sampler';
import { SeededRandom } from '../random';
import { splitTokens, Tokenizer } from '../corpus/tokenizer';

export const DEFAULT_CACHE_DIR = join('.cache', 'reference');

/** Held-out evaluations during pretraining, evenly spaced, the last at the end. */
const HELD_OUT_EVALS = 5;
/** Stories the reference writes for its cache entry and run.json. */
const REFERENCE_SAMPLES = 3;
/** Enough for the longest story (about 180 tokens): a sample is cut at its <eos>. */
const SAMPLE_TOKENS = 240;

export interface Reference {
  model: GRULanguageModel;
  tokenizer: Tokenizer;
  /** Where it is cached. */
  dir: string;
  /** How well it learnt the corpus (null for a cache entry written before held-out losses were kept). */
  quality: RunReference | null;
}

export interface PretrainProgress {
  step: number;
  total: number;
  loss: number;
  /** The latest held-out loss, once measured, and its bound (see RunReference in src/runs). */
  heldOutLoss?: number;
  bound?: number;
}

/** What a cache entry records besides the weights, for people reading the cache. */
interface ReferenceInfo extends RunReference {
  config: Partial<TrainConfig>;
  final_loss: number;
  tokens_per_s: number;
  backend: string;
}

const WEIGHTS_FILE = 'weights.bin';
const INDEX_FILE = 'weights.json';
const TOKENIZER_FILE = 'tokenizer.json';
const INFO_FILE = 'info.json';

export interface Corpus {
  tokenizer: Tokenizer;
  /** The training stories' token ids (words only, no <bos>/<eos>), shortest first. */
  stories: number[][];
  /** The held-out stories (never among the training stories), as text. */
  heldOut: string[];
}

/** The training stories and the held-out stories of a config's corpus. */
export function corpusTokens(config: TrainConfig): Corpus {
  const heldOut = heldOutStories(config.held_out_stories, config.corpus_seed);
  const held = new Set(heldOut);
  const texts = generateStories(config.corpus_stories, config.corpus_seed).filter((s) => !held.has(s));
  // Held-out words get ids too: a word missing from a small corpus is then a poorly predicted token, not <unk>.
  const tokenizer = Tokenizer.fromTexts([...texts, ...heldOut]);
  const stories = texts.map((s) => tokenizer.encode(s)).sort((a, b) => a.length - b.length);
  return { tokenizer, stories, heldOut };
}

/**
 * Whole stories as one batch, padded to the longest: inputs [B, T] are <bos>
 * and the words, targets (time-major [T * B], as the hidden states are) the
 * words and <eos>; mask is 1 where a target is a story's and 0 on padding.
 */
function storyBatch(stories: number[][], tokenizer: Tokenizer) {
  const B = stories.length;
  const T = Math.max(...stories.map((s) => s.length)) + 1;
  const inputs = new Int32Array(B * T).fill(tokenizer.pad);
  const targets = new Int32Array(T * B).fill(tokenizer.pad);
  const mask = new Float32Array(T * B);
  let tokens = 0;
  stories.forEach((words, b) => {
    inputs[b * T] = tokenizer.bos;
    inputs.set(words, b * T + 1);
    for (let t = 0; t <= words.length; t++) {
      targets[t * B + b] = t < words.length ? words[t] : tokenizer.eos;
      mask[t * B + b] = 1;
    }
    tokens += words.length + 1;
  });
  return { B, T, inputs, targets, mask, tokens };
}

/** Nats summed over the batch's story tokens (a scalar tensor; taped when called under variableGrads). */
function batchNats(model: GRULanguageModel, batch: ReturnType<typeof storyBatch>): tf.Scalar {
  const { B, T, inputs, targets, mask } = batch;
  const states = model.hiddenStates(tf.tensor2d(inputs, [B, T], 'int32')).reshape([T * B, model.size.hiddenDim]) as tf.Tensor2D;
  const logProbs = model.targetLogProbs(states, tf.tensor1d(targets, 'int32'));
  return tf.neg(tf.sum(tf.mul(logProbs, tf.tensor1d(mask)))) as tf.Scalar;
}

/** Stories scored together by heldOutLoss. */
const EVAL_BATCH = 64;

/**
 * The model's cross-entropy on whole stories, each read from <bos> with a fresh
 * state: nats per predicted token (its words and <eos>), over all the stories.
 * Comparable with storiesBound and EntropyRate.nats_per_story_token.
 */
export function heldOutLoss(model: GRULanguageModel, tokenizer: Tokenizer, stories: string[]): number {
  // Sorted by length, so a batch pads little.
  const encoded = stories.map((s) => tokenizer.encode(s)).sort((a, b) => a.length - b.length);
  let nats = 0;
  let tokens = 0;
  for (let i = 0; i < encoded.length; i += EVAL_BATCH) {
    const batch = storyBatch(encoded.slice(i, i + EVAL_BATCH), tokenizer);
    const sum = tf.tidy(() => batchNats(model, batch));
    nats += sum.dataSync()[0];
    sum.dispose();
    tokens += batch.tokens;
  }
  return nats / tokens;
}

/** `count` stories the model writes from the prompt (temperature 1), each to its <eos>; the same for the same seed. */
export function sampleStories(model: GRULanguageModel, tokenizer: Tokenizer, count: number, seed: number): string[] {
  const prompt = [tokenizer.bos, ...tokenizer.encode(PROMPT)];
  const rand = new SeededRandom(seed);
  const { ids } = sample(model, prompt, count, Float32Array.from({ length: count * SAMPLE_TOKENS }, () => rand.next()));
  return Array.from({ length: count }, (_, i) => {
    const story = Array.from(ids.subarray(i * SAMPLE_TOKENS, (i + 1) * SAMPLE_TOKENS));
    const end = story.indexOf(tokenizer.eos);
    return tokenizer.decode([...prompt, ...(end < 0 ? story : story.slice(0, end))]);
  });
}

/** The generator's cross-entropy on these stories, counted as heldOutLoss counts: no model can do better. */
export function storiesBound(stories: string[]): number {
  let nats = 0;
  let tokens = 0;
  for (const story of stories) {
    nats -= storyLogProb(story);
    tokens += splitTokens(story).length + 1;
  }
  return nats / tokens;
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
  const hash = configHash(config, currentBackend());
  const dir = join(cacheDir, hash);
  mkdirSync(cacheDir, { recursive: true });
  for (;;) {
    if (existsSync(join(dir, INFO_FILE))) return loadReference(dir, config);
    opts.signal?.throwIfAborted();
    // The runs' lock: renewed while pretraining, dead when not (a crashed node, or a container whose pid means nothing here).
    const lock = takeLock(join(cacheDir, `${hash}.lock`));
    if (lock instanceof HeldLock) {
      try {
        if (!existsSync(join(dir, INFO_FILE))) await pretrainInto(dir, hash, config, opts.onProgress, opts.signal);
      } finally {
        lock.release();
      }
    } else {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
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
  const cpuStarted = process.cpuUsage();
  const corpus = corpusTokens(config);
  const { tokenizer, heldOut } = corpus;
  const model = new GRULanguageModel(
    { vocabSize: tokenizer.vocabSize, embedDim: config.embed_dim, hiddenDim: config.hidden_dim },
    config.pretrain_seed,
  );
  let result: PretrainResult;
  try {
    result = await pretrain(model, corpus, config, onProgress, signal, { tokenizer, stories: heldOut, bound: storiesBound(heldOut) });
  } catch (err) {
    model.dispose();
    throw err;
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const samples = sampleStories(model, tokenizer, REFERENCE_SAMPLES, config.pretrain_seed);

  // Write everything next to the final place, then rename: readers never see half a model.
  const tmp = tempPath(dir);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  writeTensorData(tmp, await model.save());
  writeFileSync(join(tmp, TOKENIZER_FILE), JSON.stringify(tokenizer.toJSON()));
  const info: ReferenceInfo = {
    hash,
    held_out_loss: result.heldOutLoss!,
    bound: result.bound!,
    held_out_stories: heldOut.length,
    pretrain_seconds: seconds,
    pretrain_cpu_seconds: (cpu.user + cpu.system) / 1e6,
    samples,
    config: referenceConfig(config),
    final_loss: result.finalLoss,
    tokens_per_s: result.tokens / seconds,
    backend: currentBackend(),
  };
  writeFileSync(join(tmp, INFO_FILE), JSON.stringify(info, null, 2));
  model.dispose();
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
}

/** Held-out stories to score while pretraining, and their bound (storiesBound). */
export interface HeldOut {
  tokenizer: Tokenizer;
  stories: string[];
  bound: number;
}

export interface PretrainResult {
  /** Mean training loss over the last 10% of steps. */
  finalLoss: number;
  /** Tokens trained on (story tokens, padding not counted). */
  tokens: number;
  /** At the end, when held-out stories were given. */
  heldOutLoss?: number;
  bound?: number;
}

/**
 * The learning rate of each step: a linear warm-up over the first 2% of steps
 * (Adam's first updates are large), then a cosine decay to 5% of the peak:
 * the usual schedule (not measured here against a constant rate).
 */
export function pretrainLr(step: number, steps: number, peak: number): number {
  const warmup = Math.max(1, Math.round(steps * 0.02));
  if (step <= warmup) return (peak * step) / warmup;
  const progress = (step - warmup) / Math.max(1, steps - warmup);
  return peak * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

/**
 * Next-token cross-entropy on batches of whole stories, each read from <bos>
 * with a fresh state, as the held-out stories are scored and as RL samples.
 * A batch is pretrain_batch stories of about one length (neighbours in the
 * length order), so it pads little. Adam, learning rate by pretrainLr.
 * Scores the held-out stories (if given) HELD_OUT_EVALS times, the last at the
 * end, and reports each in the progress. Throws the signal's reason when aborted.
 */
export async function pretrain(
  model: GRULanguageModel,
  corpus: Pick<Corpus, 'tokenizer' | 'stories'>,
  config: TrainConfig,
  onProgress?: (p: PretrainProgress) => void,
  signal?: AbortSignal,
  heldOut?: HeldOut,
): Promise<PretrainResult> {
  const { pretrain_steps: steps, pretrain_batch: B } = config;
  const { tokenizer, stories } = corpus;
  const optimizer = new Adam(model.weights, config.pretrain_lr);
  const rand = new SeededRandom(config.pretrain_seed);
  const tail: number[] = [];
  let tokens = 0;
  const evalEvery = Math.ceil(steps / HELD_OUT_EVALS);
  let heldOutLossNow: number | undefined;
  for (let step = 1; step <= steps; step++) {
    // tfjs on wasm resolves in microtasks only: yield so signals and IPC messages get handled.
    await new Promise((resolve) => setImmediate(resolve));
    if (signal?.aborted) {
      optimizer.dispose();
      signal.throwIfAborted();
    }
    // Yield so a second Ctrl-C (exit at once) is handled while the reference pretrains.
    await new Promise((resolve) => setImmediate(resolve));
    const first = rand.int(0, Math.max(0, stories.length - B));
    const batch = storyBatch(stories.slice(first, first + B), tokenizer);
    tokens += batch.tokens;
    optimizer.lr = pretrainLr(step, steps, config.pretrain_lr);
    const { value, grads } = tf.tidy(() => tf.variableGrads(() => tf.div(batchNats(model, batch), batch.tokens) as tf.Scalar));
    optimizer.apply(grads);
    tf.dispose(grads);
    const loss = (await value.data())[0];
    value.dispose();
    if (step > steps * 0.9) tail.push(loss);
    if (heldOut && (step % evalEvery === 0 || step === steps)) heldOutLossNow = heldOutLoss(model, heldOut.tokenizer, heldOut.stories);
    onProgress?.({ step, total: steps, loss, heldOutLoss: heldOutLossNow, bound: heldOut?.bound });
  }
  optimizer.dispose();
  const finalLoss = tail.reduce((a, b) => a + b, 0) / tail.length;
  return { finalLoss, tokens, heldOutLoss: heldOutLossNow, bound: heldOut?.bound };
}

function loadReference(dir: string, config: TrainConfig): Reference {
  const tokenizer = Tokenizer.fromJSON(JSON.parse(readFileSync(join(dir, TOKENIZER_FILE), 'utf8')));
  const model = new GRULanguageModel(
    { vocabSize: tokenizer.vocabSize, embedDim: config.embed_dim, hiddenDim: config.hidden_dim },
    config.pretrain_seed,
  );
  model.load(readTensorData(dir));
  // An entry written before held-out losses were kept has none to report (null); extra fields are dropped.
  const recorded = z.object(RunReference.shape).safeParse(JSON.parse(readFileSync(join(dir, INFO_FILE), 'utf8')));
  const quality = recorded.success ? recorded.data : null;
  return { model, tokenizer, dir, quality };
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
