// Which runs stand for a sweep's values: the one rule that the trainer's plan
// (done, resume or new) and every page and directive of the site use.
//
// A value's runs are the sweep's runs whose recorded config equals the
// config the sweep file resolves to now (quick or not is part of it), after
// normalising (so a default added to the config since does not count as a
// change). The newest completed or still-running one is drawn as the value's
// result; interrupted and failed runs are not. Runs whose config matches no
// value (an old config, `--quick` demos) are kept apart.
//
// A unit is one (value, seed): the seed is part of the config. The rule
// matches by config alone, whichever sweep recorded the run, so a run whose
// config is also another sweep's unit (beta=10 in both KL sweeps) is trained
// once and stands for both.
//
// A sweep of imported runs (`runs: imported`) has no config to resolve: a
// unit's runs are the runs imported into that sweep whose params hold the
// value and whose seed is the unit's. Imported runs never stand for a trained
// sweep's unit, nor trained runs for an imported one's.
//
// Configs compare as run.json records them (JSON): a value -0 is written 0,
// so a unit's config is compared in its JSON form, or the run of -0 would
// stand for nothing and be retrained forever.
import { isDeepStrictEqual } from 'node:util';
import { isRunLocked } from './lock';
import type { Run } from './reader';
import type { ParamValue, Sweep } from './schema';

/** What a sweep file asks for now: one unit, a (point, seed), with its resolved config. */
export interface SweepUnit<Config> {
  /** The point's params: every varied param's value. */
  params: Record<string, ParamValue>;
  label: string;
  color: string;
  seed: number;
  config: Config;
}

/** A unit and its runs. */
export interface UnitRuns<Config> extends SweepUnit<Config> {
  /** The runs with this unit's config, oldest first. */
  runs: Run[];
  /** The run drawn as the unit's result: the newest completed or running one. */
  shown: Run | undefined;
  /** The newest completed run: the plan has nothing to do. */
  completed: Run | undefined;
  /** The newest run not completed: the one the plan resumes. */
  unfinished: Run | undefined;
}

/** A config key whose recorded value differs from what the sweep file resolves to now. */
export interface ConfigDifference {
  key: string;
  recorded: unknown;
  now: unknown;
}

/** A run of the sweep whose config matches no unit, with how it differs from the nearest one. */
export interface OtherConfigRun {
  run: Run;
  differences: ConfigDifference[];
}

export interface SweepRunsMatch<Config> {
  units: UnitRuns<Config>[];
  /** Runs of this sweep that match no unit, oldest first (other sweeps' runs that match none are not its business). */
  otherConfig: OtherConfigRun[];
}

/** A run's config as the caller's config type, or undefined when it is not one (it no longer parses, or the run was imported). */
export type NormaliseConfig<Config> = (run: Run) => Config | undefined;

/**
 * Completed runs are results; a running one is drawn so a page can follow
 * training, while a trainer still holds it: one left "running" by a killed
 * trainer is as unfinished as an interrupted one.
 */
export function isDrawn(run: Run): boolean {
  return run.info.status === 'completed' || (run.info.status === 'running' && isRunLocked(run.dir));
}

/**
 * Sorts `runs` (those of every sweep) to the units of sweep `sweepId` whose
 * config they recorded; the sweep's own runs that match none are
 * other-config runs.
 */
export function matchSweepRuns<Config extends Record<string, unknown>>(
  runs: Run[],
  units: SweepUnit<Config>[],
  normalise: NormaliseConfig<Config>,
  sweepId: string,
): SweepRunsMatch<Config> {
  const byUnit = units.map((): Run[] => []);
  const otherConfig: OtherConfigRun[] = [];
  const recordedUnits = units.map((unit) => ({ ...unit, config: asRecorded(unit.config) }));
  // Each unit by its config's canonical JSON: a run finds its unit in one look-up, not a
  // comparison with every unit (a sweep of 1,000 values took 6.5 s a match, once per run page).
  const unitOf = new Map<string, number>();
  recordedUnits.forEach((unit, index) => {
    const key = canonicalJson(unit.config);
    if (!unitOf.has(key)) unitOf.set(key, index);
  });
  for (const run of [...runs].sort(byCreation)) {
    const config = normalise(run);
    const index = config === undefined ? -1 : (unitOf.get(canonicalJson(asRecorded(config))) ?? -1);
    if (index >= 0) byUnit[index].push(run);
    else if (run.info.sweep === sweepId) {
      // how it differs from the nearest unit, worked out when asked (each unit compared): a run page asks only which runs matched
      let differences: ConfigDifference[] | undefined;
      otherConfig.push({
        run,
        get differences() {
          return (differences ??= nearestDifferences(asRecorded(config ?? run.info.config), recordedUnits));
        },
      });
    }
  }
  return {
    units: units.map((unit, index) => {
      const mine = byUnit[index];
      return {
        ...unit,
        runs: mine,
        shown: mine.findLast(isDrawn),
        completed: mine.findLast((run) => run.info.status === 'completed'),
        unfinished: mine.findLast((run) => run.info.status !== 'completed'),
      };
    }),
    otherConfig,
  };
}

/**
 * JSON with every object's keys sorted: two configs as run.json holds them
 * (asRecorded) are deep-strict-equal exactly when theirs are the same.
 */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** A config as run.json holds it once written and read back: -0 is 0. */
function asRecorded<T>(config: T): T {
  return JSON.parse(JSON.stringify(config)) as T;
}

/** Oldest first: by creation time (milliseconds), then id. */
function byCreation(a: Run, b: Run): number {
  if (a.info.created !== b.info.created) return a.info.created < b.info.created ? -1 : 1;
  return a.info.id < b.info.id ? -1 : a.info.id > b.info.id ? 1 : 0;
}

/** How a config differs from the unit it is nearest to (fewest differing keys). */
function nearestDifferences(recorded: Record<string, unknown>, units: SweepUnit<Record<string, unknown>>[]): ConfigDifference[] {
  let nearest: ConfigDifference[] | undefined;
  for (const unit of units) {
    const differences = configDifferences(recorded, unit.config);
    if (!nearest || differences.length < nearest.length) nearest = differences;
  }
  return nearest ?? [];
}

function configDifferences(recorded: Record<string, unknown>, now: Record<string, unknown>): ConfigDifference[] {
  const keys = [...new Set([...Object.keys(now), ...Object.keys(recorded)])];
  return keys
    .filter((key) => !isDeepStrictEqual(recorded[key], now[key]))
    .map((key) => ({ key, recorded: recorded[key], now: now[key] }));
}

/** What an imported sweep's unit is matched by: the varied params' values and the seed. */
export type ImportedUnitKey = Record<string, ParamValue>;

/** An imported sweep's units: one per (point, seed), seed by seed as a trained sweep's. */
export function importedSweepUnits(sweep: Sweep): SweepUnit<ImportedUnitKey>[] {
  return sweep.seeds.flatMap((seed) => sweep.values.map(({ params, label, color }) => ({ params, label, color, seed, config: { ...params, seed } })));
}

/**
 * The unit key of a run imported into `sweep` (the varied params it holds,
 * and its seed), or undefined for any other run (trained, or another sweep's).
 */
export function importedUnitKey(sweep: Sweep): NormaliseConfig<ImportedUnitKey> {
  return (run) => {
    if (!run.info.source || run.info.sweep !== sweep.id) return undefined;
    const held = sweep.varied.filter((name) => run.info.params[name] !== undefined);
    return { ...Object.fromEntries(held.map((name) => [name, run.info.params[name]])), seed: run.info.seed };
  };
}

/** The runs of each unit of an imported sweep, by the rule above. */
export function matchImportedSweepRuns(runs: Run[], sweep: Sweep): SweepRunsMatch<ImportedUnitKey> {
  return matchSweepRuns(runs, importedSweepUnits(sweep), importedUnitKey(sweep), sweep.id);
}
