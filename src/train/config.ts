// Every hyperparameter of a run, with its default. A sweep file overrides some
// of them (config:) and varies one (vary:); run.json records the resolved whole.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { nearestName } from '../nearest-name';

const positiveInt = z.number().int().positive();

export const TrainConfig = z.strictObject({
  // The reference model (pretrained once per distinct value of these fields).
  // Measured (issue 10, backend wasm+blas, one core): these defaults reach
  // 0.985 nats/token on whole held-out stories against the generator's 0.964,
  // and 55 of 60 samples keep one name throughout, in ~300 s of one core.
  // Names need steps: 3,200 steps (1.014, the wasm default before) kept one
  // name in 29 of 60, 6,000 in 39, 7,500 at lr 0.02 in 53 (1.009). Peak lr
  // 0.03 and 8 stories a step (9,000 steps) diverged; a wider GRU (160, 4,500
  // steps) reached 1.006 but 21 of 60. The end of pretraining is sensitive to
  // float rounding, so compare settings by more than one run.
  /** The architecture; a small transformer was measured and dropped (see src/train/model.ts). */
  model: z.enum(['gru']).default('gru'),
  embed_dim: positiveInt.default(64),
  hidden_dim: positiveInt.default(128),
  corpus_stories: positiveInt.default(40_000),
  corpus_seed: z.number().int().default(1),
  pretrain_steps: positiveInt.default(7500),
  /** Whole stories per pretraining step (see src/train/pretrain.ts). */
  pretrain_batch: positiveInt.default(16),
  pretrain_lr: z.number().positive().default(0.015),
  pretrain_seed: z.number().int().default(1),
  /**
   * Held-out stories (their own stream, see src/corpus/stories.ts), scored whole while and
   * after pretraining: 256 give a standard error of ~0.005 nats/token.
   */
  held_out_stories: positiveInt.default(256),

  // RL fine-tuning (RLOO with a KL penalty against the reference model).
  rl_steps: positiveInt.default(200),
  /** K: samples per prompt; each sample's baseline is the mean reward of the other K-1. */
  samples_per_prompt: z.number().int().min(2).default(8),
  /** Prompts per step; every prompt is "Once upon a time", so batch = prompts * K samples. */
  prompts_per_step: positiveInt.default(4),
  lr: z.number().positive().default(0.002),
  /** KL penalty coefficient: total = raw - beta * kl. */
  beta: z.number().nonnegative().default(0),
  /** Tokens generated after the prompt. */
  gen_tokens: positiveInt.default(64),
  /**
   * raw reward = reward_scale * alliteration, the share of adjacent word pairs
   * of the generation that start with the same letter (src/train/reward.ts):
   * 0 to reward_scale; the reference model scores about 0.057 * reward_scale.
   * What matters is beta / reward_scale against the KL, which is in nats summed
   * over gen_tokens tokens. Measured with 64 tokens and the whole-story
   * reference (REFERENCE_VERSION 2; 150 steps, last 10%): repeating one word
   * costs ~885 nats of KL, a two-word loop ~560, a looped sentence ~41; fluent
   * text drifts 1.4-8. With 2000, beta = 0 collapses into a word loop, beta = 1
   * into a two-word loop, beta = 10 into a looped sentence, and beta = 30 to 100
   * stay fluent (as in the seed page); the same value as for the first reference.
   * Changing gen_tokens moves that step change: recalibrate together.
   */
  reward_scale: z.number().positive().default(2000),
  /** Steps between measurements of fluency (src/train/fluency.ts), which costs most of a step; also at step 1. */
  fluency_every: positiveInt.default(10),
  checkpoint_every: positiveInt.default(25),
  log_every: positiveInt.default(1),
  /** Generations kept per run (reservoir); 0 keeps all. */
  generations_capacity: z.number().int().nonnegative().default(100),
  seed: z.number().int().default(0),
});
export type TrainConfig = z.infer<typeof TrainConfig>;

/** `--quick`: a whole six-run sweep, reference included, trains in well under a minute. */
export const QUICK: Partial<TrainConfig> = {
  embed_dim: 16,
  hidden_dim: 32,
  corpus_stories: 200,
  pretrain_steps: 30,
  pretrain_batch: 2,
  held_out_stories: 16,
  rl_steps: 6,
  samples_per_prompt: 4,
  prompts_per_step: 1,
  gen_tokens: 12,
  checkpoint_every: 2,
  generations_capacity: 4,
};

/**
 * Defaults, then QUICK when asked, then the overrides (sweep config + varied
 * value). Throws a ZodError naming the field when an override is unknown or
 * of the wrong type.
 */
export function resolveConfig(overrides: Record<string, unknown>, opts: { quick: boolean }): TrainConfig {
  return TrainConfig.parse({ ...(opts.quick ? QUICK : {}), ...overrides });
}

/** The keys a sweep file's config: (or vary:) may set; the seed comes from seeds:. */
export const CONFIG_KEYS = Object.keys(TrainConfig.shape).filter((key) => key !== 'seed');

/** What other trainers call some of our keys (learning_rate in Hugging Face's and TRL's arguments, kl_coef in TRL's). */
const OTHER_NAMES: Record<string, string> = { learning_rate: 'lr', steps: 'rl_steps', max_steps: 'rl_steps', kl_coef: 'beta', init_kl_coef: 'beta' };

/** The config key an unknown `key` most likely meant (another trainer's name for it, or a typo of it), if any. */
export function nearestConfigKey(key: string): string | undefined {
  if (OTHER_NAMES[key]) return OTHER_NAMES[key];
  return nearestName(key, CONFIG_KEYS);
}


/** Bump when the model, tokenizer or corpus code changes what a pretrained reference is. */
export const REFERENCE_VERSION = 2;

/** The fields that shape the reference model: runs that agree on them share one pretrained model. */
const REFERENCE_FIELDS = [
  'model',
  'embed_dim',
  'hidden_dim',
  'corpus_stories',
  'corpus_seed',
  'pretrain_steps',
  'pretrain_batch',
  'pretrain_lr',
  'pretrain_seed',
  'held_out_stories',
] as const satisfies readonly (keyof TrainConfig)[];

/** The part of the config that shapes the reference model. */
export function referenceConfig(cfg: TrainConfig): Partial<TrainConfig> {
  return Object.fromEntries(REFERENCE_FIELDS.map((k) => [k, cfg[k]]));
}

/**
 * Cache key of the reference model: a short hash of the fields above, the
 * model code version and the backend that pretrains it. Backends round
 * differently (wasm+blas sums its matMuls in another order than wasm), so a
 * reference is the same model only on the same backend, and a run's metrics
 * follow from its config and backend alone. "wasm" is left out of the hash,
 * which keeps the keys references had before the backend was part of it.
 */
export function configHash(cfg: TrainConfig, backend = 'wasm'): string {
  return createHash('sha256')
    .update(JSON.stringify({ reference_version: REFERENCE_VERSION, ...referenceConfig(cfg), ...(backend === 'wasm' ? {} : { backend }) }))
    .digest('hex')
    .slice(0, 16);
}
