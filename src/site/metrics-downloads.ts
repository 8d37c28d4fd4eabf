// A run's metrics as its download holds them: metrics.csv.gz, one row per
// logged step, one column per metric, empty where a step did not log it or
// logged a non-finite value, gzipped. A build writes millions of rows: made
// from the lines' own bytes where they are as the writer writes them (no
// number formatted again: half the time), else from the columns.
//
// One compressed download a run, not the metrics.csv and metrics.json it was:
// those were 2.3 + 3.7 MB a run of 20,000 steps, 95% of a site, so GitHub
// Pages' 1 GB held ~150 such runs. The CSV is the smaller of the two both
// plain and gzipped (the JSON repeats every key on every line: 1.05 MB
// gzipped against 0.91), gzip is what every browser saves and every tool
// opens (pandas.read_csv, R's read.csv, zcat), and the JSON's content is the
// run folder's metrics.jsonl itself. Level 5 with Z_FILTERED in an 8 KB
// window: the CSV's random digits leave deflate few matches worth having, all
// near (a row's time against the rows just before), and filtered matching
// takes fewer of them; the 32 KB window's longer hash chains were a third of
// the time and found nothing better. On the bench's CSV 0.93 MB a run against
// 0.95 (level 4, 32 KB) and 0.98 (default), at 0.9x level 4's time; on the
// committed runs' 1% smaller than level 4. Level 1 is 2x faster but 10%
// bigger, 90 MB a thousand runs (docs/performance.md).
//
// Written into the site during a build, not as Astro endpoints:
// Astro takes an endpoint's bytes through a Response (~10 ms a 4 MB file),
// which was a third of a 100-run site's downloads' time. A worker writes them
// on another core while Astro renders the pages (3-4 s for 100 runs, on the
// build's one thread after them before); it is handed what the build has read
// of each run's metrics file (its metric names and line count) and writes only
// while the file is as it was then. Once the pages are done the build's thread
// takes runs the worker has not started on too (a 1,000-run site's downloads
// were half a minute more on one core after them); what neither wrote is
// written at the end of the build, as without the worker.
import { closeSync, mkdirSync, openSync, writevSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { constants, gzipSync } from 'node:zlib';
import type { AstroIntegration } from 'astro';
import { metricsReadSoFar, readMetricsLines, readMetricsLinesAt, type MetricsLines, type Run, type RunMetrics } from '../runs';
import { toCsv } from './csv';
import { onClientBuildStart } from './client-build';
import { basePath } from './href';
import { allRuns } from './site-data';

/** How the download is gzipped (see above). */
export const GZIP_OPTIONS = { level: 5, strategy: constants.Z_FILTERED, windowBits: 13, memLevel: 9 };

/**
 * The downloads of each run page: file name, content type, and how its bytes
 * are made from the metrics file's lines (pieces written one after another).
 */
const DOWNLOADS = [{ name: 'metrics.csv.gz', type: 'application/gzip', pieces: (lines: MetricsLines) => [gzipCsv(metricsCsv(lines))] }];

function gzipCsv(csv: Uint8Array): Uint8Array {
  return gzipSync(csv, GZIP_OPTIONS);
}

/** Writes every run's metrics.csv.gz into the built site (runs/<id>/), and serves it in `astro dev`. */
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
          writeRunDownloads(out, run.info.id, downloadsOf(readMetricsLines(run.dir)));
        }
      },
      'astro:server:setup': ({ server }) => {
        server.middlewares.use((request, response, next) => {
          const path = request.url?.split('?')[0] ?? '';
          const prefix = `${basePath()}runs/`;
          const [id, name] = path.startsWith(prefix) ? path.slice(prefix.length).split('/') : [];
          const download = DOWNLOADS.find((d) => d.name === name);
          const run = download && allRuns().find((r) => r.info.id === id);
          if (!download || !run) return next();
          response.setHeader('Content-Type', download.type);
          response.end(Buffer.concat(download.pieces(readMetricsLines(run.dir))));
        });
      },
    },
  };
}

/** A run's downloads, in DOWNLOADS' order, each as the pieces of its bytes. */
function downloadsOf(lines: MetricsLines): Uint8Array[][] {
  return DOWNLOADS.map(({ pieces }) => pieces(lines));
}

function writeRunDownloads(outDir: string, id: string, files: Uint8Array[][]): void {
  const folder = join(outDir, 'runs', id);
  mkdirSync(folder, { recursive: true });
  DOWNLOADS.forEach(({ name }, i) => writePieces(join(folder, name), files[i]));
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

/** A run the worker is to write: its folder and what the build read of its metrics file. */
export interface RunRead {
  id: string;
  dir: string;
  read: { stamp: string; names: string[]; lines: number };
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
      const run: RunRead = { id: info.id, dir, read: { stamp: read.stamp, names: [...read.metrics.series.keys()], lines: read.metrics.steps.length } };
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

/**
 * The worker's side, for one run: its downloads, from the lines the build
 * read (their count and metric names) while the file is as it was then.
 * false for a run it cannot write (a changed file, lines written otherwise,
 * an error), which is left to the build.
 */
export function writeRunRead(outDir: string, { id, dir, read }: RunRead): boolean {
  try {
    const files = downloadsOfLinesRead(dir, read);
    if (!files) return false;
    writeRunDownloads(outDir, id, files);
    return true;
  } catch {
    return false; // the build writes it, and says what is wrong
  }
}

/** The downloads from the lines the build read, if the file is as it was then and its lines are as the writer writes them. */
function downloadsOfLinesRead(dir: string, read: RunRead['read']): Uint8Array[][] | null {
  const lines = readMetricsLinesAt(dir, read.stamp, read.lines);
  const csv = lines && csvFromLines(lines.bytes, lines.ends, read.names);
  return lines && csv ? [[gzipCsv(csv)]] : null;
}

export function metricsCsv({ bytes, ends, metrics }: MetricsLines): Uint8Array<ArrayBuffer> {
  return csvFromLines(bytes, ends, [...metrics.series.keys()]) ?? new TextEncoder().encode(csvFromColumns(metrics));
}

function header(metricNames: Iterable<string>): string {
  return toCsv([['step', 'time', ...metricNames]]);
}

/**
 * The CSV from lines written by JSON.stringify (keys in the columns' order,
 * no spaces; a line may leave metrics out): each value's text copied as is
 * (JSON and String() write a number alike), keys dropped. null if a line is
 * written otherwise.
 */
function csvFromLines(bytes: Buffer, ends: Int32Array, metricNames: string[]): Uint8Array<ArrayBuffer> | null {
  const names = ['step', 'time', ...metricNames];
  const keys = names.map((name, i) => Buffer.from(`${i === 0 ? '{' : ','}${JSON.stringify(name)}:`));
  const head = Buffer.from(header(metricNames));
  // A row is no longer than its line (keys go, \r\n replaces }\n) but for the commas of metrics the line left out.
  const out = new Uint8Array(head.length + bytes.length + ends.length * (names.length + 2));
  out.set(head);
  let at = head.length;
  // Byte loops, not Buffer.compare and copy: a native call per value cost more than the bytes it moved.
  for (let line = 0, start = 0; line < ends.length; start = ends[line++] + 1) {
    const end = ends[line];
    let p = start;
    for (let k = 0; k < keys.length; k++) {
      if (k > 0) out[at++] = COMMA;
      const key = keys[k];
      let matched = 0;
      if (p + key.length <= end) while (matched < key.length && bytes[p + matched] === key[matched]) matched++;
      if (matched < key.length) {
        if (k < 2) return null; // step and time lead every line
        continue; // not logged at this step: an empty cell
      }
      p += key.length;
      // The value's text up to , or }, copied as it is checked: digits, sign, point and exponent only (a JSON number as JSON.stringify writes it).
      const valueStart = p;
      for (let c = bytes[p]; p < end && c !== COMMA && c !== CLOSE; c = bytes[++p]) {
        if (!((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e || c === 0x65 || c === 0x2b)) break;
        out[at++] = c;
      }
      if (p < end && bytes[p] !== COMMA && bytes[p] !== CLOSE) {
        // not a number: null (a non-finite value, an empty cell) or a line written otherwise
        at -= p - valueStart;
        if (!isNullAt(bytes, valueStart, end)) return null;
        p = valueStart + 4;
        continue;
      }
      if (p === valueStart) return null;
    }
    if (p + 1 !== end || bytes[p] !== CLOSE) return null; // the line must end right after its last value
    out[at++] = 0x0d;
    out[at++] = 0x0a;
  }
  return out.subarray(0, at);
}

const COMMA = 0x2c;
const CLOSE = 0x7d; // }

/** `null` at `at`, followed by , or } before `end`. */
function isNullAt(bytes: Buffer, at: number, end: number): boolean {
  return at + 4 < end && bytes[at] === 0x6e && bytes[at + 1] === 0x75 && bytes[at + 2] === 0x6c && bytes[at + 3] === 0x6c && (bytes[at + 4] === COMMA || bytes[at + 4] === CLOSE);
}

/** The CSV from the columns, for lines written some other way. */
function csvFromColumns(metrics: RunMetrics): string {
  const columns = [...metrics.series.values()];
  const at = new Int32Array(columns.length); // each column's next unwritten value
  const chunks = [header(metrics.series.keys())];
  let rows: string[] = [];
  for (let row = 0; row < metrics.steps.length; row++) {
    const step = metrics.steps[row];
    const time = metrics.times[row];
    let line = Number.isNaN(time) ? `${step},` : `${step},${time}`; // an imported run's source may record no times
    for (let column = 0; column < columns.length; column++) {
      const { steps, values } = columns[column];
      const value = steps[at[column]] === step ? values[at[column]++] : NaN;
      line += Number.isNaN(value) ? ',' : `,${value}`;
    }
    rows.push(`${line}\r\n`);
    // Joined as we go: 20k rows held to the end (each a tree of small strings)
    // would outlive young-generation collections, which copy what survives.
    if (rows.length === 1000) {
      chunks.push(rows.join(''));
      rows = [];
    }
  }
  chunks.push(rows.join(''));
  return chunks.join('');
}
