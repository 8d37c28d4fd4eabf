// The reference-model cache: trained once per config, shared by concurrent callers.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src/train/backend';
import { configHash, resolveConfig } from '../src/train/config';
import { loadOrPretrain } from '../src/train/pretrain';

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
    // Above Linux's largest pid: a process that cannot be alive.
    writeFileSync(join(cacheDir, `${configHash(config)}.lock`), JSON.stringify({ pid: 2 ** 22 + 1, host: hostname() }));
    const reference = await loadOrPretrain(config, { cacheDir });
    expect(reference.tokenizer.vocabSize).toBeGreaterThan(100);
    reference.model.dispose();
  });
});
