// The measures a reviewer asked for beside reward and KL: fluency by the story
// generator, the gradient norm before clipping, and the reference model measured
// on a large sample.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateStories, PROMPT, tokenLogProbs } from '../src/corpus/stories';
import { splitTokens } from '../src/corpus/tokenizer';
import { Adam } from '../src/train/adam';
import { initBackend } from '../src/train/backend';
import { resolveConfig } from '../src/train/config';
import { fluencyOf, sampleFluency } from '../src/train/fluency';
import { GRULanguageModel } from '../src/train/model';
import { corpusTokens } from '../src/train/pretrain';
import { referenceSample } from '../src/train/reference-sample';
import { RLOOTrainer } from '../src/train/rl';

beforeAll(async () => {
  await initBackend('wasm');
});

const cache = mkdtempSync(join(tmpdir(), 'sweepbook-fluency-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe('fluency', () => {
  it("a corpus story's first 64 tokens are all writable: their log-probability is the generator's, token by token", () => {
    const story = splitTokens(generateStories(1, 3)[0]);
    const words = story.slice(splitTokens(PROMPT).length, 68);
    const all = tokenLogProbs(story);
    const expected = all.slice(4, 4 + words.length).reduce((a, b) => a + b, 0);
    const measured = sampleFluency(words);
    expect(measured.writable).toBe(words.length);
    expect(measured.generated).toBe(words.length);
    expect(measured.logProb).toBeCloseTo(expected, 10);
    expect(measured.logProb).toBeLessThan(0);
  });

  it('a word loop is writable up to its first token the generator could not write', () => {
    // a corpus story's first sentence, then its last word over and over
    const story = splitTokens(generateStories(1, 3)[0]);
    const end = story.indexOf('.');
    const sentence = story.slice(4, end + 1);
    const words = [...sentence, ...Array(6).fill(story[end - 1])];
    const logProbs = tokenLogProbs([...story.slice(0, 4), ...words]).slice(4);
    const firstImpossible = logProbs.findIndex((lp) => !Number.isFinite(lp));
    expect(firstImpossible).toBeGreaterThan(sentence.length - 1);
    const measured = sampleFluency(words);
    expect(measured.writable).toBe(firstImpossible);
    expect(measured.generated).toBe(words.length);
    expect(measured.logProb).toBeCloseTo(logProbs.slice(0, firstImpossible).reduce((a, b) => a + b, 0), 10);
  });

  it('over a step: grammatical is the mean share, fluency the writable tokens\' nats over their number', () => {
    const result = fluencyOf([
      { writable: 10, logProb: -12, generated: 10 },
      { writable: 2, logProb: -6, generated: 8 },
      { writable: 0, logProb: 0, generated: 4 },
    ]);
    expect(result.grammatical).toBeCloseTo((1 + 0.25 + 0) / 3, 12);
    expect(result.fluency).toBeCloseTo(-18 / 12, 12);
    expect(fluencyOf([{ writable: 0, logProb: 0, generated: 5 }]).fluency).toBeNaN();
  });
});

describe('the gradient norm', () => {
  it('Adam.apply returns the global norm before clipping', () => {
    const w = tf.variable(tf.zeros([2]), true, 'w-test');
    const v = tf.variable(tf.zeros([1]), true, 'v-test');
    const adam = new Adam({ w, v }, 0.1);
    const norm = adam.apply({ 'w-test': tf.tensor1d([3, 4]), 'v-test': tf.tensor1d([12]) });
    expect(norm).toBeCloseTo(13, 5);
    adam.dispose();
    w.dispose();
    v.dispose();
  });

  it('is logged every step, fluency at step 1 and every fluency_every steps', async () => {
    const config = resolveConfig({ beta: 1, fluency_every: 3 }, { quick: true });
    const { tokenizer } = corpusTokens(config);
    const size = { vocabSize: tokenizer.vocabSize, embedDim: config.embed_dim, hiddenDim: config.hidden_dim };
    const reference = new GRULanguageModel(size, 1);
    const policy = new GRULanguageModel(size, 1);
    const trainer = new RLOOTrainer(policy, reference, tokenizer, config);
    const logged: number[] = [];
    for (let step = 1; step <= 6; step++) {
      const { metrics } = await trainer.step(step);
      expect(metrics.grad_norm).toBeGreaterThan(0);
      if (metrics.grammatical !== undefined) logged.push(step);
    }
    expect(logged).toEqual([1, 3, 6]);
    trainer.dispose();
    reference.dispose();
    policy.dispose();
  });
});

describe('the reference measured on a large sample', () => {
  it('64 steps of samples, as a first step measures them; cached, and the same when measured again', () => {
    const config = resolveConfig({}, { quick: true });
    const { tokenizer } = corpusTokens(config);
    const model = new GRULanguageModel({ vocabSize: tokenizer.vocabSize, embedDim: config.embed_dim, hiddenDim: config.hidden_dim }, 1);
    const first = referenceSample(model, tokenizer, config, cache);
    expect(first.samples).toBe(64 * config.samples_per_prompt * config.prompts_per_step);
    expect(first.batch).toBe(config.samples_per_prompt * config.prompts_per_step);
    for (const metric of ['raw_reward', 'repetition', 'diversity', 'grammatical'] as const) {
      expect(Number.isFinite(first[metric].mean)).toBe(true);
      expect(first[metric].se).toBeCloseTo(first[metric].step_sd / 8, 10);
    }
    expect(readdirSync(cache).filter((name) => name.startsWith('sample-'))).toHaveLength(1);
    expect(referenceSample(model, tokenizer, config, cache)).toEqual(first);
    for (const name of readdirSync(cache)) rmSync(join(cache, name));
    expect(referenceSample(model, tokenizer, config, cache)).toEqual(first);
    model.dispose();
  });
});
