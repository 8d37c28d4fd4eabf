// RL fine-tuning with RLOO (REINFORCE with a leave-one-out baseline) and a KL
// penalty against the frozen reference model.
//
// Each step: sample K continuations of the prompt per group (pure sampling,
// temperature 1, no top-k); score each sequence
//   raw   = reward_scale * alliteration(generated words)
//   kl    = sum over generated tokens of (log pi - log pi_ref)   (a sample estimate, nats)
//   total = raw - beta * kl                                     (no gradient through kl)
// give sample i the advantage total_i - mean of the other K-1 totals of its
// group, and ascend sum_i advantage_i * log pi(sequence_i) / samples.
//
// Sampling draws from our own seeded PRNG, re-seeded from (seed, step) every
// step, so a resumed run draws exactly what an uninterrupted one would.
import * as tf from '@tensorflow/tfjs';
import { Adam } from './adam';
import type { TrainConfig } from './config';
import { PROMPT } from './corpus';
import type { GRULanguageModel } from './model';
import { mulberry32 } from '../random';
import { alliteration, repetition } from './reward';
import type { Tokenizer } from './tokenizer';

export interface StepResult {
  metrics: {
    raw_reward: number;
    kl: number;
    total_reward: number;
    entropy: number;
    repetition: number;
  };
  /** The first sample of the step, prompt included, as text. */
  generation: string;
}

/** Per-step PRNG seed: a hash of (run seed, step), so steps draw independent streams. */
export function stepSeed(seed: number, step: number): number {
  return (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(step, 0x85ebca77)) >>> 0;
}

export class RLOOTrainer {
  readonly optimizer: Adam;
  private readonly promptIds: number[];

  constructor(
    readonly policy: GRULanguageModel,
    private readonly reference: GRULanguageModel,
    private readonly tokenizer: Tokenizer,
    private readonly config: TrainConfig,
  ) {
    this.optimizer = new Adam(policy.weights, config.lr);
    this.promptIds = [tokenizer.bos, ...tokenizer.encode(PROMPT)];
  }

  /** Trains one step (the `step`-th, counting from 1) and returns its metrics. */
  async step(step: number): Promise<StepResult> {
    const { samples_per_prompt: K, prompts_per_step, gen_tokens: G, beta, reward_scale } = this.config;
    const n = K * prompts_per_step;
    const P = this.promptIds.length;

    const rand = mulberry32(stepSeed(this.config.seed, step));
    const uniforms = new Float32Array(G * n);
    for (let i = 0; i < uniforms.length; i++) uniforms[i] = rand();

    // Sample with the policy, and score the samples under both models: one sync at the end.
    const sampled = tf.tidy(() => {
      const { ids, logProbs, entropy } = sample(this.policy, this.promptIds, n, tf.tensor2d(uniforms, [G, n]));
      const inputs = tf.concat([tf.tile(tf.tensor2d([this.promptIds], [1, P], 'int32'), [n, 1]), ids], 1);
      const refLogProbs = tokenLogProbs(this.reference, inputs as tf.Tensor2D, P);
      return { ids, inputs, stats: tf.stack([logProbs, refLogProbs, entropy]) };
    });
    const ids = (await sampled.ids.data()) as Int32Array;
    const stats = (await sampled.stats.data()) as Float32Array; // [3, n, G]
    sampled.ids.dispose();
    sampled.stats.dispose();

    const raw: number[] = [];
    const kl: number[] = [];
    const total: number[] = [];
    const reps: number[] = [];
    let entropySum = 0;
    for (let i = 0; i < n; i++) {
      const words = this.tokenizer.tokenStrings(ids.subarray(i * G, (i + 1) * G));
      raw.push(reward_scale * alliteration(words));
      reps.push(repetition(words));
      let klSum = 0;
      for (let t = 0; t < G; t++) {
        klSum += stats[i * G + t] - stats[n * G + i * G + t];
        entropySum += stats[2 * n * G + i * G + t];
      }
      kl.push(klSum);
      total.push(raw[i] - beta * klSum);
    }
    const advantages = leaveOneOutAdvantages(total, K);

    const { value, grads } = tf.tidy(() => {
      const adv = tf.tensor1d(advantages);
      return tf.variableGrads(() => {
        const logProbs = tokenLogProbs(this.policy, sampled.inputs as tf.Tensor2D, P); // [n, G]
        return tf.neg(tf.mean(tf.mul(tf.sum(logProbs, 1), adv))) as tf.Scalar;
      });
    });
    sampled.inputs.dispose();
    this.optimizer.apply(grads);
    tf.dispose(grads);
    value.dispose();

    const first = Array.from(ids.subarray(0, G));
    return {
      metrics: {
        raw_reward: mean(raw),
        kl: mean(kl),
        total_reward: mean(total),
        entropy: entropySum / (n * G),
        repetition: mean(reps),
      },
      generation: this.tokenizer.decode([...this.promptIds, ...first]),
    };
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}

/**
 * Samples `uniforms.shape[0]` tokens after the prompt for n sequences: token t
 * of sequence i is the first id whose cumulative probability exceeds
 * uniforms[t, i] (inverse-CDF sampling on the device, no per-token sync).
 * Returns ids [n, G], their log-probabilities [n, G] and the entropy of each
 * next-token distribution [n, G].
 */
export function sample(
  model: GRULanguageModel,
  promptIds: number[],
  n: number,
  uniforms: tf.Tensor2D,
): { ids: tf.Tensor2D; logProbs: tf.Tensor2D; entropy: tf.Tensor2D } {
  return tf.tidy(() => {
    const V = model.size.vocabSize;
    const prompt = tf.tile(tf.tensor2d([promptIds], [1, promptIds.length], 'int32'), [n, 1]) as tf.Tensor2D;
    const table = model.inputTable();
    let { logits, state } = lastLogits(model, prompt);
    const ids: tf.Tensor[] = [];
    const logProbs: tf.Tensor[] = [];
    const entropies: tf.Tensor[] = [];
    for (const u of tf.unstack(uniforms)) {
      const logp = tf.logSoftmax(logits);
      const p = tf.exp(logp);
      // How many cumulative probabilities lie below u: step(u - cumsum) rather than
      // less(cumsum, u), whose broadcast is ~300x slower on wasm (same result, exactly).
      const below = tf.step(tf.sub(u.reshape([n, 1]), tf.cumsum(p, 1)));
      const next = tf.minimum(tf.cast(tf.sum(below, 1), 'int32'), tf.scalar(V - 1, 'int32')) as tf.Tensor1D;
      const chosen = tf.oneHot(next, V);
      logProbs.push(tf.sum(tf.mul(logp, chosen), 1));
      entropies.push(tf.neg(tf.sum(tf.mul(p, logp), 1)));
      ids.push(next);
      ({ logits, state } = model.step(table, next, state));
    }
    return {
      ids: tf.stack(ids, 1) as tf.Tensor2D,
      logProbs: tf.stack(logProbs, 1) as tf.Tensor2D,
      entropy: tf.stack(entropies, 1) as tf.Tensor2D,
    };
  });
}

/** Runs the model over `ids` [n, T] and returns the logits after the last token and the state. */
function lastLogits(model: GRULanguageModel, ids: tf.Tensor2D): { logits: tf.Tensor2D; state: tf.Tensor2D } {
  const [n, T] = ids.shape;
  const { logits, state } = model.forward(ids);
  return { logits: logits.slice([0, T - 1, 0], [n, 1, -1]).reshape([n, -1]) as tf.Tensor2D, state };
}

/** log p(ids[:, t] | ids[:, <t]) for every t >= start: [n, T - start]. */
export function tokenLogProbs(model: GRULanguageModel, ids: tf.Tensor2D, start: number): tf.Tensor2D {
  const [n, T] = ids.shape;
  const V = model.size.vocabSize;
  const { logits } = model.forward(ids.slice([0, 0], [n, T - 1]) as tf.Tensor2D);
  const predicting = logits.slice([0, start - 1, 0], [n, T - start, V]);
  const targets = tf.oneHot(ids.slice([0, start], [n, T - start]) as tf.Tensor2D, V);
  return tf.sum(tf.mul(tf.logSoftmax(predicting), targets), 2) as tf.Tensor2D;
}

/** RLOO: each sample's reward minus the mean reward of the other samples of its group of K. */
export function leaveOneOutAdvantages(rewards: number[], K: number): number[] {
  return rewards.map((r, i) => {
    const group = rewards.slice(i - (i % K), i - (i % K) + K);
    const othersMean = (group.reduce((a, b) => a + b, 0) - r) / (K - 1);
    return r - othersMean;
  });
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
