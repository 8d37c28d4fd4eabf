// Run folders of runs another program trained (`npm run import`): the same files as
// a trained run's, written whole from what the import read. Writing is repeatable:
// the same source gives the same folder, byte for byte, and a source that grew only
// appends to metrics.jsonl.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { tempPath, writeFileAtomic } from './atomic';
import { writing } from './errors';
import { makeRunsDir, slugOf, timestamp } from './ids';
import { lockRun } from './lock';
import type { Run } from './reader';
import { FORMAT_VERSION, GENERATIONS_FILE, METRICS_FILE, RUN_FILE, type GenerationLine, type ParamValue, type RunInfo, type RunSource } from './schema';
import { packageVersion } from './version';

/** One metric's points in strictly increasing step; a time is seconds since the epoch, or null. */
export interface SeriesPoints {
  steps: number[];
  values: number[];
  times: (number | null)[];
}

export interface ImportedRunFiles {
  sweep: string;
  params: Record<string, ParamValue>;
  label: string;
  color: string;
  seed: number;
  source: RunSource;
  series: Map<string, SeriesPoints>;
  generations: (GenerationLine & { time: number | null })[];
  /** When the source records no times at all (a trainer_state.json): the run's created and finished time, ISO. */
  timeless: string;
}

export type ImportChange = 'new' | 'appended' | 'rewritten' | 'unchanged';

/** The run folder an import of `run` (source.run) into `sweep` wrote before, if any. */
export function findImportedRun(runs: Run[], sweep: string, format: RunSource['format'], run: string): Run | undefined {
  return runs.find(({ info }) => info.sweep === sweep && info.source?.format === format && info.source.run === run);
}

/** Metric names a line's own fields take: a tag named so is written with " (tag)" after it. */
const LINE_FIELDS = new Set(['step', 'time']);
export const metricName = (tag: string) => (LINE_FIELDS.has(tag) ? `${tag} (tag)` : tag);

/**
 * metrics.jsonl's text: a line per step at which any metric was logged, holding the
 * metrics logged at it and no others (never filled in), and the earliest of their
 * times. Metrics are written in the order of their first step, so every line lists
 * its keys in the order a reader first meets them.
 */
export function metricsText(series: Map<string, SeriesPoints>): string {
  const names = [...series.keys()].filter((name) => series.get(name)!.steps.length > 0);
  names.sort((a, b) => series.get(a)!.steps[0] - series.get(b)!.steps[0]);
  const columns = names.map((name) => series.get(name)!);
  const keys = names.map((name) => `,${JSON.stringify(metricName(name))}:`);
  if (sameSteps(columns)) return alignedMetricsText(columns, keys);
  const at = new Int32Array(columns.length);
  const chunks: string[] = [];
  let lines: string[] = [];
  for (;;) {
    let step = Infinity;
    for (let c = 0; c < columns.length; c++) if (at[c] < columns[c].steps.length && columns[c].steps[at[c]] < step) step = columns[c].steps[at[c]];
    if (step === Infinity) break;
    let time: number | null = null;
    let values = '';
    for (let c = 0; c < columns.length; c++) {
      const column = columns[c];
      if (at[c] >= column.steps.length || column.steps[at[c]] !== step) continue;
      const value = column.values[at[c]];
      const t = column.times[at[c]];
      if (t !== null && (time === null || t < time)) time = t;
      values += keys[c] + (Number.isFinite(value) ? String(value) : 'null');
      at[c]++;
    }
    lines.push(`{"step":${step},"time":${time === null ? 'null' : time}${values}}\n`);
    if (lines.length === 1000) {
      chunks.push(lines.join(''));
      lines = [];
    }
  }
  chunks.push(lines.join(''));
  return chunks.join('');
}

/** Whether every column was logged at the same steps (a writer that logs every tag each step, the usual case). */
function sameSteps(columns: SeriesPoints[]): boolean {
  if (columns.length === 0) return false;
  const [first, ...rest] = columns;
  for (const column of rest) {
    if (column.steps.length !== first.steps.length) return false;
    for (let i = 0; i < first.steps.length; i++) if (column.steps[i] !== first.steps[i]) return false;
  }
  return true;
}

/** metricsText of columns that share their steps: a line per row, no merging (the same text, half the time). */
function alignedMetricsText(columns: SeriesPoints[], keys: string[]): string {
  const { steps } = columns[0];
  const chunks: string[] = [];
  let lines = '';
  for (let row = 0; row < steps.length; row++) {
    let time: number | null = null;
    let line = '';
    for (let c = 0; c < columns.length; c++) {
      const value = columns[c].values[row];
      const t = columns[c].times[row];
      if (t !== null && (time === null || t < time)) time = t;
      line += keys[c] + (Number.isFinite(value) ? String(value) : 'null');
    }
    lines += `{"step":${steps[row]},"time":${time === null ? 'null' : time}${line}}\n`;
    if (row % 1000 === 999) {
      chunks.push(lines);
      lines = '';
    }
  }
  chunks.push(lines);
  return chunks.join('');
}

function generationsText(generations: ImportedRunFiles['generations']): string {
  return generations.map(({ step, text, tag }) => JSON.stringify(tag === undefined ? { step, text } : { step, text, tag }) + '\n').join('');
}

/** The earliest and latest time the run's metrics and texts record, or null. */
function timeSpan(run: ImportedRunFiles): { first: number; last: number } | null {
  let first = Infinity;
  let last = -Infinity;
  const see = (t: number | null) => {
    if (t === null) return;
    if (t < first) first = t;
    if (t > last) last = t;
  };
  for (const { times } of run.series.values()) for (const t of times) see(t);
  for (const { time } of run.generations) see(time);
  return first <= last ? { first, last } : null;
}

function lastStep(run: ImportedRunFiles): number {
  let last = 0;
  for (const { steps } of run.series.values()) if (steps.length > 0) last = Math.max(last, steps[steps.length - 1]);
  for (const { step } of run.generations) last = Math.max(last, step);
  return last;
}

/**
 * Writes an imported run: into `existing`'s folder if the import wrote it before,
 * else a new folder, made whole under a hidden name and renamed into place so that
 * no reader sees half a run. Returns the folder and what changed.
 */
export function writeImportedRun(runsDir: string, existing: Run | undefined, run: ImportedRunFiles): { dir: string; change: ImportChange } {
  const span = timeSpan(run);
  const created = span ? new Date(span.first * 1000).toISOString() : run.timeless;
  const finished = span ? new Date(span.last * 1000).toISOString() : run.timeless;
  const steps = lastStep(run);
  const info = (id: string): RunInfo => ({
    format: FORMAT_VERSION,
    id,
    sweep: run.sweep,
    params: run.params,
    label: run.label,
    color: run.color,
    seed: run.seed,
    config: {},
    status: 'completed',
    created,
    updated: finished,
    finished,
    steps_done: steps,
    total_steps: steps,
    backend: null,
    version: packageVersion(),
    error: null,
    generations: { seen: run.generations.length, kept: run.generations.length, capacity: 0 },
    source: run.source,
  });
  const metrics = metricsText(run.series);
  const generations = generationsText(run.generations);
  if (existing) return { dir: existing.dir, change: updateRun(existing, info(existing.info.id), metrics, generations) };

  makeRunsDir(runsDir);
  const id = importedRunId(created, run.sweep, run.source.run, runsDir);
  const dir = join(runsDir, id);
  const tmp = tempPath(join(runsDir, `.${id}`));
  writing(dir, () => {
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp);
    try {
      writeFileSync(join(tmp, METRICS_FILE), metrics);
      writeFileSync(join(tmp, GENERATIONS_FILE), generations);
      writeFileSync(join(tmp, RUN_FILE), JSON.stringify(info(id), null, 2) + '\n');
      renameSync(tmp, dir);
    } catch (error) {
      rmSync(tmp, { recursive: true, force: true });
      throw error;
    }
  });
  return { dir, change: 'new' };
}

function updateRun(existing: Run, info: RunInfo, metrics: string, generations: string): ImportChange {
  const { dir } = existing;
  const lock = writing(dir, () => lockRun(dir));
  try {
    const metricsFile = join(dir, METRICS_FILE);
    const before = existsSync(metricsFile) ? readFileSync(metricsFile, 'utf8') : '';
    let change: ImportChange = 'unchanged';
    if (before !== metrics) {
      if (before.length < metrics.length && metrics.startsWith(before)) {
        writing(metricsFile, () => appendFileSync(metricsFile, metrics.slice(before.length)));
        change = 'appended';
      } else {
        writeFileAtomic(metricsFile, metrics);
        change = 'rewritten';
      }
    }
    const generationsFile = join(dir, GENERATIONS_FILE);
    if (!existsSync(generationsFile) || readFileSync(generationsFile, 'utf8') !== generations) {
      writeFileAtomic(generationsFile, generations);
      if (change === 'unchanged') change = 'appended';
    }
    if (!isDeepStrictEqual(existing.info, info)) {
      writeFileAtomic(join(dir, RUN_FILE), JSON.stringify(info, null, 2) + '\n');
      if (change === 'unchanged') change = 'appended';
    }
    return change;
  } finally {
    lock.release();
  }
}

/**
 * An imported run's id: its first time, then a slug drawn from its sweep and path, so
 * that importing the same runs into a fresh runs folder gives the same ids. Taken
 * ids (another run's) get -2, -3, ...
 */
function importedRunId(created: string, sweep: string, path: string, runsDir: string): string {
  const digest = createHash('sha256').update(`${sweep}\0${path}`).digest();
  const base = `${timestamp(new Date(created))}${slugOf(digest)}`;
  for (let n = 1; ; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    if (!existsSync(join(runsDir, id))) return id;
  }
}
