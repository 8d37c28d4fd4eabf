// Which runs to train: one per (value, seed) of each sweep, matched against
// the run folders already in runs/ so that completed runs are skipped and
// unfinished ones resume.
import { z } from 'zod';
import {
  listRuns,
  matchImportedSweepRuns,
  matchSweepRuns,
  sweepFieldLine,
  SweepFileError,
  type ParamValue,
  type Run,
  type Sweep,
  type SweepRunsMatch,
  type SweepUnit,
} from '../runs';
import { CONFIG_KEYS, nearestConfigKey, resolveConfig, TrainConfig } from '../train/config';

/** One run of the plan, whole enough to be sent to a worker process as JSON. */
export interface Job {
  sweep: string;
  /** The value's label, e.g. "beta=10". */
  label: string;
  /** What progress and summary lines call the run: the label, and its seed when the sweep has several. */
  name: string;
  color: string;
  params: Record<string, ParamValue>;
  config: TrainConfig;
  /** Where a new run folder goes. */
  runsDir: string;
  /** An unfinished run folder to resume, or null to create a new run (as planned: see planValue). */
  resumeDir: string | null;
  /** Ids of the runs --fresh starts over from: they do not stand for the value. */
  setAside: string[];
}

export interface Plan {
  /** Runs to train, in plan order. */
  jobs: Job[];
  /** Completed runs that match a planned value: nothing to do. */
  done: Run[];
}

export interface PlanOptions {
  quick: boolean;
  /** New runs even where a matching run exists. */
  fresh: boolean;
  /** This machine's share: the i-th (1-based) of n. */
  shard: { index: number; count: number };
}

/**
 * What a sweep trains: one unit per (value, seed), seed by seed (every value
 * of the first seed, then of the next: an unfinished sweep has whole seeds),
 * each with its resolved config. Seed s is the same for every value, so the
 * values are compared on the same random draws. A bad config is a
 * SweepFileError naming the field.
 */
export function sweepUnits(sweep: Sweep, quick: boolean): SweepUnit<TrainConfig>[] {
  return sweep.seeds.flatMap((seed) =>
    sweep.values.map(({ value, label, color }, index) => {
      const overrides = { ...sweep.config, seed, [sweep.vary]: value };
      try {
        return { value, label, color, seed, config: resolveConfig(overrides, { quick }) };
      } catch (error) {
        if (!(error instanceof z.ZodError)) throw error;
        const { message, field } = describeIssue(error, sweep, index);
        throw new SweepFileError(sweep.file, message, sweepFieldLine(sweep.file, field.split('.')), field);
      }
    }),
  );
}

/** A config error in the sweep file's own terms: `values.2.value` rather than `beta`. */
function describeIssue(error: z.ZodError, sweep: Sweep, index: number): { message: string; field: string } {
  const issue = error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    const nearest = nearestConfigKey(key);
    const message = `"${key}" is not a training config key${nearest ? ` (did you mean "${nearest}"?)` : ''}; the keys: ${CONFIG_KEYS.join(', ')}`;
    return { message, field: key === sweep.vary ? 'vary' : `config.${key}` };
  }
  const [key, ...rest] = issue.path.map(String);
  const field = key === sweep.vary ? `values.${index}.value` : key in sweep.config ? `config.${key}` : key;
  return { message: issue.message, field: [field, ...rest].join('.') };
}

/**
 * The runs of each unit of a sweep as the sweep file resolves now (with
 * `--quick` or not), by src/runs' rule: the plan and the site both ask this.
 * Runs of other sweeps count too: one with a unit's config stands for it.
 * An imported sweep's units are matched by params (quick or not alike).
 */
export function sweepRunsNow(sweep: Sweep, runsDir: string, quick: boolean): SweepRunsMatch<Record<string, unknown>> {
  if (sweep.runs === 'imported') return matchImportedSweepRuns(listRuns(runsDir), sweep);
  return trainedSweepRuns(sweep, runsDir, quick);
}

function trainedSweepRuns(sweep: Sweep, runsDir: string, quick: boolean): SweepRunsMatch<TrainConfig> {
  return matchSweepRuns(listRuns(runsDir), sweepUnits(sweep, quick), parseRecordedConfig, sweep.id);
}

/** Configs compare after parsing, so a default added to TrainConfig since the run does not count as a change. */
function parseRecordedConfig(run: Run): TrainConfig | undefined {
  if (run.info.source) return undefined; // imported: its config is not a training config, whatever it parses as
  const parsed = TrainConfig.safeParse(run.info.config);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Every (sweep, value, seed) in order — sweeps by id, units as sweepUnits
 * lists them — which is the same on every machine whatever runs/ holds, so
 * `--shard i/n` (every n-th of this list, starting at the i-th) splits the
 * work the same way on all of them. A unit whose config an earlier sweep in
 * the list has too is the same run: it is listed once. Within its shard, a
 * unit with a completed run of its config (see sweepRunsNow) is done; one
 * with unfinished runs resumes the latest; otherwise a new run. A `--quick`
 * run, or one trained before the sweep file changed, does not stand for the
 * sweep as it is now.
 */
export function planRuns(sweeps: Sweep[], runsDir: string, opts: PlanOptions): Plan {
  const plan: Plan = { jobs: [], done: [] };
  const listed = new Set<string>();
  let position = 0;
  // Code-unit order, not localeCompare: it must not depend on the machine's locale.
  for (const sweep of [...sweeps].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    if (sweep.runs === 'imported') continue; // another program trains them; `npm run import` brings them in
    const { units } = trainedSweepRuns(sweep, runsDir, opts.quick);
    // --fresh sets aside the runs there are now, not those another trainer makes meanwhile.
    const setAside = opts.fresh ? units.flatMap((unit) => unit.runs.map((run) => run.info.id)) : [];
    for (const { value, label, color, seed, config, completed, unfinished } of units) {
      const key = JSON.stringify(config);
      if (listed.has(key)) continue;
      listed.add(key);
      const mine = position++ % opts.shard.count === opts.shard.index - 1;
      if (!mine) continue;
      if (completed && !opts.fresh) {
        plan.done.push(completed);
        continue;
      }
      plan.jobs.push({
        sweep: sweep.id,
        label,
        name: sweep.seeds.length > 1 ? `${label} seed=${seed}` : label,
        color,
        params: { [sweep.vary]: value },
        config,
        runsDir,
        resumeDir: opts.fresh ? null : (unfinished?.dir ?? null),
        setAside,
      });
    }
  }
  return plan;
}

/**
 * What one planned unit needs now, given the runs in the runs folder, by the same
 * rule as the plan: nothing when a completed run stands for it, else to resume
 * the latest unfinished one, else a new run. The trainer asks again once it
 * has claimed the value: another trainer may have completed or started it
 * since the plan was made.
 */
export function planValue(
  runs: Run[],
  job: Pick<Job, 'sweep' | 'label' | 'color' | 'params' | 'config' | 'setAside'>,
): { done: Run } | { resumeDir: string | null } {
  const [value] = Object.values(job.params);
  const candidates = runs.filter((run) => !job.setAside.includes(run.info.id));
  const unit = { value, label: job.label, color: job.color, seed: job.config.seed, config: job.config };
  const [match] = matchSweepRuns(candidates, [unit], parseRecordedConfig, job.sweep).units;
  return match.completed ? { done: match.completed } : { resumeDir: match.unfinished?.dir ?? null };
}
