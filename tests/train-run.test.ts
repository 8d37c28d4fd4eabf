// trainRun on the --quick config: reproducible, resumable, no tensor leaks;
// on wasm, and on wasm+blas when its addon is built.
import { DEAD_PID, lockHere } from './fixtures/locks';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGenerations, readMetrics, readRunInfo, RunWriter, type MetricsLine, type Sweep } from '../src/runs';
import { initBackend } from '../src/train/backend';
import { configHash, resolveConfig, type TrainConfig } from '../src/train/config';
import { trainerUnits } from '../src/runner/plan';
import { trainRun, type TrainRunOptions } from '../src/train/run';
import { blasBuilt } from './backends';

let tmp: string;
let backend: string;

beforeAll(async () => {
  backend = await initBackend('wasm');
  tmp = mkdtempSync(join(tmpdir(), 'sweepbook-train-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const quick = (overrides: Record<string, unknown> = {}) => resolveConfig({ beta: 0.1, ...overrides }, { quick: true });

function newWriter(runsDir: string, config: TrainConfig): RunWriter {
  return RunWriter.create(runsDir, {
    sweep: 'test',
    params: { beta: config.beta },
    label: `beta=${config.beta}`,
    color: 'red',
    seed: config.seed,
    config,
    totalSteps: config.rl_steps,
    generationsCapacity: config.generations_capacity,
  });
}

/** Trains one run to the end in a fresh runs dir; returns its folder. */
async function trainFresh(config: TrainConfig, opts: Partial<TrainRunOptions> = {}): Promise<string> {
  const writer = newWriter(mkdtempSync(join(tmp, 'runs-')), config);
  await trainRun(writer, config, { backend, checkpoint: null, cacheDir: join(tmp, 'cache'), ...opts });
  writer.finish('completed');
  return writer.dir;
}

/** Metrics without the wall-clock time. */
const metricsOf = (dir: string) => readMetrics(dir).map(({ time: _time, ...rest }: MetricsLine) => rest);

/** Aborts a run after step 4, resumes it from its checkpoint, and compares it with an uninterrupted run (on `backend`). */
async function expectResumeEqualsWhole(): Promise<void> {
  const config = quick({ rl_steps: 7, checkpoint_every: 3 });
  const whole = await trainFresh(config);
  const writer = newWriter(mkdtempSync(join(tmp, 'runs-')), config);
  const abort = new AbortController();
  await trainRun(writer, config, {
    backend,
    checkpoint: null,
    cacheDir: join(tmp, 'cache'),
    signal: abort.signal,
    onProgress: (p) => p.step === 4 && abort.abort(),
  });
  writer.finish('interrupted');
  expect(readMetrics(writer.dir).map((m) => m.step)).toEqual([1, 2, 3, 4]);

  const resumed = RunWriter.resume(writer.dir);
  expect(resumed.checkpoint?.step).toBe(4);
  await trainRun(resumed.writer, config, { backend, checkpoint: resumed.checkpoint, cacheDir: join(tmp, 'cache') });
  resumed.writer.finish('completed');
  expect(metricsOf(writer.dir)).toEqual(metricsOf(whole));
  expect(readGenerations(writer.dir)).toEqual(readGenerations(whole));
}

describe('trainRun', () => {
  it('logs every step: raw reward, kl, total reward, entropy, repetition, diversity, and a generation from the prompt', async () => {
    const config = quick();
    const dir = await trainFresh(config);
    const metrics = metricsOf(dir);
    expect(metrics.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const m of metrics) {
      // fluency and grammatical at step 1 and every fluency_every (10) steps: of these six, step 1 only
      const fluency = m.step === 1 ? ['fluency', 'grammatical'] : [];
      expect(Object.keys(m).sort()).toEqual(['diversity', 'entropy', ...fluency, 'grad_norm', 'kl', 'raw_reward', 'repetition', 'step', 'total_reward'].sort());
      expect(m.diversity).toBeGreaterThan(0);
      expect(m.diversity).toBeLessThanOrEqual(1);
      expect(m.total_reward).toBeCloseTo(m.raw_reward! - config.beta * m.kl!, 4);
    }
    // The policy starts as a copy of the reference, so the first step's KL estimate is zero.
    expect(Math.abs(metrics[0].kl!)).toBeLessThan(1e-3);
    const generations = readGenerations(dir);
    expect(generations.length).toBe(config.generations_capacity);
    expect(generations.at(-1)!.step).toBe(6);
    for (const g of generations) expect(g.text.startsWith('Once upon a time')).toBe(true);
  });

  it("records the reference model's held-out loss, bound and pretraining seconds in run.json", async () => {
    const config = quick();
    const dir = await trainFresh(config);
    const { reference } = readRunInfo(dir);
    const info = JSON.parse(readFileSync(join(tmp, 'cache', configHash(config), 'info.json'), 'utf8'));
    expect(reference).toEqual({
      hash: configHash(config),
      held_out_loss: info.held_out_loss,
      bound: info.bound,
      held_out_stories: config.held_out_stories,
      pretrain_seconds: info.pretrain_seconds,
      pretrain_cpu_seconds: info.pretrain_cpu_seconds,
      samples: info.samples,
      sample: expect.objectContaining({ samples: 64 * config.samples_per_prompt * config.prompts_per_step, batch: config.samples_per_prompt * config.prompts_per_step }),
    });
    expect(reference!.held_out_loss).toBeGreaterThan(reference!.bound);
  });

  it('gives identical metrics and generations for the same seed, different ones for another seed', async () => {
    const a = await trainFresh(quick());
    const b = await trainFresh(quick());
    const c = await trainFresh(quick({ seed: 1 }));
    expect(metricsOf(b)).toEqual(metricsOf(a));
    expect(readGenerations(b)).toEqual(readGenerations(a));
    expect(metricsOf(c)).not.toEqual(metricsOf(a));
  });

  it('pairs seeds across values: the units of seed s draw the same stream whatever the value', async () => {
    const sweep: Sweep = { id: 'paired', file: 'paired.yaml', title: 'paired', vary: 'beta', search: 'values', varied: ['beta'], runs: 'trained', seeds: [1, 2], config: { rl_steps: 1 }, values: [0, 100].map((value) => ({ value, params: { beta: value }, label: `beta=${value}`, color: 'red' })) };
    const firstSteps: { seed: number; beta: number; raw_reward: number | null | undefined; repetition: number | null | undefined; text: string }[] = [];
    for (const { config } of trainerUnits(sweep, true)) {
      const dir = await trainFresh(config);
      // At step 1 the policy is still the reference, so equal draws mean equal samples.
      const [{ raw_reward, repetition }] = metricsOf(dir);
      firstSteps.push({ seed: config.seed, beta: config.beta, raw_reward, repetition, text: readGenerations(dir)[0].text });
    }
    const [seed1beta0, seed1beta100, seed2beta0, seed2beta100] = firstSteps;
    expect([seed1beta0.seed, seed1beta100.seed, seed2beta0.seed, seed2beta100.seed]).toEqual([1, 1, 2, 2]);
    expect([seed1beta0.beta, seed1beta100.beta]).toEqual([0, 100]);
    const drawn = ({ raw_reward, repetition, text }: (typeof firstSteps)[number]) => ({ raw_reward, repetition, text });
    expect(drawn(seed1beta100)).toEqual(drawn(seed1beta0));
    expect(drawn(seed2beta100)).toEqual(drawn(seed2beta0));
    expect(drawn(seed2beta0)).not.toEqual(drawn(seed1beta0));
  });

  it('resumes an aborted run from its checkpoint with the same metrics as an uninterrupted run', expectResumeEqualsWhole);

  it('after a crash, retrains the steps logged since the last checkpoint: no duplicate, no gap', async () => {
    const config = quick({ rl_steps: 7, checkpoint_every: 3 });
    const whole = await trainFresh(config);

    const writer = newWriter(mkdtempSync(join(tmp, 'runs-')), config);
    const crash = trainRun(writer, config, {
      backend,
      checkpoint: null,
      cacheDir: join(tmp, 'cache'),
      onProgress: (p) => {
        if (p.step === 5) throw new Error('simulated crash');
      },
    });
    await expect(crash).rejects.toThrow('simulated crash');
    expect(readMetrics(writer.dir).map((m) => m.step)).toEqual([1, 2, 3, 4, 5]);

    // A crashed trainer is a gone process: its lock is left naming a dead pid (this process still holds the in-memory one).
    writeFileSync(join(writer.dir, 'lock'), lockHere(DEAD_PID));
    const resumed = RunWriter.resume(writer.dir);
    expect(resumed.checkpoint?.step).toBe(3);
    await trainRun(resumed.writer, config, { backend, checkpoint: resumed.checkpoint, cacheDir: join(tmp, 'cache') });
    resumed.writer.finish('completed');
    expect(metricsOf(writer.dir)).toEqual(metricsOf(whole));
  });
});

describe.skipIf(!blasBuilt)('trainRun on wasm+blas', () => {
  beforeAll(async () => {
    backend = await initBackend('wasm+blas');
  });
  afterAll(async () => {
    backend = await initBackend('wasm');
  });

  it('records the backend, and pretrains its own reference (cached apart from the wasm one)', async () => {
    const config = quick();
    const dir = await trainFresh(config);
    expect(readRunInfo(dir).backend).toBe('wasm+blas');
    expect(readRunInfo(dir).reference!.hash).toBe(configHash(config, 'wasm+blas'));
    const info = JSON.parse(readFileSync(join(tmp, 'cache', configHash(config, 'wasm+blas'), 'info.json'), 'utf8'));
    expect(info.backend).toBe('wasm+blas');
  });

  it('gives identical metrics and generations for the same seed', async () => {
    const a = await trainFresh(quick());
    const b = await trainFresh(quick());
    expect(metricsOf(b)).toEqual(metricsOf(a));
    expect(readGenerations(b)).toEqual(readGenerations(a));
    // The policy starts as a copy of the reference: sampling and scoring round alike.
    expect(metricsOf(a)[0].kl).toBe(0);
  });

  it('resumes an aborted run from its checkpoint with the same metrics as an uninterrupted run', expectResumeEqualsWhole);

  it('does not resume a run started on plain wasm, which stays resumable there', async () => {
    const config = quick({ rl_steps: 4, checkpoint_every: 2 });
    await initBackend('wasm');
    const writer = newWriter(mkdtempSync(join(tmp, 'runs-')), config);
    const abort = new AbortController();
    await trainRun(writer, config, {
      backend: 'wasm',
      checkpoint: null,
      cacheDir: join(tmp, 'cache'),
      signal: abort.signal,
      onProgress: (p) => p.step === 2 && abort.abort(),
    });
    writer.finish('interrupted');

    await initBackend('wasm+blas');
    const onBlas = RunWriter.resume(writer.dir);
    await expect(trainRun(onBlas.writer, config, { backend, checkpoint: onBlas.checkpoint, cacheDir: join(tmp, 'cache') })).rejects.toThrow(
      'it was started on backend wasm, not wasm+blas: resume it with --backend wasm',
    );
    onBlas.writer.finish('failed');
    expect(readRunInfo(writer.dir).backend).toBe('wasm');
    expect(RunWriter.resume(writer.dir).checkpoint?.step).toBe(2);
  });
});
