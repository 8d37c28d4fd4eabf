// A site build reads every run's metrics (~40 ms a run of 20,000 steps: 4 s
// for 100 runs) on the one thread Astro renders pages on. So during a build a
// worker reads them too, from the last run backwards while the pages ask from
// the first, and hands each run's columns over as it has read them (shared,
// not copied). readMetricsShared takes a run's columns from it only if the
// file is as it was when the worker read it (same size and modification
// time, as for its memo), and otherwise reads the file itself: pages show the
// same metrics either way.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { RunMetrics, Warn } from './metrics-types';
import { METRICS_FILE } from './schema';

/** A run's metrics as the worker read them: the file, its stamp then, the columns, and the warnings reading gave. */
export interface PrefetchedMetrics {
  file: string;
  stamp: string;
  metrics: RunMetrics;
  warnings: string[];
}

interface Prefetch {
  port: MessagePort;
  /** Per file: 1 once the build's thread read it itself, so the worker skips it. */
  taken: Int32Array;
  index: Map<string, number>;
  arrived: Map<string, PrefetchedMetrics>;
}

/** What the worker is given. */
export interface PrefetchJob {
  runDirs: string[];
  port: MessagePort;
  taken: Int32Array;
}

// On globalThis: a build has two copies of this module (Astro's config, which starts it, and its page bundle).
const global = globalThis as { sweepbookMetricsPrefetch?: Prefetch };

/** The file's size and modification time: what tells a changed file from the one read before. */
export function stampOf(file: string): string {
  const stat = statSync(file, { bigint: true, throwIfNoEntry: false });
  return stat ? `${stat.size}:${stat.mtimeNs}` : 'missing';
}

export interface MetricsPrefetch {
  /** Settles when the worker has read all it would. */
  done: Promise<void>;
  /** Ends the worker, done or not, and stops handing over what it read. */
  stop: () => Promise<void>;
}

/** Starts a worker reading these runs' metrics, last first. */
export function startMetricsPrefetch(runDirs: string[]): MetricsPrefetch {
  const { port1, port2 } = new MessageChannel();
  const taken = new Int32Array(new SharedArrayBuffer(4 * runDirs.length));
  const files = runDirs.map((dir) => join(dir, METRICS_FILE));
  const job: PrefetchJob = { runDirs, port: port2, taken };
  const worker = new Worker(new URL('./metrics-prefetch.worker.mjs', import.meta.url), { workerData: job, transferList: [port2] });
  // A failed worker only leaves the build to read the files itself; neither may keep a finished build's process alive.
  worker.on('error', () => {});
  worker.unref();
  port1.unref();
  const prefetch: Prefetch = { port: port1, taken, index: new Map(files.map((file, i) => [file, i])), arrived: new Map() };
  global.sweepbookMetricsPrefetch = prefetch;
  return {
    done: new Promise((resolve) => worker.once('exit', () => resolve())),
    stop: async () => {
      if (global.sweepbookMetricsPrefetch === prefetch) delete global.sweepbookMetricsPrefetch;
      port1.close();
      await worker.terminate();
    },
  };
}

/** The worker's columns of this file, if it read them and nothing took them yet; marks the file taken, so a file the worker has not read yet is left to the caller. */
export function takePrefetched(file: string): PrefetchedMetrics | undefined {
  const prefetch = arrivedSoFar();
  if (!prefetch) return undefined;
  const index = prefetch.index.get(file);
  if (index !== undefined) Atomics.store(prefetch.taken, index, 1);
  const read = prefetch.arrived.get(file);
  prefetch.arrived.delete(file);
  return read;
}

/** The worker's columns of this file if they have arrived, left for takePrefetched. */
export function peekPrefetched(file: string): PrefetchedMetrics | undefined {
  return arrivedSoFar()?.arrived.get(file);
}

/** The prefetch, with what the worker has sent so far moved into `arrived`. */
function arrivedSoFar(): Prefetch | undefined {
  const prefetch = global.sweepbookMetricsPrefetch;
  if (!prefetch) return undefined;
  for (let message; (message = receiveMessageOnPort(prefetch.port)); ) {
    const read = message.message as PrefetchedMetrics;
    prefetch.arrived.set(read.file, read);
  }
  return prefetch;
}

/**
 * The worker's side: reads each run's metrics that the build has not taken
 * yet, last first, and posts the columns. A file that fails to read is left
 * to the build, which reports it.
 */
export function prefetchMetrics({ runDirs, port, taken }: PrefetchJob, read: (runDir: string, warn: Warn) => RunMetrics): void {
  for (let i = runDirs.length - 1; i >= 0; i--) {
    if (Atomics.load(taken, i)) continue;
    const file = join(runDirs[i], METRICS_FILE);
    const stamp = stampOf(file);
    const warnings: string[] = [];
    let metrics: RunMetrics;
    try {
      metrics = read(runDirs[i], (message) => warnings.push(message));
    } catch {
      continue;
    }
    if (stampOf(file) !== stamp) continue; // written while read: the build reads it again
    // The columns are in shared memory (readMetricColumns): posted, not copied.
    port.postMessage({ file, stamp, metrics, warnings } satisfies PrefetchedMetrics);
  }
  port.close();
}
