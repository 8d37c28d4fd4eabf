// The reference model measured as a run's first step measures the policy (which
// is the reference until its first update), over many steps' worth of samples: a
// step's 32 samples give its raw reward to within ~15%, too little to compare a
// run's end with. Cached beside the reference model, since every run of the same
// reference and sampling settings measures the same thing.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { PROMPT } from '../corpus/stories';
import type { Tokenizer } from '../corpus/tokenizer';
import { mulberry32 } from '../random';
import { ReferenceSample } from '../runs';
import { writeFileAtomic } from '../runs/atomic';
import type { TrainConfig } from './config';
import { fluencyOf, sampleFluency } from './fluency';
import type { GRULanguageModel } from './model';
import { alliteration, diversity, repetition } from './reward';
import { stepSeed, storiesOf } from './rl';
import { sample } from './sampler';

/** Steps' worth of samples measured: 64 of 32 samples (2,048), a standard error of ~2% on the raw reward. */
export const MEASURED_STEPS = 64;
/** Its own random stream, apart from every run's (whose seeds are small integers). */
const SAMPLE_SEED = 0x7265660a;
/** Bump when what is measured changes, so cached measurements are taken again. */
const SAMPLE_VERSION = 1;

type Measured = Omit<ReferenceSample, 'samples' | 'batch'>;

/** The cached measurement of this reference under these settings, or a new one (then cached). */
export function referenceSample(model: GRULanguageModel, tokenizer: Tokenizer, config: TrainConfig, referenceDir: string): ReferenceSample {
  const batch = config.samples_per_prompt * config.prompts_per_step;
  const key = createHash('sha256')
    .update(JSON.stringify({ SAMPLE_VERSION, steps: MEASURED_STEPS, batch, gen_tokens: config.gen_tokens, reward_scale: config.reward_scale }))
    .digest('hex')
    .slice(0, 12);
  const file = join(referenceDir, `sample-${key}.json`);
  if (existsSync(file)) {
    const cached = ReferenceSample.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (cached.success) return cached.data;
  }
  const measured = measureReference(model, tokenizer, config, batch);
  writeFileAtomic(file, JSON.stringify(measured, null, 2) + '\n');
  return measured;
}

function measureReference(model: GRULanguageModel, tokenizer: Tokenizer, config: TrainConfig, batch: number): ReferenceSample {
  const G = config.gen_tokens;
  const promptIds = [tokenizer.bos, ...tokenizer.encode(PROMPT)];
  const perStep: Record<keyof Measured, number[]> = { raw_reward: [], repetition: [], diversity: [], fluency: [], grammatical: [] };
  for (let b = 0; b < MEASURED_STEPS; b++) {
    // Drawn as a step draws its samples (src/train/rl.ts), from a stream of its own.
    const rand = mulberry32(stepSeed(SAMPLE_SEED, b + 1));
    const uniforms = Float32Array.from({ length: G * batch }, () => rand());
    const { ids } = sample(model, promptIds, batch, uniforms);
    const texts = Array.from({ length: batch }, (_, i) => tokenizer.tokenStrings(ids.subarray(i * G, (i + 1) * G)));
    perStep.raw_reward.push(mean(texts.map((words) => config.reward_scale * alliteration(words))));
    perStep.repetition.push(mean(texts.map(repetition)));
    perStep.diversity.push(diversity(texts));
    const { fluency, grammatical } = fluencyOf(storiesOf(ids, batch, G, tokenizer).map(sampleFluency));
    perStep.fluency.push(fluency);
    perStep.grammatical.push(grammatical);
  }
  const summary = (values: number[]) => {
    const finite = values.filter(Number.isFinite);
    const m = mean(finite);
    const sd = Math.sqrt(finite.reduce((sum, v) => sum + (v - m) ** 2, 0) / (finite.length - 1));
    return { mean: m, step_sd: sd, se: sd / Math.sqrt(finite.length) };
  };
  return {
    samples: MEASURED_STEPS * batch,
    batch,
    raw_reward: summary(perStep.raw_reward),
    repetition: summary(perStep.repetition),
    diversity: summary(perStep.diversity),
    fluency: summary(perStep.fluency),
    grammatical: summary(perStep.grammatical),
  };
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
