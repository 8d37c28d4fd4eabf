// Bench: training speed with the default config on the backend `auto` picks.
// Model FLOPs count the matMuls only (embedding, GRU gates, output layer).
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../train/backend';
import { resolveConfig, type TrainConfig } from '../train/config';
import { PROMPT } from '../train/corpus';
import { GRULanguageModel } from '../train/model';
import { corpusTokens, pretrain } from '../train/pretrain';
import { RLOOTrainer } from '../train/rl';

/** matMul FLOPs of one GRU forward step for one sequence. */
function flopsPerToken(model: GRULanguageModel): number {
  const { vocabSize: V, embedDim: E, hiddenDim: H } = model.size;
  return 2 * (V * E + E * 3 * H + H * 3 * H + H * V);
}

function setup(config: TrainConfig) {
  const { tokenizer, stream } = corpusTokens(config);
  const size = { vocabSize: tokenizer.vocabSize, embedDim: config.embed_dim, hiddenDim: config.hidden_dim };
  return { tokenizer, stream, size };
}

export async function benchPretrain(steps = 20) {
  const backend = await initBackend('auto');
  const config = resolveConfig({}, { quick: false });
  const { stream, size } = setup(config);
  const model = new GRULanguageModel(size, 1);
  await pretrain(model, stream, { ...config, pretrain_steps: 3 }); // warm-up
  const start = performance.now();
  await pretrain(model, stream, { ...config, pretrain_steps: steps });
  const seconds = (performance.now() - start) / 1000;
  const tokens = steps * config.pretrain_batch * config.pretrain_seq_len;
  model.dispose();
  return {
    bench: 'pretrain',
    backend,
    s_per_step: Number((seconds / steps).toFixed(3)),
    tokens_per_s: Math.round(tokens / seconds),
    // forward + backward ~ 3x the forward FLOPs
    gflops: Number(((3 * tokens * flopsPerToken(model)) / seconds / 1e9).toFixed(2)),
  };
}

export async function benchRL(steps = 10) {
  const backend = await initBackend('auto');
  const config = resolveConfig({ beta: 1 }, { quick: false });
  const { tokenizer, size } = setup(config);
  const reference = new GRULanguageModel(size, 1);
  const policy = new GRULanguageModel(size, 2);
  const trainer = new RLOOTrainer(policy, reference, tokenizer, config);
  for (let step = 1; step <= 2; step++) await trainer.step(step); // warm-up
  const start = performance.now();
  for (let step = 3; step < 3 + steps; step++) await trainer.step(step);
  const seconds = (performance.now() - start) / 1000;
  const samples = config.samples_per_prompt * config.prompts_per_step;
  const generated = steps * samples * config.gen_tokens;
  // Per step: sample (1 forward), score under the reference (1), policy forward + backward (3).
  const sequenceTokens = steps * samples * (1 + tokenizer.encode(PROMPT).length + config.gen_tokens);
  trainer.dispose();
  reference.dispose();
  policy.dispose();
  return {
    bench: 'rl',
    backend,
    samples_per_step: samples,
    gen_tokens: config.gen_tokens,
    s_per_step: Number((seconds / steps).toFixed(3)),
    policy_tokens_per_s: Math.round(generated / seconds),
    gflops: Number(((5 * sequenceTokens * flopsPerToken(policy)) / seconds / 1e9).toFixed(2)),
  };
}

/** wasm matMul in its fast (plain) and slow (transposed operand) call patterns, 512^3. */
export async function benchMatMul(n = 512, reps = 10) {
  const backend = await initBackend('auto');
  const a = tf.randomNormal([n, n]) as tf.Tensor2D;
  const b = tf.randomNormal([n, n]) as tf.Tensor2D;
  const gflops = (transposeA: boolean) => {
    tf.tidy(() => tf.matMul(a, b, transposeA)).dispose();
    const start = performance.now();
    for (let i = 0; i < reps; i++) {
      const c = tf.matMul(a, b, transposeA);
      c.dataSync();
      c.dispose();
    }
    return Number(((2 * n ** 3 * reps) / ((performance.now() - start) / 1000) / 1e9).toFixed(1));
  };
  const result = { bench: 'matmul', backend, n, gflops: gflops(false), gflops_transposed: gflops(true) };
  a.dispose();
  b.dispose();
  return result;
}
