// Reads the metrics CSVs researchers export (PyTorch Lightning's CSVLogger,
// Stable-Baselines3's progress.csv, a W&B run's history, W&B chart exports) into
// runs: a file or every *.csv under a folder. Which column is what is
// csv-columns.ts's; this module finds the files and puts the runs they give
// together, since W&B chart exports give each run in several files.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import { readCsvColumns, type CsvRunPart } from './csv-columns';
import { parseCsv } from './csv-table';
import { CsvFileError } from './errors';
import { readHparams } from './hparams-yaml';
import type { ImportedRun, ImportedSeries, SourceFile } from './imported-run';

export { STEP_COLUMNS, TIME_COLUMNS } from './csv-columns';

export interface ReadCsvOptions {
  /** The step column of every file (the import's --step), instead of the first of STEP_COLUMNS a file has. */
  step?: string;
}

/** Files whose run is their folder, as a Lightning version_N or an SB3 log folder is: other files' runs are the file, less `.csv`. */
const FOLDER_RUN_FILES = new Set(['metrics.csv', 'progress.csv']);
const CSV = /\.csv$/i;

/** A run being put together from the files that give it, and which file gave each metric. */
interface Merging {
  run: ImportedRun;
  metricFiles: Map<string, string>;
}

/**
 * The runs of `root`, a CSV file or a folder of them (every *.csv below it, in path
 * order, hidden folders and node_modules left out), sorted by path. Runs of one path
 * from several files are one run. A file that cannot be read throws a CsvFileError
 * naming it, the line and the column.
 */
export function readCsvRuns(root: string, options: ReadCsvOptions = {}): ImportedRun[] {
  let rootIsFile: boolean;
  try {
    rootIsFile = statSync(root).isFile();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new CsvFileError(root, undefined, undefined, 'no such file or folder');
  }
  const base = rootIsFile ? dirname(root) : root;
  const names = rootIsFile ? [basename(root)] : csvFilesUnder(root);
  const runs = new Map<string, Merging>();

  for (const name of names) {
    const file = join(base, name);
    const bytes = readFileSync(file);
    const source = sourceFile(name, bytes);
    const table = parseCsv(bytes.toString('utf8'), file);
    const parts = readCsvColumns(table, { file, name, runPath: runPathOf(name) }, options.step);
    const read = parts.map((part) => add(runs, part, source));
    if (basename(name) === 'metrics.csv') addHparams(read, base, posix.join(posix.dirname(name), 'hparams.yaml'));
  }
  return [...runs.values()].map(({ run }) => run).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Every *.csv under `root` as a '/'-separated path relative to it, sorted by code unit. Symbolic links are not followed. */
function csvFilesUnder(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      // Hidden: .git, .ipynb_checkpoints, and macOS's ._metrics.csv, which are not CSV.
      if (entry.name.startsWith('.')) continue;
      const name = prefix + entry.name;
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(join(dir, entry.name), `${name}/`);
      else if (entry.isFile() && CSV.test(entry.name)) found.push(name);
    }
  };
  walk(root, '');
  return found.sort();
}

function runPathOf(name: string): string {
  if (FOLDER_RUN_FILES.has(basename(name))) return posix.dirname(name);
  return name.replace(CSV, '');
}

function sourceFile(path: string, bytes: Buffer): SourceFile {
  return { path, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** The run of `part`'s path with `part` added to it. */
function add(runs: Map<string, Merging>, part: CsvRunPart, source: SourceFile): ImportedRun {
  let merging = runs.get(part.path);
  if (!merging) {
    const run: ImportedRun = { path: part.path, scalars: new Map(), texts: [], params: {}, files: [], skipped: {}, warnings: [] };
    runs.set(part.path, (merging = { run, metricFiles: new Map() }));
  }
  const { run, metricFiles } = merging;
  run.files.push(source);
  for (const [metric, series] of part.series) {
    const earlier = run.scalars.get(metric);
    if (earlier === undefined) run.scalars.set(metric, series);
    else {
      const { merged, overlap } = mergeSeries(earlier, series);
      run.scalars.set(metric, merged);
      if (overlap > 0) {
        run.warnings.push(
          `${source.path}: ${metric}: ${overlap} step${overlap === 1 ? '' : 's'} that ${metricFiles.get(metric)} also gives: kept the values of ${source.path}, the later file`,
        );
      }
    }
    metricFiles.set(metric, source.path);
  }
  for (const [kind, count] of Object.entries(part.skipped)) run.skipped[kind] = (run.skipped[kind] ?? 0) + count;
  run.warnings.push(...part.warnings);
  return run;
}

/** Lightning's hparams.yaml beside a metrics.csv, if there is one, as the params of that file's runs (its one run). */
function addHparams(runs: ImportedRun[], base: string, name: string): void {
  const file = join(base, name);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const { params, skipped } = readHparams(bytes.toString('utf8'), file);
  for (const run of runs) {
    run.files.push(sourceFile(name, bytes));
    Object.assign(run.params, params);
    if (skipped > 0) run.skipped['hparams.yaml value'] = (run.skipped['hparams.yaml value'] ?? 0) + skipped;
  }
}

/** Both series' points in step order; at a step both have, the later series' point. */
function mergeSeries(earlier: ImportedSeries, later: ImportedSeries): { merged: ImportedSeries; overlap: number } {
  const merged: ImportedSeries = { steps: [], values: [], times: [] };
  const take = (series: ImportedSeries, i: number) => {
    merged.steps.push(series.steps[i]);
    merged.values.push(series.values[i]);
    merged.times.push(series.times[i]);
  };
  let overlap = 0;
  let i = 0;
  let j = 0;
  while (i < earlier.steps.length || j < later.steps.length) {
    const a = i < earlier.steps.length ? earlier.steps[i] : Infinity;
    const b = j < later.steps.length ? later.steps[j] : Infinity;
    if (a < b) take(earlier, i++);
    else {
      if (a === b) {
        overlap++;
        i++;
      }
      take(later, j++);
    }
  }
  return { merged, overlap };
}
