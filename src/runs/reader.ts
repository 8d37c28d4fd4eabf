import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isAscii } from 'node:buffer';
import type { z } from 'zod';
import { firstIssue, RunFormatError } from './errors';
import { peekPrefetched, stampOf, takePrefetched } from './metrics-prefetch';
import type { MetricSeries, RunMetrics, Warn } from './metrics-types';
import {
  FORMAT_VERSION,
  GENERATIONS_FILE,
  GenerationLine,
  METRICS_FILE,
  MetricsLine,
  RUN_FILE,
  RunInfo,
} from './schema';

export type { MetricSeries, RunMetrics, Warn } from './metrics-types';

/** A run folder and its run.json. */
export interface Run {
  dir: string;
  info: RunInfo;
}

// A build reads the runs folder for many pages, from two copies of this module
// (Astro's config and its page bundle): each warning is printed once a process.
const warned: Set<string> = ((globalThis as { sweepbookWarned?: Set<string> }).sweepbookWarned ??= new Set());
/** Prints `warning: <message>` on stderr, once per process however often it is said. */
export const warnOnce: Warn = (message) => {
  if (!warned.has(message)) console.warn(`warning: ${message}`);
  warned.add(message);
};

/** What a run id may hold: URL path characters that need no escape (RFC 3986's unreserved), as every id sweepbook makes does. */
const RUN_ID = /^[A-Za-z0-9._~-]+$/;

/** Reads and validates a run folder's run.json. */
export function readRunInfo(runDir: string): RunInfo {
  const file = join(runDir, RUN_FILE);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new RunFormatError(file, `not valid JSON (${(error as Error).message})`);
  }
  const format = (json as { format?: unknown } | null)?.format;
  if (format !== FORMAT_VERSION) {
    throw new RunFormatError(
      file,
      `unknown format version ${JSON.stringify(format)}: this sweepbook reads version ${FORMAT_VERSION}`,
      undefined,
      'format',
    );
  }
  const info = parseWith(RunInfo, json, file);
  // The id names the run's pages: a copied folder or a path would clash or escape.
  const folder = basename(runDir);
  if (info.id !== folder) {
    throw new RunFormatError(file, `${JSON.stringify(info.id)} is not the run's folder name "${folder}"`, undefined, 'id');
  }
  // The id names the run's pages and is a segment of their links: %2e%2e, \, ? or # there would be read as something else.
  if (!RUN_ID.test(info.id)) {
    throw new RunFormatError(file, `${JSON.stringify(info.id)} is not a run id: it names the run's pages and links, so it holds only letters, digits and . _ ~ -`, undefined, 'id');
  }
  return info;
}

/**
 * Every run folder (a folder with a run.json) in runsDir, sorted by id; none
 * if the folder is missing. Hidden folders (trainers' claims) are not runs. A
 * folder with a run's files but no run.json is skipped with a warning rather
 * than silently.
 */
export function listRuns(runsDir: string, warn: Warn = warnOnce): Run[] {
  if (!snapshot.on) return readRuns(runsDir, warn);
  let runs = snapshot.runs.get(runsDir);
  if (!runs) snapshot.runs.set(runsDir, (runs = readRuns(runsDir, warn)));
  return runs;
}

function readRuns(runsDir: string, warn: Warn): Run[] {
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir)
    .filter((name) => !name.startsWith('.'))
    .sort()
    .map((name) => join(runsDir, name))
    .filter((dir) => statSync(dir).isDirectory() && isRunFolder(dir, warn))
    .map((dir) => ({ dir, info: readRunInfo(dir) }));
}

function isRunFolder(dir: string, warn: Warn): boolean {
  if (existsSync(join(dir, RUN_FILE))) return true;
  // Empty files without run.json are a run being created this moment (its metrics file opens first): not worth a warning.
  const orphans = [METRICS_FILE, GENERATIONS_FILE].filter((name) => existsSync(join(dir, name)) && statSync(join(dir, name)).size > 0);
  if (orphans.length > 0) warn(`${dir}: has ${orphans.join(' and ')} but no ${RUN_FILE}, so it is not listed as a run`);
  return false;
}

/** The runs of one sweep, sorted by id (so by start time). */
export function runsOfSweep(runsDir: string, sweepId: string): Run[] {
  return listRuns(runsDir).filter((run) => run.info.sweep === sweepId);
}

/** Runs grouped by sweep id. */
export function runsBySweep(runsDir: string): Map<string, Run[]> {
  const groups = new Map<string, Run[]>();
  for (const run of listRuns(runsDir)) {
    const group = groups.get(run.info.sweep) ?? [];
    group.push(run);
    groups.set(run.info.sweep, group);
  }
  return groups;
}

/**
 * A run's metrics. Steps must strictly increase: a repeated or backwards step
 * is corruption (two writers at once), not data to draw.
 */
export function readMetrics(runDir: string, warn: Warn = warnOnce): MetricsLine[] {
  const file = join(runDir, METRICS_FILE);
  const lines = readJsonLines(file, MetricsLine, warn, isMetricsLine);
  // Line i + 1 is row i: only a truncated last line is ever skipped.
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].step <= lines[i - 1].step) {
      throw stepsMustIncrease(file, lines[i].step, lines[i - 1].step, i + 1);
    }
  }
  return lines;
}

function stepsMustIncrease(file: string, step: number, previous: number, line: number): RunFormatError {
  return new RunFormatError(file, `step ${step} comes after step ${previous}: steps must increase`, line, 'step');
}

/**
 * What MetricsLine accepts, checked by hand: zod takes ~1 µs a line, and a
 * site build reads millions. Lines it rejects go through zod, for the message.
 */
function isMetricsLine(json: unknown): json is MetricsLine {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  const line = json as Record<string, unknown>;
  if (!Number.isSafeInteger(line.step) || (line.step as number) < 0 || (typeof line.time !== 'number' && line.time !== null)) return false;
  for (const key in line) {
    const value = line[key];
    // JSON.parse reads 1e400 as Infinity: zod names such a value (the format writes null for it)
    if (value !== null && !(typeof value === 'number' && Number.isFinite(value))) return false;
  }
  return true;
}

/** readMetrics as columns: the same lines accepted, the same errors and warnings. */
export function readMetricColumns(runDir: string, warn: Warn = warnOnce, chunkBytes?: number): RunMetrics {
  const file = join(runDir, METRICS_FILE);
  const steps = new Column();
  const times = new Column();
  const columns = new Map<string, { steps: Column; values: Column }>();
  forEachJsonLine(file, MetricsLine, warn, isMetricsLine, (line, lineNo) => {
    const previous = steps.last();
    if (line.step <= previous) throw stepsMustIncrease(file, line.step, previous, lineNo);
    steps.push(line.step);
    times.push(line.time ?? NaN);
    for (const name in line) {
      if (name === 'step' || name === 'time') continue;
      let column = columns.get(name);
      if (!column) columns.set(name, (column = { steps: new Column(), values: new Column() }));
      column.steps.push(line.step);
      column.values.push(line[name] ?? NaN);
    }
  }, chunkBytes);
  const all = steps.toArray();
  const series = new Map<string, MetricSeries>();
  for (const [name, column] of columns) {
    // A metric logged on every line (the usual case) shares the run's steps.
    series.set(name, { steps: column.steps.length === all.length ? all : column.steps.toArray(), values: column.values.toArray() });
  }
  return { steps: all, times: times.toArray(), series };
}

/**
 * Numbers appended one at a time into a typed array that doubles when full:
 * a build reads millions, which as plain arrays took twice as long.
 */
class Column {
  private values = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(2 * this.length);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }

  /** The last number pushed; -Infinity before the first, which any number follows. */
  last(): number {
    return this.length > 0 ? this.values[this.length - 1] : -Infinity;
  }

  /** The numbers in shared memory: a build hands a run's columns to its workers, and a copy of them took 3 ms a run. */
  toArray(): Float64Array {
    const shared = new Float64Array(new SharedArrayBuffer(this.length * Float64Array.BYTES_PER_ELEMENT));
    shared.set(this.values.subarray(0, this.length));
    return shared;
  }
}

/**
 * readMetricColumns for a site build, memoized by the file's path, size and
 * modification time. A build asks for a run's metrics for several pages, from
 * two copies of this module (Astro's config and its page bundle), so the memo
 * lives on globalThis. Callers must not change the arrays.
 */
export function readMetricsShared(runDir: string): RunMetrics {
  const file = join(runDir, METRICS_FILE);
  const known = sharedMetrics.get(file);
  // A build keeps what it read first, however the file changed since (see snapshotRuns).
  if (known && snapshot.on) return known.metrics;
  const stamp = stampOf(file);
  if (known?.stamp === stamp) return known.metrics;
  // During a build a worker may have read it already (see metrics-prefetch.ts).
  const prefetched = takePrefetched(file);
  if (prefetched && (prefetched.stamp === stamp || snapshot.on)) {
    for (const warning of prefetched.warnings) warnOnce(warning);
    sharedMetrics.set(file, { stamp: prefetched.stamp, metrics: prefetched.metrics });
    return prefetched.metrics;
  }
  const metrics = readMetricColumns(runDir);
  sharedMetrics.set(file, { stamp, metrics });
  return metrics;
}

/** The columns of a run read so far (by readMetricsShared, or by the prefetch worker for it) and the stamp of the file they were read from. */
export function metricsReadSoFar(runDir: string): { stamp: string; metrics: RunMetrics } | undefined {
  const file = join(runDir, METRICS_FILE);
  return sharedMetrics.get(file) ?? peekPrefetched(file);
}

type SharedMetrics = Map<string, { stamp: string; metrics: RunMetrics }>;
// v2: the memo holds columns (a v1 memo, of lines, may live in the same process from an older module copy).
const sharedMetrics: SharedMetrics = ((globalThis as { sweepbookMetricsV2?: SharedMetrics }).sweepbookMetricsV2 ??= new Map());

export function readGenerations(runDir: string, warn: Warn = warnOnce): GenerationLine[] {
  if (!snapshot.on) return readJsonLines(join(runDir, GENERATIONS_FILE), GenerationLine, warn);
  let lines = snapshot.generations.get(runDir);
  if (!lines) snapshot.generations.set(runDir, (lines = readJsonLines(join(runDir, GENERATIONS_FILE), GenerationLine, warn)));
  return lines;
}

/**
 * From now on this process reads each run once: the runs folder's listing,
 * each run.json, metrics.jsonl and generations.jsonl are kept as first read,
 * however a trainer changes them. For `astro build`: a build while training
 * showed a run at step 900 in its report, 1300 on its page and 1522 in its
 * download. (`npm run dev` follows the runs instead.) On globalThis, as the
 * build has two copies of this module (Astro's config and its page bundle).
 */
export function snapshotRuns(): void {
  snapshot.on = true;
}

/** Whether this process is a build that keeps what it read first (snapshotRuns): what pages work out from the runs and sweep files may be kept too. */
export function runsSnapshotted(): boolean {
  return snapshot.on;
}

interface Snapshot {
  on: boolean;
  runs: Map<string, Run[]>;
  generations: Map<string, GenerationLine[]>;
}
const snapshot: Snapshot = ((globalThis as { sweepbookSnapshot?: Snapshot }).sweepbookSnapshot ??= { on: false, runs: new Map(), generations: new Map() });

/**
 * Parses a JSON-lines file. A last line without its newline that does not
 * parse is what a crash mid-write leaves: it is skipped with a warning. Any
 * other bad line is an error naming the file, line and field. A missing file
 * reads as empty (a run that has not logged yet).
 */
export function readJsonLines<T>(
  file: string,
  schema: z.ZodType<T>,
  warn: Warn = warnOnce,
  /** A fast check of what schema accepts, if it has one: lines it passes skip zod. */
  isValid?: (json: unknown) => json is T,
): T[] {
  const rows: T[] = [];
  forEachJsonLine(file, schema, warn, isValid, (row) => rows.push(row));
  return rows;
}

/**
 * How much of a file is read at a time. A file is never one string: V8's
 * longest is 0x1fffffe8 characters, so a metrics.jsonl over 512 MiB (2.5M
 * steps) failed the build, and a string of a whole file is that much memory
 * more besides the columns.
 */
const READ_CHUNK_BYTES = 16 * 1024 * 1024;

/** readJsonLines, handing each row (and its line number) to `use` instead of keeping them; reads chunkBytes at a time. */
function forEachJsonLine<T>(
  file: string,
  schema: z.ZodType<T>,
  warn: Warn,
  isValid: ((json: unknown) => json is T) | undefined,
  use: (row: T, lineNo: number) => void,
  chunkBytes = READ_CHUNK_BYTES,
): void {
  if (!existsSync(file)) return;
  let lineNo = 1;
  const parse = (line: string, last: boolean): boolean => {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      if (last) {
        warn(`${file}:${lineNo}: skipped a truncated last line (a crash mid-write?)`);
        return false;
      }
      throw new RunFormatError(file, `not valid JSON (${(error as Error).message})`, lineNo);
    }
    use(isValid?.(json) ? json : parseWith(schema, json, file, lineNo), lineNo);
    lineNo++;
    return true;
  };
  const fd = openSync(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(chunkBytes);
    // The start of a line the chunks so far have not ended (copied: chunk is reused).
    let carry = Buffer.alloc(0);
    for (;;) {
      const read = readSync(fd, chunk, 0, chunkBytes, null);
      if (read === 0) break;
      const bytes = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, read)]) : chunk.subarray(0, read);
      // Cut at the last newline: in UTF-8 no character but a newline holds the byte 0x0a, so both parts decode whole.
      const end = bytes.lastIndexOf(0x0a);
      if (end >= 0) {
        const text = decode(bytes.subarray(0, end));
        // Lines found one at a time, not by split: an array of them all is garbage at once.
        for (let start = 0; start <= text.length; ) {
          const newline = text.indexOf('\n', start);
          const stop = newline < 0 ? text.length : newline;
          parse(text.slice(start, stop), false);
          start = stop + 1;
        }
      }
      carry = Buffer.from(bytes.subarray(end + 1));
    }
    // What follows the last newline: a last line without its, which may be what a crash mid-write left.
    if (carry.length > 0) parse(decode(carry), true);
  } finally {
    closeSync(fd);
  }
}

/**
 * A file's bytes as text. Run files are almost always ASCII (JSON numbers and
 * ASCII metric names), which decodes several times faster as Latin-1, the same
 * text for ASCII; anything else is decoded as UTF-8.
 */
function decode(bytes: Buffer): string {
  return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
}

function parseWith<T>(schema: z.ZodType<T>, json: unknown, file: string, line?: number): T {
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const { field, message } = firstIssue(result.error);
  throw new RunFormatError(file, message, line, field);
}
