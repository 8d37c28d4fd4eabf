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
  type Run,
  ParamValue,
  type OutputFormat,
  type Sweep,
  type SweepCommand,
  type SweepRunsMatch,
  type SweepUnit,
} from '../runs';
import { CONFIG_KEYS, nearestConfigKey, resolveConfig, TrainConfig } from '../train/config';
import { nearestName } from '../nearest-name';
import { commandArguments, CommandLineError, placeholdersOf } from './command-line';

/**
 * What a command run records as its config, and so what it is matched by: the
 * command (placeholders unfilled), its output, steps:, the seed and every
 * placeholder's value (the varied param's, config:'s).
 */
export interface CommandConfig extends Record<string, unknown> {
  command: string[];
  output: { format: OutputFormat; path: string };
  steps?: number;
  seed: number;
}

/** One run of the plan, whole enough to be sent to a worker process as JSON. */
export type Job = BuiltinJob | CommandJob;

/** A run of the built-in trainer (src/train). */
export interface BuiltinJob extends JobBase {
  kind: 'builtin';
  config: TrainConfig;
}

/** A run of a sweep file's own program (src/runner/command.ts). */
export interface CommandJob extends JobBase {
  kind: 'command';
  config: CommandConfig;
}

interface JobBase {
  sweep: string;
  /** The value's label, e.g. "beta=10". */
  label: string;
  /** What progress and summary lines call the run: the label, and its seed when the sweep has several. */
  name: string;
  color: string;
  params: Record<string, ParamValue>;
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
 * values are compared on the same random draws. A bad config (or command) is
 * a SweepFileError naming the field.
 */
export function sweepUnits(sweep: Sweep, quick: boolean): SweepUnit<TrainConfig>[] | SweepUnit<CommandConfig>[] {
  return sweep.command ? commandUnits(sweep, sweep.command) : trainerUnits(sweep, quick);
}

/** sweepUnits of a sweep of the built-in trainer. */
export function trainerUnits(sweep: Sweep, quick: boolean): SweepUnit<TrainConfig>[] {
  return sweep.seeds.flatMap((seed) =>
    sweep.values.map(({ params, label, color }, index) => {
      const overrides = { ...sweep.config, seed, ...params };
      try {
        return { params, label, color, seed, config: resolveConfig(overrides, { quick }) };
      } catch (error) {
        if (!(error instanceof z.ZodError)) throw error;
        const { message, field } = describeIssue(error, sweep, index);
        throw new SweepFileError(sweep.file, message, sweepFieldLine(sweep.file, field.split('.')), field);
      }
    }),
  );
}

/** Placeholders every command run has a value for, besides the varied param's and config:'s. */
const RUN_PLACEHOLDERS = ['seed', 'run_dir', 'out', 'resume'];

/**
 * sweepUnits of a command sweep. The command must name what tells its runs
 * apart ({<vary>}, {seed} with several seeds) and where to write ({out} or
 * {run_dir}), and use every key of config: (a placeholder is all one is for);
 * a placeholder with no value is an error before anything runs.
 */
export function commandUnits(sweep: Sweep, { command, output, steps }: SweepCommand): SweepUnit<CommandConfig>[] {
  const fail = (message: string, field: string) => new SweepFileError(sweep.file, message, sweepFieldLine(sweep.file, field.split('.')), field);
  let args: string[];
  try {
    args = commandArguments(command);
  } catch (error) {
    if (!(error instanceof CommandLineError)) throw error;
    throw fail(error.message, 'command');
  }
  const reserved = [...RUN_PLACEHOLDERS, 'steps', 'command', 'output'];
  const ownName = sweep.varied.find((name) => reserved.includes(name));
  if (ownName) throw fail(`{${ownName}} is sweepbook's own placeholder: vary a param of another name`, variedField(sweep, ownName));
  for (const [key, value] of Object.entries(sweep.config)) {
    if (key === 'steps') throw fail('give a command\'s steps as steps: (beside command:), not in config:', `config.${key}`);
    if (reserved.includes(key)) throw fail(`"${key}" is sweepbook's own placeholder: give config: keys of other names`, `config.${key}`);
    if (!ParamValue.safeParse(value).success) throw fail(`a command sweep's config: holds the values of placeholders: a number, text or true/false, not ${JSON.stringify(value)}`, `config.${key}`);
  }
  const known = [...sweep.varied, 'seed', ...Object.keys(sweep.config), ...(steps === undefined ? [] : ['steps']), 'run_dir', 'out', 'resume'];
  const used = new Set(args.flatMap(placeholdersOf));
  for (const name of used) {
    if (known.includes(name)) continue;
    if (name === 'steps') throw fail('{steps} needs steps: beside command:, the number of steps each run takes', 'command');
    const nearest = nearestName(name, known);
    throw fail(`{${name}} is not a placeholder${nearest ? ` (did you mean {${nearest}}?)` : ''}; the placeholders: ${known.map((k) => `{${k}}`).join(', ')}`, 'command');
  }
  for (const name of sweep.varied) {
    if (!used.has(name)) throw fail(`the command never uses {${name}}: ${sweep.varied.length > 1 ? `points that differ only in ${name}` : 'every value'} would run the same program`, 'command');
  }
  if (sweep.seeds.length > 1 && !used.has('seed')) throw fail('the command never uses {seed}: every seed would run the same program', 'command');
  if (!used.has('out') && !used.has('run_dir')) throw fail(`the command never says where to write: pass it {out}, the folder it writes its ${output.format} output into`, 'command');
  for (const key of Object.keys(sweep.config)) {
    if (!used.has(key)) throw fail(`the command never uses {${key}}: in a command sweep, config: holds placeholders' values`, `config.${key}`);
  }
  return sweep.seeds.flatMap((seed) =>
    sweep.values.map(({ params, label, color }, index) => {
      const empty = Object.keys(params).find((name) => params[name] === '');
      if (empty !== undefined) throw fail('a value of a command sweep cannot be empty text: it would be an empty argument', pointField(sweep, empty, index));
      const config: CommandConfig = { ...sweep.config, ...params, seed, command: args, output, ...(steps === undefined ? {} : { steps }) };
      return { params, label, color, seed, config };
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
    return { message, field: sweep.varied.includes(key) ? variedField(sweep, key) : `config.${key}` };
  }
  const [key, ...rest] = issue.path.map(String);
  const field = sweep.varied.includes(key) ? pointField(sweep, key, index) : key in sweep.config ? `config.${key}` : key;
  return { message: issue.message, field: [field, ...rest].join('.') };
}

/** Where the sweep file names a varied param: `vary`, `grid.lr`, `random.params.lr`. */
function variedField(sweep: Sweep, name: string): string {
  return { values: 'vary', grid: `grid.${name}`, random: `random.params.${name}`, points: 'points' }[sweep.search];
}

/** Where the sweep file gives the `index`-th point's value of a varied param (its list, or its distribution). */
function pointField(sweep: Sweep, name: string, index: number): string {
  return sweep.search === 'values' ? `values.${index}.value` : sweep.search === 'points' ? `points.${index}.${name}` : variedField(sweep, name);
}

/**
 * The runs of each unit of a sweep as the sweep file resolves now (with
 * `--quick` or not), by src/runs' rule: the plan and the site both ask this.
 * Runs of other sweeps count too: one with a unit's config stands for it.
 * An imported sweep's units are matched by params (quick or not alike).
 */
export function sweepRunsNow(sweep: Sweep, runsDir: string, quick: boolean): SweepRunsMatch<Record<string, unknown>> {
  const runs = listRuns(runsDir);
  // Once per list of runs: a build's is one snapshot, and every run page asks for its sweep's match
  // (a match is O(runs x units): asked by each of 1,000 run pages, it was most of the build; issue 28).
  // Training and npm run dev list the runs afresh each time, so they match afresh.
  let ofRuns = matched.get(runs);
  if (!ofRuns) matched.set(runs, (ofRuns = new Map()));
  const key = `${quick}\n${JSON.stringify(sweep)}`;
  let match = ofRuns.get(key);
  if (!match) ofRuns.set(key, (match = sweep.runs === 'imported' ? matchImportedSweepRuns(runs, sweep) : trainedSweepRuns(sweep, runs, quick)));
  return match;
}
const matched = new WeakMap<Run[], Map<string, SweepRunsMatch<Record<string, unknown>>>>();

function trainedSweepRuns(sweep: Sweep, runs: Run[], quick: boolean): SweepRunsMatch<TrainConfig> | SweepRunsMatch<CommandConfig> {
  if (sweep.command) return matchSweepRuns(runs, commandUnits(sweep, sweep.command), recordedCommandConfig, sweep.id);
  return matchSweepRuns(runs, trainerUnits(sweep, quick), parseRecordedConfig, sweep.id);
}

/** Configs compare after parsing, so a default added to TrainConfig since the run does not count as a change. */
function parseRecordedConfig(run: Run): TrainConfig | undefined {
  if (run.info.source || run.info.process) return undefined; // imported, or a command's: not a training config, whatever it parses as
  const parsed = TrainConfig.safeParse(run.info.config);
  return parsed.success ? parsed.data : undefined;
}

/** A command run's config is what it recorded; only command runs have one. */
function recordedCommandConfig(run: Run): CommandConfig | undefined {
  return run.info.process ? (run.info.config as CommandConfig) : undefined;
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
    const { units } = trainedSweepRuns(sweep, listRuns(runsDir), opts.quick);
    // --fresh sets aside the runs there are now, not those another trainer makes meanwhile.
    const setAside = opts.fresh ? units.flatMap((unit) => unit.runs.map((run) => run.info.id)) : [];
    for (const unit of units) {
      const { params, label, color, seed, config, completed, unfinished } = unit;
      const key = JSON.stringify(config);
      if (listed.has(key)) continue;
      listed.add(key);
      const mine = position++ % opts.shard.count === opts.shard.index - 1;
      if (!mine) continue;
      if (completed && !opts.fresh) {
        plan.done.push(completed);
        continue;
      }
      const base: JobBase = {
        sweep: sweep.id,
        label,
        name: sweep.seeds.length > 1 ? `${label} seed=${seed}` : label,
        color,
        params,
        runsDir,
        resumeDir: opts.fresh ? null : (unfinished?.dir ?? null),
        setAside,
      };
      plan.jobs.push(sweep.command ? { ...base, kind: 'command', config: config as CommandConfig } : { ...base, kind: 'builtin', config: config as TrainConfig });
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
  job: Pick<BuiltinJob, 'kind' | 'sweep' | 'label' | 'color' | 'params' | 'config' | 'setAside'> | Pick<CommandJob, 'kind' | 'sweep' | 'label' | 'color' | 'params' | 'config' | 'setAside'>,
): { done: Run } | { resumeDir: string | null } {
  const candidates = runs.filter((run) => !job.setAside.includes(run.info.id));
  const { params, label, color, sweep } = job;
  const [match] =
    job.kind === 'command'
      ? matchSweepRuns(candidates, [{ params, label, color, seed: job.config.seed, config: job.config }], recordedCommandConfig, sweep).units
      : matchSweepRuns(candidates, [{ params, label, color, seed: job.config.seed, config: job.config }], parseRecordedConfig, sweep).units;
  return match.completed ? { done: match.completed } : { resumeDir: match.unfinished?.dir ?? null };
}
