// What a command sweep's program (src/runner/command.ts) has written into its
// output folder so far, read by the importer its sweep file names, as one
// run's logs. Read again and again while the program runs: a TensorBoard
// reader reads on from where it was, and a file cut mid-write is read up to the cut.
import { readGenerations, readMetrics, type GenerationLine, type OutputFormat } from '../runs';
import { readCsvRuns } from './csv';
import { readHfRuns } from './hf';
import type { ImportedRun, ImportedSeries } from './imported-run';
import { tensorboardRuns, type TensorboardRun } from './tensorboard';

export interface ProgramOutput {
  /** Metric name -> points; the runs of a folder with several (TensorBoard's train/ and validation/) are named `<run>/<metric>`. */
  series: Map<string, ImportedSeries>;
  generations: GenerationLine[];
  /** The last step any metric or text was logged at; 0 for none. */
  lastStep: number;
  /** Each metric's value at lastStep, for progress lines. */
  lastMetrics: Record<string, number>;
  warnings: string[];
}

/** A reader of one output folder: call it each time for everything written so far. Throws the importer's errors, naming the file. */
export function programOutputReader(format: OutputFormat, dir: string): () => ProgramOutput {
  const known = new Map<string, TensorboardRun>();
  return () => merge(readRuns(format, dir, known));
}

function readRuns(format: OutputFormat, dir: string, known: Map<string, TensorboardRun>): ImportedRun[] {
  switch (format) {
    case 'tensorboard':
      return tensorboardRuns(dir, known).map((run) => run.imported(true));
    case 'csv':
      return readCsvRuns(dir);
    case 'hf':
      return readHfRuns(dir);
    case 'run-folder':
      return [runFolderRun(dir)];
  }
}

/** metrics.jsonl and generations.jsonl as src/runs defines them, written by the program itself, checked line by line. */
function runFolderRun(dir: string): ImportedRun {
  const warnings: string[] = [];
  const warn = (message: string) => void warnings.push(message);
  const scalars = new Map<string, ImportedSeries>();
  for (const { step, time, ...metrics } of readMetrics(dir, warn)) {
    for (const [name, value] of Object.entries(metrics)) {
      let series = scalars.get(name);
      if (!series) scalars.set(name, (series = { steps: [], values: [], times: [] }));
      series.steps.push(step);
      series.values.push(value ?? NaN);
      series.times.push(time);
    }
  }
  const texts = readGenerations(dir, warn).map(({ step, text, tag }) => ({ step, time: null, tag: tag ?? '', text }));
  // A cut last line is the program writing it; it is read next time.
  return { path: '.', scalars, texts, params: {}, files: [], skipped: {}, warnings: warnings.filter((w) => !w.includes('truncated last line')) };
}

function merge(runs: ImportedRun[]): ProgramOutput {
  const series = new Map<string, ImportedSeries>();
  const generations: GenerationLine[] = [];
  const named = (run: ImportedRun, name: string) => (runs.length > 1 && run.path !== '.' ? `${run.path}/${name}` : name);
  for (const run of runs) {
    for (const [name, points] of run.scalars) series.set(named(run, name), points);
    for (const { step, tag, text } of run.texts) generations.push(tag ? { step, text, tag: named(run, tag) } : { step, text });
  }
  generations.sort((a, b) => a.step - b.step);
  let lastStep = 0;
  for (const { steps } of series.values()) lastStep = Math.max(lastStep, steps.at(-1) ?? 0);
  for (const { step } of generations) lastStep = Math.max(lastStep, step);
  const lastMetrics: Record<string, number> = {};
  for (const [name, { steps, values }] of series) if (steps.at(-1) === lastStep) lastMetrics[name] = values[values.length - 1];
  return { series, generations, lastStep, lastMetrics, warnings: runs.flatMap((run) => run.warnings.map((w) => (run.path === '.' ? w : `${run.path}: ${w}`))) };
}
