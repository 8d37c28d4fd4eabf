// Astro 5.18's content store (data-store.json, which the build reads its
// reports from) can lose its last write: a save asked for while a debounced
// one is still writing is deferred and then writes the *earlier* data again
// (withastro/astro#15672, fixed in Astro 6, which needs Node 22). A build
// then misses a report that rendered fine, or shows its stale rendering,
// and exits 0: CI saw /reports/<new sweep>/ missing after a green build.
// Here each store's writes wait for the one before, so each serializes the
// store as it is when it starts, and the last one written is the newest.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const serialized = Symbol.for('sweepbook.serializedDataStoreWrites');

interface Writable {
  writeToDisk(): Promise<void>;
}

interface DataStoreModule {
  MutableDataStore: { prototype: Writable & { [serialized]?: true } };
}

/**
 * Astro's MutableDataStore: not among the package's exports, so by its file;
 * by Node's require, which shares Astro's instance of the module (astro.config
 * is loaded through Vite, whose import() would load a copy).
 */
export function dataStoreModule(): DataStoreModule {
  const require = createRequire(import.meta.url);
  return require(join(dirname(require.resolve('astro/package.json')), 'dist/content/mutable-data-store.js')) as DataStoreModule;
}

/** Makes the content store's writes one at a time, in order (idempotent). */
export function serializeDataStoreWrites(): void {
  const prototype = dataStoreModule().MutableDataStore.prototype;
  if (prototype[serialized]) return;
  const write = prototype.writeToDisk;
  const queues = new WeakMap<object, Promise<void>>();
  prototype.writeToDisk = function (this: Writable) {
    const next = (queues.get(this) ?? Promise.resolve()).catch(() => {}).then(() => write.call(this));
    queues.set(this, next);
    return next;
  };
  prototype[serialized] = true;
}
