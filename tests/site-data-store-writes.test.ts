// The content store keeps the last report set, even when it is set while an
// earlier (debounced) save is still writing: Astro 5.18 alone would write the
// earlier data again, and the build would miss that report (see
// src/site/data-store-writes.ts).
import { promises as fsPromises, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, expect, test } from 'vitest';
import { dataStoreModule, serializeDataStoreWrites } from '../src/site/data-store-writes';

interface Store {
  scopedStore(collection: string): { set(entry: { id: string; data: Record<string, unknown> }): boolean };
  has(collection: string, id: string): boolean;
  waitUntilSaveComplete(): Promise<void>;
}
const { MutableDataStore } = dataStoreModule() as unknown as { MutableDataStore: { fromFile(file: URL): Promise<Store> } };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const writeFile = fsPromises.writeFile;
let dir: string | undefined;

afterEach(() => {
  fsPromises.writeFile = writeFile;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a report set while the store is being written is in the file when the save completes', async () => {
  serializeDataStoreWrites();
  dir = mkdtempSync(join(tmpdir(), 'sweepbook-store-'));
  const file = pathToFileURL(join(dir, 'data-store.json'));
  const store = await MutableDataStore.fromFile(file);
  const reports = store.scopedStore('reports');

  // The first write of the store takes a while (a big store, a busy disk).
  let slowed = false;
  fsPromises.writeFile = (async (...args: Parameters<typeof writeFile>) => {
    if (!slowed && String(args[0]).includes('data-store.json')) {
      slowed = true;
      await sleep(400);
    }
    return writeFile(...args);
  }) as typeof writeFile;

  reports.set({ id: 'first-report', data: {} });
  await sleep(600); // past the store's 500 ms debounce: writing the store with the first report
  expect(slowed).toBe(true);
  reports.set({ id: 'second-report', data: {} });
  await store.waitUntilSaveComplete();

  const saved = await MutableDataStore.fromFile(file);
  expect(saved.has('reports', 'first-report')).toBe(true);
  expect(saved.has('reports', 'second-report')).toBe(true);
  // and nothing written later takes it back
  await sleep(600);
  expect((await MutableDataStore.fromFile(file)).has('reports', 'second-report')).toBe(true);
});
