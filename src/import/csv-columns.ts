// Which column of a "wide" metrics CSV (a header, then one row per log call) is
// the step, which the wall time, which a metric, and the series they give.
// Lightning's CSVLogger, Stable-Baselines3's progress.csv and a W&B run's
// history all write one run per file and differ only in their step column; a
// W&B chart (panel) export holds one metric of many runs, a column per run.
import { CsvFileError } from './errors';
import type { ImportedSeries } from './imported-run';
import { SeriesBuilder } from './series';
import type { CsvTable } from './csv-table';

/** The step columns a file is looked at for, in this order, unless the import names one. */
export const STEP_COLUMNS = ['step', 'Step', '_step', 'global_step', 'time/total_timesteps', 'trainer/global_step'];
/** Columns that are the wall time when they hold seconds since the epoch, in this order. */
export const TIME_COLUMNS = ['_timestamp', 'wall_time', 'timestamp', 'time'];
// Seconds since the epoch from 2001-09-09 to the year 5138: no run logs earlier, and
// milliseconds (1.7e12 now) are past the end, so a column of them stays a metric.
const EPOCH_SECONDS_FROM = 1e9;
const EPOCH_SECONDS_TO = 1e11;

/** A W&B chart export's column: `<run name> - <metric>`, and `... __MIN`/`__MAX` for its downsampling band. */
const PANEL_SEPARATOR = ' - ';
const PANEL_BAND = /__(MIN|MAX)$/;

/** What one CSV file gives one run. */
export interface CsvRunPart {
  /** The run's path: the file's (`runPath`), or a W&B chart export's run name. */
  path: string;
  series: Map<string, ImportedSeries>;
  skipped: Record<string, number>;
  /** Each starting with the file's name. */
  warnings: string[];
}

export interface CsvSource {
  /** The file as the user named it, for errors. */
  file: string;
  /** The file relative to the import's root, for warnings. */
  name: string;
  /** The path of the run a one-run file gives. */
  runPath: string;
}

/** A column's cells read as numbers: kind 0 empty, 1 a number (in `values`), 2 text. */
interface Cells {
  values: Float64Array;
  kinds: Uint8Array;
  numbers: number;
  /** The first row of each kind, or -1. */
  firstNumber: number;
  firstText: number;
}

const EMPTY = 0;
const NUMBER = 1;
const TEXT = 2;

/** A run's columns of one file, as they are read. */
interface RunColumns {
  builder: SeriesBuilder;
  skipped: Record<string, number>;
  /** The names of its columns of text. */
  texts: string[];
}

/** The runs a CSV file's table gives: one, or one per run of a W&B chart export. */
export function readCsvColumns(table: CsvTable, source: CsvSource, step?: string): CsvRunPart[] {
  const { header } = table;
  const runs = new Map<string, RunColumns>();
  const runOf = (path: string) => {
    let run = runs.get(path);
    if (!run) runs.set(path, (run = { builder: new SeriesBuilder(), skipped: {}, texts: [] }));
    return run;
  };
  if (header.length === 0) {
    return [{ path: source.runPath, series: new Map(), skipped: {}, warnings: [`${source.name}: the file is empty: nothing to import`] }];
  }
  checkNamesUnique(header, source.file);

  const stepColumn = stepColumnOf(header, source.file, step);
  const steps = readSteps(table, stepColumn, source.file);
  const timeColumn = timeColumnOf(table, stepColumn);
  const times = timeColumn === -1 ? undefined : readCells(table, timeColumn);
  const panel = isPanel(header, stepColumn);
  const wandbHistory = header.includes('_step');
  // A run's own file is a run even with no metric column yet (a header only, from a run just started).
  if (!panel) runOf(source.runPath);

  header.forEach((name, column) => {
    if (column === stepColumn || column === timeColumn) return;
    const cut = panel ? name.lastIndexOf(PANEL_SEPARATOR) : -1;
    const run = runOf(panel ? name.slice(0, cut) : source.runPath);
    const metric = panel ? name.slice(cut + PANEL_SEPARATOR.length) : name;
    // pandas' index, which `DataFrame.to_csv` writes unless told index=False
    if (name === '') return count(run.skipped, 'unnamed column');
    // W&B's seconds since the run started: the times (from _timestamp) already say it
    if (wandbHistory && name === '_runtime') return count(run.skipped, '_runtime column');
    if (panel && PANEL_BAND.test(metric)) return count(run.skipped, 'MIN/MAX column');
    const cells = readCells(table, column);
    if (cells.numbers === 0 && cells.firstText !== -1) {
      run.texts.push(name);
      return count(run.skipped, 'text column');
    }
    if (cells.firstText !== -1) throw mixedColumn(table, source.file, column, cells);
    addPoints(run.builder, metric, cells, steps, times);
  });

  const stepless = steps.reduce((sum, s) => sum + (s === -1 ? 1 : 0), 0);
  return [...runs].map(([path, { builder, skipped, texts }]) => {
    const warnings: string[] = [];
    const say = (warning: string) => warnings.push(`${source.name}: ${warning}`);
    if (texts.length > 0) say(`${quotedList(texts)} ${texts.length === 1 ? 'holds' : 'hold'} text, not numbers: not imported`);
    if (stepless > 0) {
      skipped['row without a step'] = stepless;
      say(`${stepless} row${stepless === 1 ? ' has' : 's have'} no "${header[stepColumn]}": not imported`);
    }
    if (skipped['unnamed column']) say(`a column has no name (pandas' index, written unless to_csv(index=False)?): not imported`);
    if (builder.replaced > 0) {
      say(`${builder.replaced} point${builder.replaced === 1 ? ' was' : 's were'} logged again at a step the metric already had: kept the later value`);
    }
    for (const warning of builder.restartWarnings()) say(warning);
    if (table.cutLine !== undefined) {
      say(`line ${table.cutLine} stops inside its row (a writer still writing?): imported the ${table.rowCount} complete rows before it`);
    }
    return { path, series: builder.series, skipped, warnings };
  });
}

/** A metric column's points at the rows with a step. */
function addPoints(builder: SeriesBuilder, metric: string, cells: Cells, steps: Float64Array, times: Cells | undefined): void {
  let lastStep = -1;
  let lastValue = NaN;
  for (let row = 0; row < steps.length; row++) {
    const step = steps[row];
    const value = cells.values[row];
    if (cells.kinds[row] !== NUMBER || step === -1) continue;
    // Lightning writes `epoch` in every row, so a train and a val row at one step both
    // have it: the same value again at the same step is one point, not a value replaced.
    if (step === lastStep && Object.is(value, lastValue)) continue;
    lastStep = step;
    lastValue = value;
    builder.add(metric, step, value, times !== undefined && times.kinds[row] === NUMBER ? times.values[row] : null);
  }
}

function checkNamesUnique(header: string[], file: string): void {
  const seen = new Map<string, number>();
  header.forEach((name, column) => {
    const earlier = seen.get(name);
    if (earlier !== undefined && name !== '') throw new CsvFileError(file, 1, name, `the header has this column twice (columns ${earlier + 1} and ${column + 1})`);
    seen.set(name, column);
  });
}

function stepColumnOf(header: string[], file: string, step: string | undefined): number {
  if (step !== undefined) {
    const column = header.indexOf(step);
    if (column === -1) throw new CsvFileError(file, 1, undefined, `no column "${step}" (named by --step); the columns are ${quotedList(header, 12)}`);
    return column;
  }
  const name = STEP_COLUMNS.find((candidate) => header.includes(candidate));
  if (name === undefined) {
    throw new CsvFileError(
      file,
      1,
      undefined,
      `no step column: looked for ${quotedList(STEP_COLUMNS)}; the columns are ${quotedList(header, 12)}. Name the step column with --step <column>`,
    );
  }
  return header.indexOf(name);
}

/** Each row's step, -1 for an empty cell. A step that is not a whole number 0 or more is an error: the wrong column is the step. */
function readSteps(table: CsvTable, column: number, file: string): Float64Array {
  const cells = readCells(table, column);
  const steps = new Float64Array(table.rowCount);
  for (let row = 0; row < steps.length; row++) {
    const step = cells.values[row];
    if (cells.kinds[row] === EMPTY) steps[row] = -1;
    else if (cells.kinds[row] === NUMBER && Number.isSafeInteger(step) && step >= 0) steps[row] = step;
    else {
      const name = table.header[column];
      const cell = table.cell(row, column);
      throw new CsvFileError(
        file,
        table.lineOf(row, column),
        name,
        `"${cell}" is not a step (a whole number, 0 or more): is "${name}" the step column? Name another with --step <column>`,
      );
    }
  }
  return steps;
}

/** The first time column present whose every cell is empty or seconds since the epoch, or -1. */
function timeColumnOf(table: CsvTable, stepColumn: number): number {
  for (const name of TIME_COLUMNS) {
    const column = table.header.indexOf(name);
    if (column === -1 || column === stepColumn) continue;
    const cells = readCells(table, column);
    if (cells.numbers === 0 || cells.firstText !== -1) continue;
    let seconds = true;
    for (let row = 0; row < cells.values.length && seconds; row++) {
      const value = cells.values[row];
      seconds = cells.kinds[row] === EMPTY || (value >= EPOCH_SECONDS_FROM && value < EPOCH_SECONDS_TO);
    }
    if (seconds) return column;
  }
  return -1;
}

/**
 * A W&B chart export: every column but the step is `<run name> - <metric>`. A
 * run's own CSV has no " - " in its metric names (TensorBoard tags, Python keys).
 */
function isPanel(header: string[], stepColumn: number): boolean {
  return header.length > 1 && header.every((name, column) => column === stepColumn || name.includes(PANEL_SEPARATOR));
}

function readCells(table: CsvTable, column: number): Cells {
  const values = new Float64Array(table.rowCount);
  const kinds = new Uint8Array(table.rowCount);
  let numbers = 0;
  let firstNumber = -1;
  let firstText = -1;
  for (let row = 0; row < table.rowCount; row++) {
    const value = table.number(row, column);
    if (value === undefined) continue;
    if (value === null) {
      kinds[row] = TEXT;
      if (firstText === -1) firstText = row;
      continue;
    }
    kinds[row] = NUMBER;
    values[row] = value;
    numbers++;
    if (firstNumber === -1) firstNumber = row;
  }
  return { values, kinds, numbers, firstNumber, firstText };
}

function mixedColumn(table: CsvTable, file: string, column: number, cells: Cells): CsvFileError {
  const at = cells.firstText;
  const number = cells.firstNumber;
  return new CsvFileError(
    file,
    table.lineOf(at, column),
    table.header[column],
    `"${table.cell(at, column)}" is not a number, though the column's other cells are (line ${table.lineOf(number, column)}: ${table.cell(number, column)})`,
  );
}

function count(skipped: Record<string, number>, kind: string): void {
  skipped[kind] = (skipped[kind] ?? 0) + 1;
}

/** `"a", "b" and "c"`, or the first `most` and how many more. */
function quotedList(names: string[], most = Infinity): string {
  const shown = names.slice(0, most).map((name) => `"${name}"`);
  if (names.length > most) return `${shown.join(', ')} and ${names.length - most} more`;
  return shown.length <= 1 ? shown.join('') : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}
