// Bench: training speed with the default config on the backend `auto` picks.
// Model FLOPs count the matMuls only (embedding, GRU gates, output layer).
import * as tf from '@tensorflow/tfjs';
import { countKernels } from './kernels';
import { initBackend } from '../train/backend';
import { resolveConfig, type TrainConfig } from '../train/config';
import { PROMPT } from '../corpus/stories';
import { GRULanguageModel } from '../train/model';
import { corpusTokens, pretrain } from '../train/pretrain';
import { RLOOTrainer } from '../train/rl';

/** matMul FLOPs of one GRU forward step for one sequence. */
function flopsPerToken(model: GRULanguageModel): number {
  const { vocabSize: V, embedDim: E, hiddenDim: H } = model.size;
  return 2 * (V * E + E * 3 * H + H * 3 * H + H * V);
}

function setup(config: TrainConfig) {
  const corpus = corpusTokens(config);
  const { tokenizer } = corpus;
  const size = { vocabSize: tokenizer.vocabSize, embedDim: config.embed_dim, hiddenDim: config.hidden_dim };
  return { tokenizer, corpus, size };
}

export async function benchPretrain(steps = 20) {
  const backend = await initBackend('auto');
  const config = resolveConfig({}, { quick: false });
  const { corpus, size } = setup(config);
  const model = new GRULanguageModel(size, 1);
  await pretrain(model, corpus, { ...config, pretrain_steps: 3 }); // warm-up
  const start = performance.now();
  const { tokens } = await pretrain(model, corpus, { ...config, pretrain_steps: steps });
  const seconds = (performance.now() - start) / 1000;
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
  const warm = { ...trainer.seconds };
  const start = performance.now();
  for (let step = 3; step < 3 + steps; step++) await trainer.step(step);
  const seconds = (performance.now() - start) / 1000;
  const timed = { ...trainer.seconds };

  // One more step with every kernel call counted and timed.
  const stopCounting = countKernels();
  const countedStart = performance.now();
  await trainer.step(3 + steps);
  const countedMs = performance.now() - countedStart;
  const kernels = stopCounting();

  const samples = config.samples_per_prompt * config.prompts_per_step;
  const generated = steps * samples * config.gen_tokens;
  // Forward passes' worth of tokens per step: sampling (the policy, whose pass the
  // gradient reuses) and scoring (the reference) read the prompt and all generated
  // tokens but the last; the backward costs ~2 forwards.
  const sequence = samples * (tokenizer.encode(PROMPT).length + 1 + config.gen_tokens - 1);
  const phaseTokens = { sampling: sequence, scoring: sequence, backward: 2 * sequence };
  const gflops = (tokens: number, s: number) => Number(((tokens * flopsPerToken(policy)) / s / 1e9).toFixed(2));
  const phaseGflops = Object.fromEntries(
    (Object.keys(phaseTokens) as (keyof typeof phaseTokens)[]).map((phase) => [
      phase,
      gflops(steps * phaseTokens[phase], timed[phase] - warm[phase]),
    ]),
  );
  const matMul = kernels.get('BatchMatMul') ?? { calls: 0, ms: 0 };
  const top = [...kernels].sort((a, b) => b[1].ms - a[1].ms).slice(0, 6);
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
    gflops: gflops(steps * (phaseTokens.sampling + phaseTokens.scoring + phaseTokens.backward), seconds),
    gflops_by_phase: phaseGflops,
    s_per_step_by_phase: Object.fromEntries(
      Object.entries(timed).map(([phase, s]) => [phase, Number(((s - warm[phase as keyof typeof warm]) / steps).toFixed(3))]),
    ),
    kernel_calls_per_step: [...kernels.values()].reduce((n, k) => n + k.calls, 0),
    matmul_calls_per_step: matMul.calls,
    matmul_share: Number((matMul.ms / countedMs).toFixed(2)),
    top_kernels_ms: Object.fromEntries(top.map(([name, k]) => [name, Number(k.ms.toFixed(1))])),
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
