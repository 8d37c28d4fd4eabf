// The run-folder contract between training and the site. Every file name and
// format inside a run folder is defined in src/runs and nowhere else.
import { z } from 'zod';
import { isCssColor } from './css-colors';

/** Bumped whenever a run folder's files change shape; readers refuse others. */
export const FORMAT_VERSION = 1;

export const RUN_FILE = 'run.json';
export const METRICS_FILE = 'metrics.jsonl';
export const GENERATIONS_FILE = 'generations.jsonl';
export const CHECKPOINT_DIR = 'checkpoint';
/** A command run's program's stdout and stderr, as it wrote them. */
export const COMMAND_LOG = 'command.log';
/** The run folder's own files: a program's output folder may not be one of them. */
export const RUN_FOLDER_FILES = [RUN_FILE, METRICS_FILE, GENERATIONS_FILE, CHECKPOINT_DIR, COMMAND_LOG];

/** A value a sweep can vary: numbers mostly, strings and booleans allowed. */
export const ParamValue = z.union([z.number(), z.string(), z.boolean()]);
export type ParamValue = z.infer<typeof ParamValue>;

export const RunStatus = z.enum(['running', 'completed', 'failed', 'interrupted']);
export type RunStatus = z.infer<typeof RunStatus>;

/** Checked wherever a color is read, because it reaches a page's style attribute. */
const cssColor = z.string().refine(isCssColor, 'expected a CSS color name (e.g. violet) or #rgb/#rrggbb');

/** A metric over a large sample: its mean, how much one step's value (a batch of the step's size) scatters, and the mean's standard error. */
const SampledMetric = z.strictObject({ mean: z.number(), step_sd: z.number().nonnegative(), se: z.number().nonnegative() });

/**
 * The reference model's metrics as a run measures them at its first step (before any
 * update the policy is the reference), over many steps' worth of samples: what the
 * report compares a run's metrics with (src/train/reference-sample.ts).
 */
export const ReferenceSample = z.strictObject({
  samples: z.number().int().positive(),
  /** Samples per batch: a step's. */
  batch: z.number().int().positive(),
  raw_reward: SampledMetric,
  repetition: SampledMetric,
  diversity: SampledMetric,
  fluency: SampledMetric,
  grammatical: SampledMetric,
});
export type ReferenceSample = z.infer<typeof ReferenceSample>;

/** The reference model a run started from and was held to by the KL penalty: how well it learnt the corpus. */
export const RunReference = z.strictObject({
  /** Its cache key. */
  hash: z.string(),
  /** Cross-entropy on held-out stories, whole, from <bos>: nats per token. */
  held_out_loss: z.number(),
  /** The story generator's own cross-entropy on those stories: the lowest any model can reach. */
  bound: z.number(),
  held_out_stories: z.number().int().nonnegative(),
  /** Its pretraining's wall-clock and process CPU seconds. */
  pretrain_seconds: z.number().nonnegative(),
  pretrain_cpu_seconds: z.number().nonnegative(),
  /** A few stories it wrote from the prompt, to its <eos>. */
  samples: z.array(z.string()),
  /** Its metrics over a large sample, as a run's first step measures them; absent in runs trained before. */
  sample: ReferenceSample.optional(),
});
export type RunReference = z.infer<typeof RunReference>;

const count = z.number().int().nonnegative();

/** Where an imported run came from (`npm run import`): absent in trained runs. */
export const RunSource = z.strictObject({
  /** What wrote the files. */
  format: z.enum(['tensorboard', 'csv', 'hf']),
  /** The folder or file imported from, as given to the import. */
  root: z.string(),
  /** The run's path under root ('.' for root itself): TensorBoard's run name. With `sweep`, what identifies the run. */
  run: z.string(),
  /** The files read, their paths relative to root. */
  files: z.array(z.strictObject({ path: z.string(), size: count, sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
  /** What the files held that was not imported, by kind: { histogram: 12 }. */
  skipped: z.record(z.string(), count),
});
export type RunSource = z.infer<typeof RunSource>;

/**
 * What a command sweep's program (the sweep file's `command:`) writes for
 * sweepbook to import: an importer's format, or `run-folder`, metrics.jsonl and
 * generations.jsonl lines as this module defines them.
 */
export const OutputFormat = z.enum(['tensorboard', 'csv', 'hf', 'run-folder']);
export type OutputFormat = z.infer<typeof OutputFormat>;

/** The program a command run ran (its last attempt) and how it ended: absent in runs of the built-in trainer and imported runs. */
export const RunProcess = z.strictObject({
  /** The command as run, placeholders filled in. */
  argv: z.array(z.string()).min(1),
  /** While it runs: its pid (the leader of its own process group), on `host`. */
  pid: z.number().int().positive().nullable(),
  /** The pid's start time as the kernel counts it (Linux), so a later process given the same pid is not taken for it. */
  pid_start: z.string().nullable(),
  host: z.string(),
  /** How it exited: a code, or the signal that killed it; both null while it runs. */
  exit_code: z.number().int().nullable(),
  signal: z.string().nullable(),
  /** The last lines it wrote to stderr. */
  stderr_tail: z.array(z.string()),
});
export type RunProcess = z.infer<typeof RunProcess>;

export const RunInfo = z.strictObject({
  format: z.number().int(),
  /** The run's folder name (checked by the reader). */
  id: z.string().min(1),
  sweep: z.string().min(1),
  /** The varied parameter values, e.g. { beta: 0.01 }; an imported run's hyperparameters and its `run` path. */
  params: z.record(z.string(), ParamValue),
  /** How the sweep file labels and colors this run (copied so a run folder describes itself). */
  label: z.string(),
  color: cssColor,
  seed: z.number().int(),
  /** The full resolved training config; {} for an imported run. */
  config: z.record(z.string(), z.unknown()),
  status: RunStatus,
  created: z.iso.datetime(),
  updated: z.iso.datetime(),
  finished: z.iso.datetime().nullable(),
  steps_done: z.number().int().nonnegative(),
  total_steps: z.number().int().nonnegative(),
  /** The tfjs backend that ran, e.g. "wasm"; null before training starts. */
  backend: z.string().nullable(),
  /** Absent in runs trained before it was recorded. */
  reference: RunReference.optional(),
  /** sweepbook's package version. */
  version: z.string(),
  error: z.string().nullable(),
  generations: z.strictObject({
    /** Generations offered to the reservoir. */
    seen: count,
    /** Generations kept in generations.jsonl. */
    kept: count,
    /** Reservoir size; 0 keeps every generation. */
    capacity: count,
  }),
  source: RunSource.optional(),
  process: RunProcess.optional(),
});
export type RunInfo = z.infer<typeof RunInfo>;

/**
 * A number a double holds. JSON.parse reads one too large (1e400) as
 * Infinity, which the format writes as null: a writer's bug, named as such.
 */
function finiteNumber() {
  return z.number({
    error: (issue) =>
      issue.input === Infinity || issue.input === -Infinity ? 'a number too large for a double (read as infinity): the format writes null for a non-finite value' : undefined,
  });
}

/**
 * One line of metrics.jsonl: step, wall time in seconds since the epoch (null
 * for runs imported from a source that records none), and any number of named
 * scalar metrics. null stands for a non-finite value (NaN or infinity), which
 * JSON cannot hold.
 */
export const MetricsLine = z
  .object({
    step: z.number().int().nonnegative(),
    time: finiteNumber().nullable(),
  })
  .catchall(finiteNumber().nullable());
export type MetricsLine = z.infer<typeof MetricsLine>;

/** One line of generations.jsonl: a generated text and the step it came from. */
export const GenerationLine = z.strictObject({
  step: z.number().int().nonnegative(),
  text: z.string(),
  /** The summary's tag, for a text imported from TensorBoard. */
  tag: z.string().optional(),
});
export type GenerationLine = z.infer<typeof GenerationLine>;

/** One value of the swept parameter, as written in a sweep file. */
export const SweepValue = z.strictObject({
  value: ParamValue,
  label: z.string().min(1).optional(),
  color: cssColor.optional(),
});

/** A distribution a random search draws a param from. */
export const Distribution = z.union([
  z.strictObject({ uniform: z.tuple([z.number(), z.number()]) }),
  z.strictObject({ log_uniform: z.tuple([z.number().positive(), z.number().positive()]) }),
  z.strictObject({ choice: z.array(ParamValue).min(1) }),
  /** Whole numbers low to high, both included (a batch size, a layer count). */
  z.strictObject({ int_uniform: z.tuple([z.number().int(), z.number().int()]) }),
  /** Whole numbers low to high, both included, evenly spread in log scale (a width of 16 to 1024). */
  z.strictObject({ int_log_uniform: z.tuple([z.number().int().positive(), z.number().int().positive()]) }),
]);
export type Distribution = z.infer<typeof Distribution>;

/** content/sweeps/<id>.yaml; the id is the file name. */
export const SweepFile = z.strictObject({
  title: z.string().min(1),
  description: z.string().optional(),
  /** The training config key that this sweep varies, e.g. "beta" (with values:). */
  vary: z.string().min(1).optional(),
  values: z.array(SweepValue).min(1).optional(),
  /** Several params at once: every combination of these lists, e.g. { beta: [0.1, 1], lr: [0.001, 0.003] }. */
  grid: z.record(z.string(), z.array(ParamValue).min(1)).optional(),
  /** Several params at once: `draws` points drawn from the stated distributions, with the draws' own seed. */
  random: z
    .strictObject({
      draws: z.number().int().positive(),
      seed: z.number().int().default(0),
      params: z.record(z.string(), Distribution),
    })
    .optional(),
  /** Several params at once, the points listed: [{ beta: 1, lr: 0.001 }, ...], each naming every param (what an import of a search writes). */
  points: z.array(z.record(z.string(), ParamValue)).min(1).optional(),
  /** Of a grid's, a random search's or points:' params, the one colors follow (default: the first); the others are in labels. */
  color_by: z.string().min(1).optional(),
  /** Seeds: every value trains once per seed, seed s the same for every value (a paired comparison). */
  seeds: z.array(z.number().int()).min(1).optional(),
  /** The one seed of a sweep without seeds: `seed: 3` means `seeds: [3]`. */
  seed: z.number().int().optional(),
  /** Overrides of the default training config, shared by every run. */
  config: z.record(z.string(), z.unknown()).default({}),
  /**
   * `imported`: the runs come from `npm run import` (another program trained them),
   * a value's runs being the sweep's imported runs whose params hold it; `npm run
   * train` leaves the sweep alone. `trained` (the default): sweepbook trains them.
   */
  runs: z.enum(['trained', 'imported']).default('trained'),
  /**
   * Your own training program instead of the built-in trainer, run once per
   * (value, seed) without a shell: a command line (split into arguments as a
   * shell would, quotes kept, nothing expanded) or its arguments as a list.
   * Placeholders: {<vary>}, {seed}, {<config key>}, {steps}, {run_dir}, {out}, {resume}.
   */
  command: z.union([z.string().min(1), z.array(z.string()).min(1)]).optional(),
  /** What the command writes into {out}, and where {out} is in the run folder (default `out`). */
  output: z.union([OutputFormat, z.strictObject({ format: OutputFormat, path: z.string().min(1).default('out') })]).optional(),
  /** A command's steps per run: its progress bars' end, and {steps}. */
  steps: z.number().int().positive().optional(),
});
export type SweepFile = z.infer<typeof SweepFile>;

/** A loaded sweep: labels and colors filled in. */
export interface Sweep {
  id: string;
  file: string;
  title: string;
  description?: string;
  /** The param colors follow: the one of values:, a grid's or random search's color_by:. */
  vary: string;
  /** At least one, distinct; `[0]` when the file names none. */
  seeds: number[];
  config: Record<string, unknown>;
  runs: 'trained' | 'imported';
  /** How the points were given: `values:` of one param, a `grid:`, a `random:` search, or `points:` listed. */
  search: 'values' | 'grid' | 'random' | 'points';
  /** Every param the sweep varies, `vary` first: [vary] for a sweep of values:. */
  varied: string[];
  /** The points, each trained once per seed: of a sweep of values:, one per value. */
  values: SweepPoint[];
  /** A sweep of your own program (`command:`); absent for the built-in trainer. */
  command?: SweepCommand;
}

/**
 * One point of a sweep: its params (every varied param's value), its value of
 * `vary` (which its color follows), and its label, unique in the sweep, which
 * names it in legends, tables and directives.
 */
export interface SweepPoint {
  value: ParamValue;
  params: Record<string, ParamValue>;
  label: string;
  color: string;
}

/** A command sweep's program, as its sweep file gives it. */
export interface SweepCommand {
  /** As written: a command line, or its arguments. */
  command: string | string[];
  output: { format: OutputFormat; path: string };
  steps?: number;
}
