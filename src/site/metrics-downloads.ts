// A run's metrics as its download holds them: metrics.parquet, one row per
// logged step, step and time then a column per metric, null where a step did
// not log it or logged a non-finite value (parquet.ts).
//
// Parquet, not the metrics.csv.gz it was: a 1,000-run site of 20,000 steps was
// 1.13 GB with that CSV (0.92 MB a run), over GitHub Pages' 1 GB, and no CSV
// gets much smaller. A logged double's shortest decimal is 17 digits, about
// 56 bits where its bits are 64 and the low mantissa bits are noise, and
// deflate codes digits one by one. As Parquet the same doubles are stored as
// they are, their bytes split into streams, and a run is 0.73 MB; exact to the
// last bit, typed (step an integer, the rest doubles), and what researchers'
// tools read as they are (pandas.read_parquet, polars, DuckDB, R's arrow) and
// where W&B keeps run history too. Made from the columns the build read, not
// the file's bytes, so a download is the pages' metrics to the value.
//
// Written into the site during a build, not as Astro endpoints:
// Astro takes an endpoint's bytes through a Response (~10 ms a 4 MB file),
// which was a third of a 100-run site's downloads' time. A worker writes them
// on another core while Astro renders the pages (3-4 s for 100 runs, on the
// build's one thread after them before); it is handed each run's columns as
// the build has read them. Once the pages are done the build's thread takes
// runs the worker has not started on too (a 1,000-run site's downloads were
// half a minute more on one core after them); what neither wrote is written
// at the end of the build, as without the worker.
import { closeSync, mkdirSync, openSync, writevSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { AstroIntegration } from 'astro';
import { metricsReadSoFar, readMetricsShared, type Run, type RunMetrics } from '../runs';
import { onClientBuildStart } from './client-build';
import { basePath } from './href';
import { parquetFile, type ParquetColumn } from './parquet';
import { METRICS_DOWNLOAD } from './run-data';
import { allRuns } from './site-data';

/** A run's download: a row per step (strictly increasing), step and time, then each metric in first-logged order. */
export function metricsParquet(metrics: RunMetrics): Uint8Array[] {
  const rows = metrics.steps;
  const columns: ParquetColumn[] = [
    { name: 'step', type: 'int64', values: rows },
    { name: 'time', type: 'double', values: metrics.times }, // NaN, so null, where the source recorded none
  ];
  for (const [name, { steps, values }] of metrics.series) {
    columns.push({ name, type: 'double', values: steps.length === rows.length ? values : byRow(rows, steps, values) });
  }
  return parquetFile(rows.length, columns);
}

/** A metric's values at every row's step, NaN at the rows it was not logged at (its steps are a subset of the rows'). */
function byRow(rows: Float64Array, steps: Float64Array, values: Float64Array): Float64Array {
  const out = new Float64Array(rows.length).fill(NaN);
  for (let row = 0, i = 0; row < rows.length && i < steps.length; row++) if (rows[row] === steps[i]) out[row] = values[i++];
  return out;
}

/** Writes every run's metrics.parquet into the built site (runs/<id>/), and serves it in `astro dev`. */
export function metricsDownloads(): AstroIntegration {
  let outDir = '';
  let worker: DownloadsWorker | undefined;
  return {
    name: 'sweepbook-metrics-downloads',
    hooks: {
      'astro:config:done': ({ config }) => {
        outDir = fileURLToPath(config.outDir);
      },
      // After Astro emptied the output folder and bundled the pages' server code, before it renders them.
      'astro:config:setup': ({ command, updateConfig }) => {
        if (command !== 'build' || availableParallelism() < 2) return;
        const start = () => {
          let runs: Run[];
          try {
            runs = allRuns();
          } catch {
            return; // a broken run folder: the pages report it
          }
          worker = startDownloadsWorker(outDir, runs);
        };
        updateConfig({ vite: { plugins: [onClientBuildStart('sweepbook-metrics-downloads', start)] } });
      },
      'astro:build:done': async ({ dir }) => {
        const written = (await worker?.finish()) ?? new Set<string>();
        const out = fileURLToPath(dir);
        for (const run of allRuns()) {
          if (out === outDir && written.has(run.info.id)) continue;
          writeRunDownload(out, run.info.id, metricsParquet(readMetricsShared(run.dir)));
        }
      },
      'astro:server:setup': ({ server }) => {
        server.middlewares.use((request, response, next) => {
          const path = request.url?.split('?')[0] ?? '';
          const prefix = `${basePath()}runs/`;
          const [id, name] = path.startsWith(prefix) ? path.slice(prefix.length).split('/') : [];
          const run = name === METRICS_DOWNLOAD && allRuns().find((r) => r.info.id === id);
          if (!run) return next();
          response.setHeader('Content-Type', 'application/vnd.apache.parquet');
          response.end(Buffer.concat(metricsParquet(readMetricsShared(run.dir))));
        });
      },
    },
  };
}

function writeRunDownload(outDir: string, id: string, pieces: Uint8Array[]): void {
  const folder = join(outDir, 'runs', id);
  mkdirSync(folder, { recursive: true });
  writePieces(join(folder, METRICS_DOWNLOAD), pieces);
}

/** Writes the pieces one after another into the file, without joining them first. */
function writePieces(file: string, pieces: Uint8Array[]): void {
  const fd = openSync(file, 'w');
  try {
    let rest = pieces.filter((piece) => piece.length > 0);
    while (rest.length > 0) {
      // a write may stop short (a signal): go on from where it stopped
      let written = writevSync(fd, rest);
      while (written > 0 && written >= rest[0].length) written -= rest.shift()!.length;
      if (written > 0) rest[0] = rest[0].subarray(written);
    }
  } finally {
    closeSync(fd);
  }
}

/** A run the worker is to write: its id and the columns the build read (in shared memory: see readMetricColumns). */
export interface RunRead {
  id: string;
  metrics: RunMetrics;
}

interface DownloadsWorker {
  /** Hands over what the build has read since, waits for the worker to end; the ids of the runs whose downloads it wrote. */
  finish: () => Promise<Set<string>>;
}

/** How often runs the pages have read since are handed to the worker. */
const HAND_OVER_MS = 200;

/**
 * Starts the worker, handing it each run as soon as the build has read its
 * metrics (the content sync reads those its reports draw; the pages, the rest).
 */
function startDownloadsWorker(outDir: string, runs: Run[]): DownloadsWorker {
  const { port1, port2 } = new MessageChannel();
  const taken = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL('./metrics-downloads.worker.mjs', import.meta.url), { workerData: { outDir, port: port2, taken }, transferList: [port2] });
  // A failed worker leaves its runs to the end of the build; a failed build does not wait for it.
  worker.on('error', () => {});
  worker.unref();
  port1.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let waiting = runs;
  const handedOver: RunRead[] = [];
  const handOver = () => {
    waiting = waiting.filter(({ info, dir }) => {
      const read = metricsReadSoFar(dir);
      if (!read) return true;
      const run: RunRead = { id: info.id, metrics: read.metrics };
      handedOver.push(run);
      port1.postMessage(run);
      return false;
    });
  };
  handOver();
  const timer = setInterval(handOver, HAND_OVER_MS).unref();
  return {
    finish: async () => {
      clearInterval(timer);
      handOver();
      port1.postMessage('end');
      worker.ref();
      const written = new Set<string>();
      writeUntaken(outDir, handedOver, taken, (id) => written.add(id));
      await exited;
      for (let message; (message = receiveMessageOnPort(port1)); ) written.add(message.message as string);
      port1.close();
      return written;
    },
  };
}

/**
 * Writes the runs handed over (in order) that no thread has taken yet, each
 * taken first by bumping `taken` (shared by the worker and the build), so each
 * is written once; calls `written` with the id of each one written.
 */
export function writeUntaken(outDir: string, runs: RunRead[], taken: Int32Array, written: (id: string) => void): void {
  for (;;) {
    const next = Atomics.load(taken, 0);
    if (next >= runs.length) return;
    if (Atomics.compareExchange(taken, 0, next, next + 1) !== next) continue; // the other thread took it
    if (writeRunRead(outDir, runs[next])) written(runs[next].id);
  }
}

/** The worker's side, for one run: its download from the columns the build read. false if it failed, which leaves the run to the build. */
export function writeRunRead(outDir: string, { id, metrics }: RunRead): boolean {
  try {
    writeRunDownload(outDir, id, metricsParquet(metrics));
    return true;
  } catch {
    return false; // the build writes it, and says what is wrong
  }
}
