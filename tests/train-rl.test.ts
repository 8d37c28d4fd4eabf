// The pieces of RL training: config validation, the backend choice, RLOO
// advantages, and that a training step leaks no tensors.
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BackendError, initBackend } from '../src/train/backend';
import { configHash, resolveConfig } from '../src/train/config';
import { GRULanguageModel } from '../src/train/model';
import { corpusTokens, pretrain } from '../src/train/pretrain';
import { leaveOneOutAdvantages, RLOOTrainer, tokenLogProbs } from '../src/train/rl';
import { sample, sampleWithGradient } from '../src/train/sampler';
import { mulberry32 } from '../src/random';
import { WASM_BACKENDS } from './backends';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('resolveConfig', () => {
  it('applies --quick, then the overrides', () => {
    const config = resolveConfig({ beta: 10, rl_steps: 3 }, { quick: true });
    expect(config.beta).toBe(10);
    expect(config.rl_steps).toBe(3);
    expect(config.hidden_dim).toBeLessThan(resolveConfig({}, { quick: false }).hidden_dim);
  });

  it('names the field of a bad or unknown override', () => {
    expect(() => resolveConfig({ beta: 'high' }, { quick: false })).toThrow(/beta/);
    expect(() => resolveConfig({ beta: -1 }, { quick: false })).toThrow(/beta/);
    expect(() => resolveConfig({ betta: 1 }, { quick: false })).toThrow(/betta/);
  });

  it('hashes only what shapes the reference model', () => {
    const base = resolveConfig({}, { quick: false });
    expect(configHash(resolveConfig({ beta: 100, lr: 0.1 }, { quick: false }))).toBe(configHash(base));
    expect(configHash(resolveConfig({ hidden_dim: 64 }, { quick: false }))).not.toBe(configHash(base));
  });

  it('keys a reference by its backend too, keeping the keys wasm references had before', () => {
    const base = resolveConfig({}, { quick: false });
    expect(configHash(base)).toBe('3a7e4f96061a3485');
    expect(configHash(base, 'wasm')).toBe(configHash(base));
    expect(configHash(base, 'wasm+blas')).not.toBe(configHash(base));
  });
});

describe('initBackend', () => {
  it('refuses an unknown backend, and node-gpu when its package is absent', async () => {
    await expect(initBackend('tpu' as never)).rejects.toThrow(BackendError);
    let installed = true;
    try {
      createRequire(import.meta.url).resolve('@tensorflow/tfjs-node-gpu');
    } catch {
      installed = false;
    }
    if (!installed) await expect(initBackend('node-gpu')).rejects.toThrow(/tfjs-node-gpu/);
    expect(await initBackend('wasm')).toBe('wasm');
  });
});

describe('leaveOneOutAdvantages', () => {
  it('subtracts the mean of the other samples of the same group', () => {
    expect(leaveOneOutAdvantages([1, 2, 3, 10, 10, 10], 3)).toEqual([-1.5, 0, 1.5, 0, 0, 0]);
  });
});

describe('sample', () => {
  it('draws each next token with the probability the model gives it (temperature 1, no top-k)', async () => {
    const model = new GRULanguageModel({ vocabSize: 6, embedDim: 4, hiddenDim: 8 }, 3);
    const prompt = [1, 2];
    const n = 4000;
    const rand = mulberry32(7);
    const uniforms = Float32Array.from({ length: n }, () => rand());
    const { ids: drawn, logProbs: logp } = sample(model, prompt, n, uniforms);
    const expected = new Map<number, number>();
    for (let i = 0; i < n; i++) expected.set(drawn[i], Math.exp(logp[i]));
    const counts = new Map<number, number>();
    for (const id of drawn) counts.set(id, (counts.get(id) ?? 0) + 1);
    // The probabilities of the tokens seen sum to about 1: every token could be drawn.
    expect([...expected.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0.99);
    expect(counts.size).toBe(6);
    for (const [id, count] of counts) {
      const p = expected.get(id)!;
      // Within 4 standard deviations of a binomial count.
      expect(Math.abs(count - n * p)).toBeLessThan(4 * Math.sqrt(n * p * (1 - p)) + 1);
    }
    model.dispose();
  });
});

// What the wasm+blas paths of the ops (src/train/ops.ts, sampler.ts) must keep too.
for (const [backend, skip] of WASM_BACKENDS) describe.skipIf(skip)(`on ${backend}`, () => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  describe('sampleWithGradient', () => {
    it('draws what sample draws, with the gradient of a second forward pass over the samples', () => {
      const model = new GRULanguageModel({ vocabSize: 7, embedDim: 4, hiddenDim: 6 }, 3);
      const prompt = [1, 2, 3];
      const [n, G] = [5, 4];
      const rand = mulberry32(11);
      const uniforms = Float32Array.from({ length: n * G }, () => rand());
      const weights = tf.randomNormal([n, G], 0, 1, 'float32', 4);
      const drawn = sample(model, prompt, n, uniforms);

      const fused = tf.variableGrads(() => {
        const { samples, logProbs } = sampleWithGradient(model, prompt, n, uniforms);
        expect(samples.ids).toEqual(drawn.ids);
        return tf.sum(tf.mul(logProbs, weights)) as tf.Scalar;
      });
      const twoPass = tf.variableGrads(() => {
        const prompts = tf.tile(tf.tensor2d([prompt], [1, prompt.length], 'int32'), [n, 1]);
        const inputs = tf.concat([prompts, tf.tensor2d(drawn.ids, [n, G], 'int32')], 1) as tf.Tensor2D;
        return tf.sum(tf.mul(tokenLogProbs(model, inputs, prompt.length), weights)) as tf.Scalar;
      });
      expect(fused.value.dataSync()[0]).toBeCloseTo(twoPass.value.dataSync()[0], 4);
      expect(Object.keys(fused.grads).sort()).toEqual(Object.keys(twoPass.grads).sort());
      for (const name of Object.keys(twoPass.grads)) {
        const a = fused.grads[name].dataSync();
        const b = twoPass.grads[name].dataSync();
        for (let k = 0; k < b.length; k++) expect(a[k]).toBeCloseTo(b[k], 4);
      }
      model.dispose();
    });
  });

  describe('the KL penalty', () => {
    it('is exactly 0 on a step whose policy is the reference (sampling and scoring compute log p alike)', async () => {
      const config = resolveConfig({ beta: 1 }, { quick: true });
      const { tokenizer } = corpusTokens(config);
      const size = { vocabSize: tokenizer.vocabSize, embedDim: config.embed_dim, hiddenDim: config.hidden_dim };
      const reference = new GRULanguageModel(size, 1);
      const policy = new GRULanguageModel(size, 1);
      const trainer = new RLOOTrainer(policy, reference, tokenizer, config);
      const { metrics } = await trainer.step(1);
      expect(metrics.kl).toBe(0);
      trainer.dispose();
      reference.dispose();
      policy.dispose();
    });
  });

  describe('training steps', () => {
    it('keep the tensor count flat (pretraining and RL)', async () => {
      const config = resolveConfig({ pretrain_steps: 2, beta: 1 }, { quick: true });
      const corpus = corpusTokens(config);
      const { tokenizer } = corpus;
      const size = { vocabSize: tokenizer.vocabSize, embedDim: config.embed_dim, hiddenDim: config.hidden_dim };
      const reference = new GRULanguageModel(size, 1);
      const policy = new GRULanguageModel(size, 1);

      const before = tf.memory().numTensors;
      await pretrain(reference, corpus, config, undefined, undefined, { tokenizer, stories: corpus.heldOut, bound: 1 });
      expect(tf.memory().numTensors).toBe(before);
      await pretrain(reference, corpus, { ...config, pretrain_steps: 5 });
      expect(tf.memory().numTensors).toBe(before);

      const trainer = new RLOOTrainer(policy, reference, tokenizer, config);
      await trainer.step(1);
      const afterOne = tf.memory().numTensors;
      for (let step = 2; step <= 4; step++) await trainer.step(step);
      expect(tf.memory().numTensors).toBe(afterOne);
      trainer.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});
