// The runs a sweep page or directive shows, by src/runs' rule (the one the
// trainer's plan uses): one run drawn per (value, seed), values in the order
// the sweep file lists them, labelled and colored as it says; the units'
// other runs and the sweep's runs of another config only listed.
import type { ThemedColor } from '../charts/contrast';
import { valueColors } from '../charts/palette';
import { loadSweep, SweepFileError, sweepFiles, warnOnce, type ConfigDifference, type ParamValue, type Run, type Sweep } from '../runs';
import { sweepRunsNow, sweepUnits } from '../runner/plan';
import { quickBuild } from './dirs';
import { shortPath } from './short-path';

export interface SweepRun {
  run: Run;
  /** Its value of the sweep's `vary`, which its color follows. */
  value: ParamValue;
  /** Its point's params (of a run listed with another config, those it recorded). */
  params: Record<string, ParamValue>;
  label: string;
  /** The sweep file's color, as it names it. */
  color: string;
  /** The color drawn for the value, per theme: its sweep's values resolved together (valueColors). */
  themed: ThemedColor;
  seed: number;
}

export interface ListedSweepRuns {
  /** One run per (value, seed) that has a completed or running run: values in sweep order, seeds in order within each. */
  drawn: SweepRun[];
  /** The units' other runs (interrupted, failed, or superseded by a newer one), in the same order. */
  notDrawn: SweepRun[];
  /** Runs of the sweep with another config than the sweep file's now, with how it differs. */
  otherConfig: (SweepRun & { differences: ConfigDifference[]; quickMode: boolean | undefined })[];
  /** The values with no drawn run, in sweep order: a report still shows them, saying why. */
  missing: MissingValue[];
}

/**
 * A value of the sweep that nothing is drawn for: no run of its config yet,
 * or only runs that failed or were interrupted (listed on the sweep page).
 */
export interface MissingValue {
  value: ParamValue;
  params: Record<string, ParamValue>;
  label: string;
  color: string;
  themed: ThemedColor;
  /** "not trained yet" ("not imported yet"), or the status of its newest run: "failed", "interrupted". */
  state: string;
  /** How many runs of its config it has, none drawn: the sweep page lists them. */
  undrawnRuns: number;
}

/** The runs drawn for a sweep in figures, tables and generations: one per (value, seed), units not trained left out. */
export function sweepRuns(sweep: Sweep, runsDir: string): SweepRun[] {
  return sweepRunsListed(sweep, runsDir).drawn;
}

/**
 * Every run of a sweep, sorted into drawn, not drawn and other-config, and
 * the values nothing is drawn for; warns once per sweep about other-config
 * runs and once per value nothing is drawn for.
 */
export function sweepRunsListed(sweep: Sweep, runsDir: string): ListedSweepRuns {
  const quick = quickBuild();
  const { units, otherConfig } = sweepRunsNow(sweep, runsDir, quick);
  const listed: ListedSweepRuns = { drawn: [], notDrawn: [], otherConfig: [], missing: [] };
  // Units come seed by seed (the plan's order); pages read value by value.
  for (const { value, params, label, color } of sweep.values) {
    const ofValue = units.filter((unit) => unit.label === label);
    const themed = sweepColor(sweep, label, color);
    for (const { seed, runs, shown } of ofValue) {
      if (shown) listed.drawn.push({ run: shown, value, params, label, color, themed, seed });
      for (const run of runs) if (run !== shown) listed.notDrawn.push({ run, value, params, label, color, themed, seed });
    }
    if (ofValue.every((unit) => !unit.shown)) {
      const runs = ofValue.flatMap((unit) => unit.runs);
      listed.missing.push({ value, params, label, color, themed, state: missingState(sweep, runs), undrawnRuns: runs.length });
    }
  }
  // Most other-config runs are the sweep as it is, trained the other way (--quick or not): say so rather than list every key.
  const otherWay = new Set(otherConfig.length > 0 ? sweepRunsNow(sweep, runsDir, !quick).units.flatMap((unit) => unit.runs.map((run) => run.dir)) : []);
  for (const { run, differences } of otherConfig) {
    const value = run.info.params[sweep.vary] ?? '';
    const quickMode = otherWay.has(run.dir) ? !quick : undefined;
    const { label, color, params } = run.info;
    listed.otherConfig.push({ run, value, params, label, color, themed: sweepColor(sweep, label, color), seed: run.info.seed, differences, quickMode });
  }
  if (otherConfig.length > 0) warnOtherConfig(sweep, otherConfig.length, quick);
  if (listed.missing.length > 0) warnMissing(sweep, listed.missing);
  return listed;
}

/** Why a value's runs (none drawn) stand for nothing: none yet, or how the newest one ended. */
function missingState(sweep: Sweep, runs: Run[]): string {
  const newest = runs.reduce<Run | undefined>((latest, run) => (!latest || run.info.created >= latest.info.created ? run : latest), undefined);
  if (!newest) return sweep.runs === 'imported' ? 'not imported yet' : 'not trained yet';
  // "running" with no trainer holding it (isDrawn): a trainer was killed, the run is as unfinished as an interrupted one.
  return newest.info.status === 'running' ? 'interrupted' : newest.info.status;
}

/**
 * One line per sweep (warnOnce: however many directives show it) naming its
 * values with nothing drawn and how to get them drawn: a sweep not trained at
 * all (a quick demo build of full-run reports) is one line, not one per value.
 */
function warnMissing(sweep: Sweep, missing: MissingValue[]): void {
  const how = sweep.runs === 'imported' ? `npm run import -- <format> <path> --sweep ${sweep.id}` : `npm run train -- --sweep ${sweep.id}${quickBuild() ? ' --quick' : ''}`;
  const untrained = missing.every((value) => value.undrawnRuns === 0);
  const what =
    untrained && missing.length === sweep.values.length
      ? `has no runs yet: tables and figures show its ${missing.length} values without results`
      : `${[...Map.groupBy(missing, ({ state, undrawnRuns }) => (undrawnRuns === 0 ? 'no run yet' : `no completed or running run (its newest ${state})`))]
          .map(([why, values]) => `${values.map((v) => v.label).join(', ')} ${values.length === 1 ? 'has' : 'have'} ${why}`)
          .join('; ')}: tables and figures show ${missing.length === 1 ? 'it' : 'them'} without results`;
  warnOnce(`sweep "${sweep.id}"${what.startsWith('has') ? ' ' : ': '}${what} (${how})`);
}

/** One line per sweep (warnOnce: however many pages and directives ask) saying its other-config runs are not drawn. */
function warnOtherConfig(sweep: Sweep, count: number, quick: boolean): void {
  const runs = count === 1 ? '1 run' : `${count} runs`;
  const hint = quick ? '' : '; --quick runs show with SWEEPBOOK_QUICK=1 npm run build';
  warnOnce(
    `sweep "${sweep.id}" has ${runs} with another config than ${shortPath(sweep.file)} resolves to${quick ? ' with --quick' : ''}: ` +
      `listed on its sweep page, not drawn${hint}`,
  );
}

/**
 * The color drawn for a sweep's value (by label), per theme, as every page
 * shows it; a run whose label the sweep no longer lists keeps its own color,
 * made to contrast with the page.
 */
export function sweepColor(sweep: Sweep | undefined, label: string, own: string): ThemedColor {
  const index = sweep ? sweep.values.findIndex((v) => v.label === label) : -1;
  return index >= 0 ? pointColors(sweep!)[index] : valueColors([own])[0];
}

/**
 * Each point's drawn color. The points of a grid or random search that share
 * their colored param's value share its color: the colors of the distinct
 * values are resolved together, as a sweep of values:'s are (a value listed
 * once per point would be moved from itself).
 */
export function pointColors(sweep: Sweep): ThemedColor[] {
  // once per loaded sweep: a page asks for each of its points' colors (1,000 points asked 1,000 times)
  let colors = pointColorsOf.get(sweep);
  if (!colors) pointColorsOf.set(sweep, (colors = resolvePointColors(sweep)));
  return colors;
}
const pointColorsOf = new WeakMap<Sweep, ThemedColor[]>();

function resolvePointColors(sweep: Sweep): ThemedColor[] {
  const distinct = new Map<string, number>();
  const colors: string[] = [];
  const colorOf = sweep.values.map(({ value, color }) => {
    const key = JSON.stringify(value);
    let index = distinct.get(key);
    if (index === undefined) distinct.set(key, (index = colors.push(color) - 1));
    return index;
  });
  const resolved = valueColors(colors);
  return colorOf.map((index) => resolved[index]);
}

/** The colored param's values, each with its color, in the sweep's order: a grid's or random search's legend. */
export function colorLegend(sweep: Sweep): { value: ParamValue; label: string; themed: ThemedColor }[] {
  const colors = pointColors(sweep);
  const legend = new Map<string, { value: ParamValue; label: string; themed: ThemedColor }>();
  sweep.values.forEach(({ value }, index) => {
    const key = JSON.stringify(value);
    if (!legend.has(key)) legend.set(key, { value, label: `${sweep.vary}=${value}`, themed: colors[index] });
  });
  return [...legend.values()];
}

/**
 * Why runs of a sweep trained the other way (--quick, or not) are not drawn,
 * and the command that draws them: `count` such runs, in a quick build or not.
 */
export function otherWayNote(count: number, quick: boolean): string {
  const runs = count === 1 ? '1 run was' : `${count} runs were`;
  return quick
    ? `its ${runs} trained without --quick, and this quick demo build draws only --quick runs (npm run dev or build without SWEEPBOOK_QUICK=1 draws them)`
    : `its ${runs} trained with --quick, and only a quick demo build draws those (SWEEPBOOK_QUICK=1 npm run dev, or SWEEPBOOK_QUICK=1 npm run build)`;
}

/**
 * The folders of the runs `npm run train -- --quick` trained for these sweeps as they are now: a quick demo's runs, to label them.
 * A command sweep's program has no quick config: its runs are never a demo's.
 */
export function quickRunDirs(sweeps: Sweep[], runsDir: string): Set<string> {
  const trained = sweeps.filter((sweep) => sweep.runs !== 'imported' && !sweep.command);
  // sweepRunsNow matches a build's runs once per sweep: this asks it again per run page, cheaply.
  return new Set(trained.flatMap((sweep) => sweepRunsNow(sweep, runsDir, true).units.flatMap((unit) => unit.runs.map((run) => run.dir))));
}

/** The sweep with this id, or undefined. */
export function findSweep(sweeps: Sweep[], id: string): Sweep | undefined {
  return sweeps.find((sweep) => sweep.id === id);
}

/** One value of a sweep and its drawn runs, one per seed. */
export interface ValueRuns {
  value: ParamValue;
  params: Record<string, ParamValue>;
  label: string;
  color: string;
  themed: ThemedColor;
  /** In seed order; at least one. */
  runs: SweepRun[];
}

/** Drawn runs (sweepRuns' order: value by value) grouped by value. */
export function runsByValue(runs: SweepRun[]): ValueRuns[] {
  const groups: ValueRuns[] = [];
  for (const run of runs) {
    const group = groups.at(-1);
    if (group && group.label === run.label) group.runs.push(run);
    else groups.push({ value: run.value, params: run.params, label: run.label, color: run.color, themed: run.themed, runs: [run] });
  }
  return groups;
}

/** A value of the sweep as a table lists it: its drawn runs, one per seed, or why it has none. */
export type SweepValue = ValueRuns | MissingValue;

/** Every value of the sweep, in sweep order: runsByValue's groups of its drawn runs, and the missing values between them. */
export function sweepValues(sweep: Sweep, { drawn, missing }: Pick<ListedSweepRuns, 'drawn' | 'missing'>): SweepValue[] {
  const groups = runsByValue(drawn);
  // sweepRunsListed puts each value in one of the two.
  return sweep.values.map(({ label }) => groups.find((group) => group.label === label) ?? missing.find((value) => value.label === label)!);
}

/** Whether a value of the table has nothing drawn. */
export function isMissing(value: SweepValue): value is MissingValue {
  return 'state' in value;
}

/**
 * Each sweep file's error (the first in it), config included as the build
 * resolves it, so that a build can list them all before it renders anything:
 * a page that met one would stop the build at it, and Astro prints a page's
 * error three times (its router, its build and its CLI).
 */
export function sweepFileErrors(sweepsDir: string, quick: boolean): SweepFileError[] {
  let files: string[];
  try {
    files = sweepFiles(sweepsDir);
  } catch (error) {
    if (error instanceof SweepFileError) return [error];
    throw error;
  }
  return files.flatMap((file) => {
    try {
      const sweep = loadSweep(file);
      if (sweep.runs !== 'imported') sweepUnits(sweep, quick);
      return [];
    } catch (error) {
      if (error instanceof SweepFileError) return [error];
      throw error;
    }
  });
}
