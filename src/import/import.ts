// `npm run import`: runs another program wrote (TensorBoard event files, CSV files,
// Hugging Face trainer state) become run folders of a sweep, through src/runs like
// trained ones. Every source is read before anything is written, so a damaged file
// leaves every run folder as it was.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  defaultColor,
  findImportedRun,
  findSweepFile,
  formatSweepFile,
  listRuns,
  loadSweep,
  makeRunsDir,
  SweepFileError,
  writeImportedRun,
  type ImportChange,
  type ParamValue,
  type RunSource,
} from '../runs';
import { writeFileAtomic } from '../runs/atomic';
import type { ImportedRun } from './imported-run';

export type ImportFormat = RunSource['format'];

/** `--param name=<regex>`: a param read off each run's path by the regex's named group. */
export interface PathParam {
  name: string;
  pattern: RegExp;
}

export interface ImportOptions {
  format: ImportFormat;
  /** The logdir, file or folder, as given. */
  root: string;
  sweep: string;
  runsDir: string;
  sweepsDir: string;
  pathParams: PathParam[];
  /** The param that holds each run's seed; `seed` if the runs have one. */
  seedFrom?: string;
  /**
   * The params the sweep varies, for a new sweep file: one (its values), or
   * several (the points the runs have, colored by the first); else the one
   * param whose values differ between runs.
   */
  vary?: string[];
}

/** What an import did, for the CLI to say. */
export interface ImportResult {
  sweepFile: string;
  sweepFileWritten: boolean;
  runs: { path: string; dir: string; change: ImportChange }[];
  /** Lines to print as warnings, each naming the run. */
  warnings: string[];
  /** What the files held that was not imported, summed over runs: { histogram: 40 }. */
  skipped: Record<string, number>;
}

/** A problem with the import's input (arguments, params, the sweep file): its message is all a user needs. */
export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
    this.stack = '';
  }
}

/** The run's params: what its files record, then --param's reading of its path, and `run`, its path. */
function runParams(run: ImportedRun, pathParams: PathParam[], warnings: string[]): Record<string, ParamValue> {
  const params: Record<string, ParamValue> = { ...run.params };
  for (const { name, pattern } of pathParams) {
    const groups = pattern.exec(run.path)?.groups;
    const text = groups?.[name] ?? (groups && Object.keys(groups).length === 1 ? Object.values(groups)[0] : undefined);
    if (text === undefined) warnings.push(`run ${run.path}: --param ${name}=${pattern.source} does not match its path: it has no ${name}`);
    else params[name] = paramValue(text);
  }
  params.run ??= run.path;
  return params;
}

/** A value read off a path: a number if it reads as one, true/false, else the text. */
export function paramValue(text: string): ParamValue {
  if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

/** The run's seed: an integer param named by --seed-from, or `seed`; 0 without one. */
function runSeed(path: string, params: Record<string, ParamValue>, seedFrom: string | undefined): number {
  const name = seedFrom ?? 'seed';
  const value = params[name];
  if (value === undefined) {
    if (seedFrom) throw new ImportError(`run ${path}: has no param "${seedFrom}" to take its seed from (--seed-from); its params: ${Object.keys(params).join(', ')}`);
    return 0;
  }
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new ImportError(`run ${path}: its ${name} ${JSON.stringify(value)} is not a whole number, so it cannot be a seed`);
  return value;
}

interface PreparedRun {
  run: ImportedRun;
  params: Record<string, ParamValue>;
  seed: number;
}

/**
 * The params that could be the varied one, and the choice: the one param whose values
 * differ between runs (the seed and `run` aside); of several, the one --param reads; with
 * none differing (one value, several seeds), the one --param reads; else `run`, each
 * run a value of its own.
 */
function variedParams(runs: PreparedRun[], seedParam: string, pathParams: PathParam[]): { vary: string; varied: string[] } {
  const names = [...new Set(runs.flatMap(({ params }) => Object.keys(params)))].filter((name) => name !== 'run' && name !== seedParam);
  const varied = names.filter((name) => new Set(runs.map(({ params }) => JSON.stringify(params[name] ?? null))).size > 1);
  const fromPaths = pathParams.map(({ name }) => name).filter((name) => name !== seedParam);
  const pick = (among: string[]) => (among.length === 1 ? among[0] : undefined);
  const vary = pick(varied) ?? pick(varied.filter((name) => fromPaths.includes(name))) ?? (varied.length === 0 ? pick(fromPaths) : undefined) ?? 'run';
  return { vary, varied };
}

/** Numbers ascending, then booleans, then strings, each in code-unit order. */
function compareValues(a: ParamValue, b: ParamValue): number {
  const rank = (v: ParamValue) => (typeof v === 'number' ? 0 : typeof v === 'boolean' ? 1 : 2);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The sweep file a first import writes: one value per distinct value of the
 * varied param, colored in order; of several params, one point per distinct
 * combination the runs have, in order, colored by the first param.
 */
function newSweepText(id: string, root: string, format: ImportFormat, vary: string[], runs: PreparedRun[]): string {
  const seeds = [...new Set(runs.map(({ seed }) => seed))].sort((a, b) => a - b);
  const common = { title: id, description: `Runs imported from ${root} (${format}).`, runs: 'imported' as const, seeds };
  if (vary.length > 1) {
    const held = runs.filter(({ params }) => vary.every((name) => params[name] !== undefined));
    const points = [...new Map(held.map(({ params }) => [JSON.stringify(vary.map((name) => params[name])), Object.fromEntries(vary.map((name) => [name, params[name]]))])).values()];
    points.sort((a, b) => vary.map((name) => compareValues(a[name], b[name])).find((order) => order !== 0) ?? 0);
    return (
      `# Written by \`npm run import\`: edit it as any sweep file (title, color_by, the order of points).\n` +
      `# runs: imported — each point's runs are the runs imported into this sweep whose ${vary.join(' and ')} have its values.\n` +
      formatSweepFile({ ...common, points })
    );
  }
  const [one] = vary;
  const values = [...new Map(runs.map(({ params }) => [JSON.stringify(params[one]), params[one]])).values()].filter((v) => v !== undefined).sort(compareValues);
  const text = formatSweepFile({
    ...common,
    vary: one,
    values: values.map((value, index) => ({ value, label: one === 'run' ? String(value) : `${one}=${value}`, color: defaultColor(index) })),
  });
  return (
    `# Written by \`npm run import\`: edit it as any sweep file (title, labels, colors, the order of values).\n` +
    (one === 'run'
      ? `# runs: imported — each value is a run's path under the folder imported (no param told the runs apart).\n`
      : `# runs: imported — each value's runs are the runs imported into this sweep whose ${one} has it.\n`) +
    text
  );
}

/** Writes the runs read (all of them, read before anything is written) as run folders of the sweep, and its sweep file if missing. */
export function importRuns(options: ImportOptions, runs: ImportedRun[]): ImportResult {
  const warnings: string[] = [];
  const seedParam = options.seedFrom ?? 'seed';
  const prepared = runs.map((run): PreparedRun => {
    const params = runParams(run, options.pathParams, warnings);
    return { run, params, seed: runSeed(run.path, params, options.seedFrom) };
  });
  if (prepared.length === 0) throw new ImportError(`${options.root}: ${NO_RUNS[options.format]}`);

  const { vary: chosen, varied } = variedParams(prepared, seedParam, options.pathParams);
  let sweepFile = findSweepFile(options.sweepsDir, options.sweep);
  let sweepFileWritten = false;
  if (!sweepFile) {
    const vary = options.vary ?? [chosen];
    if (!options.vary && chosen === 'run' && varied.length > 1) {
      warnings.push(
        `the runs differ in ${varied.length} params (${varied.slice(0, 5).join(', ')}${varied.length > 5 ? ', ...' : ''}): the new sweep file varies run, each run a value of its own; ` +
          `--vary <param> picks one, --vary <param>,<param> several`,
      );
    }
    for (const name of vary) {
      if (!prepared.some(({ params }) => params[name] !== undefined)) throw new ImportError(`--vary ${name}: no run has a param "${name}"; their params: ${[...new Set(prepared.flatMap(({ params }) => Object.keys(params)))].join(', ')}`);
    }
    sweepFile = join(options.sweepsDir, `${options.sweep}.yaml`);
    makeRunsDir(options.sweepsDir);
    writeFileAtomic(sweepFile, newSweepText(options.sweep, options.root, options.format, vary, prepared));
    sweepFileWritten = true;
  }
  const sweep = loadSweep(sweepFile);
  if (sweep.runs !== 'imported') {
    throw new SweepFileError(sweepFile, `sweep "${sweep.id}" is trained by sweepbook (it has no runs: imported): import into another --sweep, or add runs: imported to it`);
  }
  if (options.vary && options.vary.join(',') !== sweep.varied.join(',')) {
    warnings.push(`${sweepFile} varies ${sweep.varied.join(', ')}, not ${options.vary.join(', ')} (--vary only chooses for a new sweep file)`);
  }
  else if (!sweepFileWritten && sweep.vary === 'run' && chosen !== 'run') {
    // Typically a first import without --param, then one with it: the sweep file was written for the first.
    warnings.push(`the runs differ in ${chosen}, but ${sweepFile} varies run (each run a value of its own): set vary: ${chosen} and its values there, or delete the file to have it written again`);
  }

  // One run is drawn per (point, seed): runs that share one (a logdir's train/ and validation/) would hide all but the newest.
  const pointOf = (params: Record<string, ParamValue>) => sweep.varied.map((name) => `${name} ${JSON.stringify(params[name] ?? null)}`).join(', ');
  const byUnit = new Map<string, string[]>();
  for (const { run, params, seed } of prepared) {
    const key = JSON.stringify([pointOf(params), seed]);
    byUnit.set(key, [...(byUnit.get(key) ?? []), run.path]);
  }
  for (const [key, paths] of byUnit) {
    if (paths.length < 2) continue;
    const [point, seed] = JSON.parse(key) as [string, number];
    warnings.push(
      `runs ${paths.join(', ')} have the same ${point} and seed ${seed}: only one is drawn; ` +
        `give each a value or seed of its own (--param, --seed-from), or import them into sweeps of their own`,
    );
  }

  makeRunsDir(options.runsDir);
  const existing = listRuns(options.runsDir);
  const written = prepared.map(({ run, params, seed }) => {
    const entry = sweep.values.find((point) => sweep.varied.every((name) => point.params[name] === params[name]));
    if (!entry) warnings.push(`run ${run.path}: its ${pointOf(params)} is not among ${sweepFile}'s ${sweep.search === 'values' ? 'values' : 'points'}: listed on the sweep page, not drawn`);
    else if (!sweep.seeds.includes(seed)) warnings.push(`run ${run.path}: its seed ${seed} is not among ${sweepFile}'s seeds: listed on the sweep page, not drawn`);
    const source: RunSource = { format: options.format, root: options.root, run: run.path, files: run.files, skipped: run.skipped };
    const { dir, change } = writeImportedRun(options.runsDir, findImportedRun(existing, sweep.id, options.format, run.path), {
      sweep: sweep.id,
      params,
      label: entry?.label ?? run.path,
      color: entry?.color ?? 'gray',
      seed,
      source,
      series: run.scalars,
      generations: run.texts.map(({ step, time, tag, text }) => ({ step, time, tag, text })),
      timeless: timelessDate(options.root, run),
    });
    for (const warning of run.warnings) warnings.push(`run ${run.path}: ${warning}`);
    return { path: run.path, dir, change };
  });
  const skipped: Record<string, number> = {};
  for (const { run } of prepared) for (const [kind, n] of Object.entries(run.skipped)) skipped[kind] = (skipped[kind] ?? 0) + n;
  return { sweepFile, sweepFileWritten, runs: written, warnings, skipped };
}

const NO_RUNS: Record<ImportFormat, string> = {
  tensorboard: 'no event files (events.out.tfevents.*) in it or below it',
  csv: 'no CSV files in it or below it',
  hf: 'no trainer_state.json in it or below it',
};

/** For a source without times: its newest file's modification time, the nearest thing it has to when the run ended. */
function timelessDate(root: string, run: ImportedRun): string {
  const base = existsSync(root) && statSync(root).isFile() ? resolve(root, '..') : root;
  let newest = 0;
  for (const { path } of run.files) newest = Math.max(newest, statSync(join(base, path)).mtimeMs);
  return new Date(Math.floor(newest / 1000) * 1000).toISOString();
}

