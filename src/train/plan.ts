// Which runs to train: one per value of each sweep, matched against the run
// folders already in runs/ so that completed runs are skipped and unfinished
// ones resume.
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { runsOfSweep, sweepFieldLine, SweepFileError, type ParamValue, type Run, type Sweep } from '../runs';
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
 * Every (sweep, value) in order — sweeps by id, values as listed — which is
 * the same on every machine whatever runs/ holds, so `--shard i/n` (every n-th
 * of this list, starting at the i-th) splits the work the same way on all of
 * them. Within its shard, a value with a completed matching run is done; one
 * with unfinished matching runs resumes the latest; otherwise a new run.
 * A run matches when it has the sweep id, the value and the same resolved
 * config: a `--quick` run, or one trained before the sweep file changed,
 * does not stand for the sweep as it is now.
 */
export function planRuns(sweeps: Sweep[], runsDir: string, opts: PlanOptions): Plan {
  const plan: Plan = { jobs: [], done: [] };
  let position = 0;
  // Code-unit order, not localeCompare: it must not depend on the machine's locale.
  for (const sweep of [...sweeps].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const configs = sweepConfigs(sweep, opts.quick);
    const existing = runsOfSweep(runsDir, sweep.id);
    const setAside = opts.fresh ? existing.map((run) => run.info.id) : [];
    sweep.values.forEach(({ value, label, color }, index) => {
      const mine = position++ % opts.shard.count === opts.shard.index - 1;
      if (!mine) return;
      const params = { [sweep.vary]: value };
      const config = configs[index];
      const next = planValue(existing, { params, config, setAside });
      if ('done' in next) plan.done.push(next.done);
      else plan.jobs.push({ sweep: sweep.id, label, color, params, config, runsDir, resumeDir: next.resumeDir, setAside });
    });
  }
  return plan;
}

/**
 * What one sweep value needs, given the runs of its sweep: nothing when a
 * completed run stands for it, else to resume the latest unfinished one, else
 * a new run. The trainer asks again once it has claimed the value: another
 * trainer may have completed or started it since the plan was made.
 */
export function planValue(
  runs: Run[],
  value: Pick<Job, 'params' | 'config' | 'setAside'>,
): { done: Run } | { resumeDir: string | null } {
  const matching = runs.filter(
    (run) =>
      !value.setAside.includes(run.info.id) &&
      Object.entries(value.params).every(([name, v]) => isDeepStrictEqual(run.info.params[name], v)) &&
      sameConfig(run.info.config, value.config),
  );
  const completed = matching.find((run) => run.info.status === 'completed');
  return completed ? { done: completed } : { resumeDir: latest(matching)?.dir ?? null };
}

/** The most recently created run (ids sort by second only). */
function latest(runs: Run[]): Run | undefined {
  return runs.reduce<Run | undefined>((a, b) => (a && a.info.created > b.info.created ? a : b), undefined);
}

/** Configs compare after parsing, so a default added to TrainConfig since the run does not count as a change. */
function sameConfig(recorded: Record<string, unknown>, config: TrainConfig): boolean {
  const parsed = TrainConfig.safeParse(recorded);
  return parsed.success && isDeepStrictEqual(parsed.data, config);
}
