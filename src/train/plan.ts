// Which runs to train: one per value of each sweep, matched against the run
// folders already in runs/ so that completed runs are skipped and unfinished
// ones resume.
import { z } from 'zod';
import {
  matchSweepRuns,
  runsOfSweep,
  sweepFieldLine,
  SweepFileError,
  type ParamValue,
  type Run,
  type Sweep,
  type SweepRunsMatch,
} from '../runs';
import { resolveConfig, TrainConfig } from './config';

/** One run of the plan, whole enough to be sent to a worker process as JSON. */
export interface Job {
  sweep: string;
  label: string;
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

/** The resolved config of every value of a sweep; a bad one is a SweepFileError naming the field. */
export function sweepConfigs(sweep: Sweep, quick: boolean): TrainConfig[] {
  return sweep.values.map(({ value }, index) => {
    const overrides = { seed: sweep.seed, ...sweep.config, [sweep.vary]: value };
    try {
      return resolveConfig(overrides, { quick });
    } catch (error) {
      if (!(error instanceof z.ZodError)) throw error;
      const { message, field } = describeIssue(error, sweep, index);
      throw new SweepFileError(sweep.file, message, sweepFieldLine(sweep.file, field.split('.')), field);
    }
  });
}

/** A config error in the sweep file's own terms: `values.2.value` rather than `beta`. */
function describeIssue(error: z.ZodError, sweep: Sweep, index: number): { message: string; field: string } {
  const issue = error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    return { message: `"${key}" is not a training config key`, field: key === sweep.vary ? 'vary' : `config.${key}` };
  }
  const [key, ...rest] = issue.path.map(String);
  const field = key === sweep.vary ? `values.${index}.value` : key in sweep.config ? `config.${key}` : key;
  return { message: issue.message, field: [field, ...rest].join('.') };
}

/**
 * The runs of each value of a sweep as the sweep file resolves now (with
 * `--quick` or not), by src/runs' rule: the plan and the site both ask this.
 */
export function sweepRunsNow(sweep: Sweep, runsDir: string, quick: boolean): SweepRunsMatch<TrainConfig> {
  const configs = sweepConfigs(sweep, quick);
  const units = sweep.values.map(({ value, label, color }, index) => ({ value, label, color, config: configs[index] }));
  return matchSweepRuns(runsOfSweep(runsDir, sweep.id), units, parseRecordedConfig);
}

/** Configs compare after parsing, so a default added to TrainConfig since the run does not count as a change. */
function parseRecordedConfig(recorded: Record<string, unknown>): TrainConfig | undefined {
  const parsed = TrainConfig.safeParse(recorded);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Every (sweep, value) in order — sweeps by id, values as listed — which is
 * the same on every machine whatever runs/ holds, so `--shard i/n` (every n-th
 * of this list, starting at the i-th) splits the work the same way on all of
 * them. Within its shard, a value with a completed run of its config (see
 * sweepRunsNow) is done; one with unfinished runs resumes the latest;
 * otherwise a new run. A `--quick` run, or one trained before the sweep file
 * changed, does not stand for the sweep as it is now.
 */
export function planRuns(sweeps: Sweep[], runsDir: string, opts: PlanOptions): Plan {
  const plan: Plan = { jobs: [], done: [] };
  let position = 0;
  // Code-unit order, not localeCompare: it must not depend on the machine's locale.
  for (const sweep of [...sweeps].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const { units } = sweepRunsNow(sweep, runsDir, opts.quick);
    // --fresh sets aside the runs there are now, not those another trainer makes meanwhile.
    const setAside = opts.fresh ? units.flatMap((unit) => unit.runs.map((run) => run.info.id)) : [];
    for (const { value, label, color, config, completed, unfinished } of units) {
      const mine = position++ % opts.shard.count === opts.shard.index - 1;
      if (!mine) continue;
      if (completed && !opts.fresh) {
        plan.done.push(completed);
        continue;
      }
      plan.jobs.push({
        sweep: sweep.id,
        label,
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
 * What one planned value needs now, given the runs of its sweep, by the same
 * rule as the plan: nothing when a completed run stands for it, else to resume
 * the latest unfinished one, else a new run. The trainer asks again once it
 * has claimed the value: another trainer may have completed or started it
 * since the plan was made.
 */
export function planValue(
  runs: Run[],
  job: Pick<Job, 'label' | 'color' | 'params' | 'config' | 'setAside'>,
): { done: Run } | { resumeDir: string | null } {
  const [value] = Object.values(job.params);
  const candidates = runs.filter((run) => !job.setAside.includes(run.info.id));
  const [unit] = matchSweepRuns(candidates, [{ value, label: job.label, color: job.color, config: job.config }], parseRecordedConfig).units;
  return unit.completed ? { done: unit.completed } : { resumeDir: unit.unfinished?.dir ?? null };
}
