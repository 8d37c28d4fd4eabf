// The reference-model cache: trained once per config, shared by concurrent callers.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src/train/backend';
import { configHash, resolveConfig } from '../src/train/config';
import { heldOutStories } from '../src/corpus/stories';
import { GRULanguageModel } from '../src/train/model';
import { corpusTokens, heldOutLoss, loadOrPretrain, pretrainLr, storiesBound, type PretrainProgress } from '../src/train/pretrain';
import { DEAD_PID, lockHere, lockInOtherPidNamespace } from './fixtures/locks';

let tmp: string;
beforeAll(async () => {
  await initBackend('wasm');
  tmp = mkdtempSync(join(tmpdir(), 'sweepbook-pretrain-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const config = resolveConfig({ pretrain_steps: 5 }, { quick: true });

describe('loadOrPretrain', () => {
  it('pretrains once for concurrent callers, then serves the cache', async () => {
    const cacheDir = join(tmp, 'concurrent');
    let steps = 0;
    const onProgress = () => steps++;
    const [a, b] = await Promise.all([loadOrPretrain(config, { cacheDir, onProgress }), loadOrPretrain(config, { cacheDir, onProgress })]);
    expect(steps).toBe(config.pretrain_steps);
    expect(await a.model.save()).toEqual(await b.model.save());
    expect(readdirSync(cacheDir)).toEqual([configHash(config)]); // no lock or temp folder left

    const c = await loadOrPretrain(config, { cacheDir, onProgress });
    expect(steps).toBe(config.pretrain_steps);
    expect(await c.model.save()).toEqual(await a.model.save());
    for (const r of [a, b, c]) r.model.dispose();
  });

  it('stops pretraining when aborted, leaving neither a cache entry nor a lock', async () => {
    const cacheDir = join(tmp, 'aborted');
    const abort = new AbortController();
    let steps = 0;
    const onProgress = () => ++steps === 2 && abort.abort();
    await expect(loadOrPretrain(config, { cacheDir, onProgress, signal: abort.signal })).rejects.toThrow(/abort/i);
    expect(steps).toBe(2);
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('takes over the lock of a process that died while pretraining', async () => {
    const cacheDir = join(tmp, 'stale');
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(join(cacheDir, `${configHash(config)}.lock`), lockHere(DEAD_PID));
    const reference = await loadOrPretrain(config, { cacheDir });
    expect(reference.tokenizer.vocabSize).toBeGreaterThan(100);
    reference.model.dispose();
  });

  it('takes over the lock of a pretrainer in another PID namespace (it named our own pid) once not renewed for the lease', async () => {
    const cacheDir = join(tmp, 'other-namespace');
    mkdirSync(cacheDir, { recursive: true });
    const lock = join(cacheDir, `${configHash(config)}.lock`);
    writeFileSync(lock, lockInOtherPidNamespace(process.pid));
    utimesSync(lock, new Date(Date.now() - 3600_000), new Date(Date.now() - 3600_000)); // its container was killed an hour ago
    const reference = await loadOrPretrain(config, { cacheDir });
    expect(reference.tokenizer.vocabSize).toBeGreaterThan(100);
    reference.model.dispose();
    expect(readdirSync(cacheDir)).toEqual([configHash(config)]); // lock released
  });
});

describe('the held-out split', () => {
  it('is the same stories whatever the size of the training corpus, and none of them is trained on', () => {
    const small = corpusTokens(resolveConfig({ corpus_stories: 200, held_out_stories: 256 }, { quick: true }));
    const big = corpusTokens(resolveConfig({ corpus_stories: 20_000, held_out_stories: 256 }, { quick: true }));
    expect(big.heldOut).toEqual(small.heldOut);
    expect(new Set(small.heldOut).size).toBe(256);
    const trainingText = new Set(big.stories.map((ids) => big.tokenizer.decode(ids)));
    expect(trainingText.size).toBeGreaterThan(19_000);
    for (const story of big.heldOut) expect(trainingText.has(story)).toBe(false);
    expect(heldOutStories(50, 2)).not.toEqual(heldOutStories(50, 1));
  });

  it('scores whole stories from <bos>: padding several into one batch changes nothing', () => {
    const { tokenizer, heldOut } = corpusTokens(config);
    const model = new GRULanguageModel({ vocabSize: tokenizer.vocabSize, embedDim: 8, hiddenDim: 16 }, 3);
    const stories = heldOut.slice(0, 5);
    const tokens = stories.map((s) => tokenizer.encode(s).length + 1);
    const alone = stories.map((s) => heldOutLoss(model, tokenizer, [s]));
    const weighted = alone.reduce((sum, loss, i) => sum + loss * tokens[i], 0) / tokens.reduce((a, b) => a + b, 0);
    expect(heldOutLoss(model, tokenizer, stories)).toBeCloseTo(weighted, 4);
    // An untrained model knows nothing: about log(vocabulary size) per token.
    expect(alone[0]).toBeGreaterThan(Math.log(tokenizer.vocabSize) - 1);
    model.dispose();
  });
});

describe('pretraining', () => {
  it('warms the learning rate up over the first 2% of steps, then decays it to 5% of its peak', () => {
    const lrs = Array.from({ length: 1000 }, (_, i) => pretrainLr(i + 1, 1000, 0.02));
    expect(lrs[0]).toBeCloseTo(0.001, 10);
    expect(lrs[19]).toBeCloseTo(0.02, 10);
    expect(lrs[999]).toBeCloseTo(0.001, 10);
    for (let i = 20; i < 1000; i++) expect(lrs[i]).toBeLessThanOrEqual(lrs[i - 1]);
  });
});

describe('the reference cache', () => {
  it('records the held-out loss, its bound and pretraining seconds in info.json, and reports them as it goes', async () => {
    const cacheDir = join(tmp, 'info');
    const progress: PretrainProgress[] = [];
    const reference = await loadOrPretrain(config, { cacheDir, onProgress: (p) => progress.push(p) });
    reference.model.dispose();
    const info = JSON.parse(readFileSync(join(cacheDir, configHash(config), 'info.json'), 'utf8'));
    const { heldOut } = corpusTokens(config);
    expect(info.bound).toBeCloseTo(storiesBound(heldOut), 10);
    expect(info.bound).toBeGreaterThan(0.9);
    expect(info.held_out_loss).toBeGreaterThan(info.bound);
    expect(info.held_out_stories).toBe(config.held_out_stories);
    expect(info.pretrain_seconds).toBeGreaterThan(0);
    expect(info.pretrain_cpu_seconds).toBeGreaterThan(0);
    // Measured while it trains (5 steps: after each), the last at the end, which is what info.json keeps.
    expect(progress.at(-1)!.heldOutLoss).toBe(info.held_out_loss);
    expect(progress.at(-1)!.bound).toBe(info.bound);
    expect(new Set(progress.map((p) => p.heldOutLoss)).size).toBe(config.pretrain_steps);
    expect(reference.quality).toEqual({
      hash: configHash(config),
      held_out_loss: info.held_out_loss,
      bound: info.bound,
      held_out_stories: config.held_out_stories,
      pretrain_seconds: info.pretrain_seconds,
      pretrain_cpu_seconds: info.pretrain_cpu_seconds,
      samples: info.samples,
    });
    expect(info.samples).toHaveLength(3);
    for (const story of info.samples) expect(story).toMatch(/^Once upon a time/);
  });
});
