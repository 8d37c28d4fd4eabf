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
import { PROMPT } from '../corpus/stories';
import type { GRULanguageModel } from './model';
import { sampleWithGradient, type Samples } from './sampler';
import { mulberry32 } from '../random';
import { alliteration, diversity, repetition } from './reward';
import { fluencyOf, sampleFluency } from './fluency';
import type { Tokenizer } from '../corpus/tokenizer';

export interface StepResult {
  metrics: {
    raw_reward: number;
    kl: number;
    total_reward: number;
    entropy: number;
    repetition: number;
    /** Across the step's samples: distinct word bigrams / bigrams (src/train/reward.ts). */
    diversity: number;
    /** The gradient's global norm before clipping to max norm 1 (src/train/adam.ts). */
    grad_norm: number;
    /** Every fluency_every steps: the story generator's nats per writable token, and the writable share (src/train/fluency.ts). */
    fluency?: number;
    grammatical?: number;
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
  /**
   * Seconds spent so far in each phase of a step, for the bench (exact on wasm
   * and cpu, whose kernels run synchronously; scoring includes the rewards).
   */
  readonly seconds = { sampling: 0, scoring: 0, backward: 0 };
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

    let mark = performance.now();
    const lap = (phase: keyof RLOOTrainer['seconds']) => {
      const now = performance.now();
      this.seconds[phase] += (now - mark) / 1000;
      mark = now;
    };

    // Sample with the policy, keeping the pass for the gradient (src/train/sampler.ts),
    // score the samples under the reference, and ascend the advantage-weighted log-probabilities.
    let drawn: Samples | undefined;
    const raw: number[] = [];
    const kl: number[] = [];
    const total: number[] = [];
    const reps: number[] = [];
    const texts: string[][] = [];
    let entropySum = 0;
    const { value, grads } = tf.variableGrads(() => {
      const { samples, logProbs } = sampleWithGradient(this.policy, this.promptIds, n, uniforms);
      const { ids, entropy } = (drawn = samples);
      lap('sampling');
      const refLogProbs = tf.tidy(() => {
        const prompts = tf.tile(tf.tensor2d([this.promptIds], [1, P], 'int32'), [n, 1]);
        const inputs = tf.concat([prompts, tf.tensor2d(ids, [n, G], 'int32')], 1) as tf.Tensor2D;
        return tokenLogProbs(this.reference, inputs, P);
      });
      const ref = refLogProbs.dataSync() as Float32Array; // [n, G]
      for (let i = 0; i < n; i++) {
        const words = this.tokenizer.tokenStrings(ids.subarray(i * G, (i + 1) * G));
        raw.push(reward_scale * alliteration(words));
        reps.push(repetition(words));
        texts.push(words);
        let klSum = 0;
        for (let t = 0; t < G; t++) {
          klSum += samples.logProbs[i * G + t] - ref[i * G + t];
          entropySum += entropy[i * G + t];
        }
        kl.push(klSum);
        total.push(raw[i] - beta * klSum);
      }
      const advantages = tf.tensor1d(leaveOneOutAdvantages(total, K));
      lap('scoring');
      return tf.neg(tf.mean(tf.mul(tf.sum(logProbs, 1), advantages))) as tf.Scalar;
    });
    const gradNorm = this.optimizer.apply(grads);
    tf.dispose(grads);
    value.dispose();
    lap('backward');

    const { ids } = drawn!;
    const first = Array.from(ids.subarray(0, G));
    // The generator's forward pass costs ~3 ms a sample, most of a step: so only every fluency_every steps.
    const fluency = step % this.config.fluency_every === 0 || step === 1 ? fluencyOf(storiesOf(ids, n, G, this.tokenizer).map(sampleFluency)) : undefined;
    return {
      metrics: {
        raw_reward: mean(raw),
        kl: mean(kl),
        total_reward: mean(total),
        entropy: entropySum / (n * G),
        repetition: mean(reps),
        diversity: diversity(texts),
        grad_norm: gradNorm,
        ...fluency,
      },
      generation: this.tokenizer.decode([...this.promptIds, ...first]),
    };
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}

/** log p(ids[:, t] | ids[:, <t]) for every t >= start: [n, T - start]. */
export function tokenLogProbs(model: GRULanguageModel, ids: tf.Tensor2D, start: number): tf.Tensor2D {
  const [n, T] = ids.shape;
  const H = model.size.hiddenDim;
  // The states after tokens start-1 .. T-2 predict tokens start .. T-1 (all time-major).
  const states = model.hiddenStates(ids.slice([0, 0], [n, T - 1]) as tf.Tensor2D);
  const predicting = states.slice([start - 1, 0, 0], [T - start, n, H]).reshape([(T - start) * n, H]) as tf.Tensor2D;
  const targets = tf.transpose(ids.slice([0, start], [n, T - start])).reshape([(T - start) * n]) as tf.Tensor1D;
  // n rows per readout matMul, as sampling reads out: so a policy equal to the reference scores KL 0.
  return tf.transpose(model.targetLogProbs(predicting, targets, n).reshape([T - start, n])) as tf.Tensor2D;
}

/** Each of n samples' generated token strings up to its <eos> (the story's end; what follows is not part of it). */
export function storiesOf(ids: Int32Array, n: number, G: number, tokenizer: Tokenizer): string[][] {
  return Array.from({ length: n }, (_, i) => {
    const sample = Array.from(ids.subarray(i * G, (i + 1) * G));
    const end = sample.indexOf(tokenizer.eos);
    return tokenizer.tokenStrings(end < 0 ? sample : sample.slice(0, end));
  });
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
