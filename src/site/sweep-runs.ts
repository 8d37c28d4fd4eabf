// The runs a sweep page or directive shows, by src/runs' rule (the one the
// trainer's plan uses): one run drawn per (value, seed), values in the order
// the sweep file lists them, labelled and colored as it says; the units'
// other runs and the sweep's runs of another config only listed.
import { loadSweep, SweepFileError, sweepFiles, warnOnce, type ConfigDifference, type ParamValue, type Run, type Sweep } from '../runs';
import { sweepRunsNow, sweepUnits } from '../runner/plan';
import { quickBuild } from './dirs';
import { shortPath } from './short-path';

export interface SweepRun {
  run: Run;
  value: ParamValue;
  label: string;
  color: string;
  seed: number;
}

export interface ListedSweepRuns {
  /** One run per (value, seed) that has a completed or running run: values in sweep order, seeds in order within each. */
  drawn: SweepRun[];
  /** The units' other runs (interrupted, failed, or superseded by a newer one), in the same order. */
  notDrawn: SweepRun[];
  /** Runs of the sweep with another config than the sweep file's now, with how it differs. */
  otherConfig: (SweepRun & { differences: ConfigDifference[]; quickMode: boolean | undefined })[];
}

/** The runs drawn for a sweep in figures, tables and generations: one per (value, seed), units not trained left out. */
export function sweepRuns(sweep: Sweep, runsDir: string): SweepRun[] {
  return sweepRunsListed(sweep, runsDir).drawn;
}

/** Every run of a sweep, sorted into drawn, not drawn and other-config; warns once per sweep about the last. */
export function sweepRunsListed(sweep: Sweep, runsDir: string): ListedSweepRuns {
  const quick = quickBuild();
  const { units, otherConfig } = sweepRunsNow(sweep, runsDir, quick);
  const listed: ListedSweepRuns = { drawn: [], notDrawn: [], otherConfig: [] };
  // Units come seed by seed (the plan's order); pages read value by value.
  const byValue = sweep.values.flatMap(({ value }) => units.filter((unit) => unit.value === value));
  for (const { value, label, color, seed, runs, shown } of byValue) {
    if (shown) listed.drawn.push({ run: shown, value, label, color, seed });
    for (const run of runs) if (run !== shown) listed.notDrawn.push({ run, value, label, color, seed });
  }
  // Most other-config runs are the sweep as it is, trained the other way (--quick or not): say so rather than list every key.
  const otherWay = new Set(otherConfig.length > 0 ? sweepRunsNow(sweep, runsDir, !quick).units.flatMap((unit) => unit.runs.map((run) => run.dir)) : []);
  for (const { run, differences } of otherConfig) {
    const value = run.info.params[sweep.vary] ?? '';
    const quickMode = otherWay.has(run.dir) ? !quick : undefined;
    listed.otherConfig.push({ run, value, label: run.info.label, color: run.info.color, seed: run.info.seed, differences, quickMode });
  }
  if (otherConfig.length > 0) warnOtherConfig(sweep, otherConfig.length, quick);
  return listed;
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

/** The sweep with this id, or undefined. */
export function findSweep(sweeps: Sweep[], id: string): Sweep | undefined {
  return sweeps.find((sweep) => sweep.id === id);
}

/** One value of a sweep and its drawn runs, one per seed. */
export interface ValueRuns {
  value: ParamValue;
  label: string;
  color: string;
  /** In seed order; at least one. */
  runs: SweepRun[];
}

/** Drawn runs (sweepRuns' order: value by value) grouped by value. */
export function runsByValue(runs: SweepRun[]): ValueRuns[] {
  const groups: ValueRuns[] = [];
  for (const run of runs) {
    const group = groups.at(-1);
    if (group && group.label === run.label) group.runs.push(run);
    else groups.push({ value: run.value, label: run.label, color: run.color, runs: [run] });
  }
  return groups;
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
