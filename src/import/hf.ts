// Reads Hugging Face Trainer runs: the trainer_state.json that transformers'
// Trainer (and so every TRL trainer, each one a Trainer) writes into each
// checkpoint-<N>/ of its output_dir, and into the output_dir itself on
// trainer.save_state(). A run is an output_dir. The file has no wall times.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { z } from 'zod';
import type { ParamValue } from '../runs';
import { firstIssue } from '../runs/errors';
import { StateFileError } from './errors';
import type { ImportedRun } from './imported-run';
import { parsePythonJson, PythonJsonError } from './python-json';
import { SeriesBuilder } from './series';

const STATE_FILE = 'trainer_state.json';
/** A checkpoint folder, named by the global_step it was saved at. */
const CHECKPOINT = /^checkpoint-(\d+)$/;
// transformers 4.36 saved a checkpoint into tmp-checkpoint-<N>/ and renamed it once
// complete: such a folder is a checkpoint being written (or one whose rename failed),
// not a run of its own.
const TMP_CHECKPOINT = /^tmp-checkpoint-\d+$/;

/**
 * The fields of a TrainerState that are imported. The others are not: the run
 * settings (max_steps, num_train_epochs, logging_steps, eval_steps, save_steps,
 * train_batch_size) are not swept hyperparameters, best_* and total_flos repeat
 * what log_history holds, and the rest is the trainer's bookkeeping.
 */
const TrainerState = z.looseObject(
  {
    global_step: z
      .int({ error: (issue) => (issue.input === undefined ? 'missing: a trainer_state.json has a global_step' : 'not a whole number') })
      .min(0, { error: 'negative' }),
    log_history: z.array(z.record(z.string(), z.unknown(), { error: 'not an object' }), {
      error: (issue) => (issue.input === undefined ? 'missing: a trainer_state.json has a log_history list' : 'not a list'),
    }),
    // A dict of what a Trainer.hyperparameter_search trial sampled; null outside a search.
    trial_params: z.record(z.string(), z.unknown(), { error: 'not a dict' }).nullish(),
  },
  { error: 'not an object: a trainer_state.json holds one TrainerState object' },
);
type TrainerState = z.infer<typeof TrainerState>;

interface StateFile {
  /** Relative to the root, '/'-separated. */
  file: string;
  bytes: Buffer;
  state: TrainerState;
}

/** A run's trainer_state.json files: the output_dir's own, and its checkpoints' by step. */
interface RunStates {
  own?: string;
  checkpoints: { step: number; file: string }[];
}

/**
 * The runs under `root`: each output_dir holding a trainer_state.json, itself or
 * in a checkpoint-<N>/ folder, in order of path. Throws a StateFileError for a
 * state file that cannot be read.
 */
export function readHfRuns(root: string): ImportedRun[] {
  const runs = new Map<string, RunStates>();
  for (const file of findStateFiles(root)) {
    const folder = posix.dirname(file);
    const checkpoint = folder === '.' ? null : CHECKPOINT.exec(posix.basename(folder));
    const run = checkpoint ? posix.dirname(folder) : folder;
    let states = runs.get(run);
    if (!states) runs.set(run, (states = { checkpoints: [] }));
    if (checkpoint) states.checkpoints.push({ step: Number(checkpoint[1]), file });
    else states.own = file;
  }
  return [...runs.keys()].sort().map((path) => toRun(path, newestState(root, runs.get(path)!)));
}

/** Every trainer_state.json under `root`, relative to it, in code-unit order; hidden folders and node_modules are not looked into. */
function findStateFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
      const path = folder === '.' ? entry.name : `${folder}/${entry.name}`;
      // Folders are walked only if real ones: a symlink to a folder could lead round in a loop.
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && entry.name !== 'node_modules' && !TMP_CHECKPOINT.test(entry.name)) walk(path);
      } else if (entry.name === STATE_FILE) found.push(path);
    }
  };
  walk('.');
  return found.sort();
}

/**
 * The state with the highest global_step, the output_dir's own on a tie: its
 * log_history holds every entry of the others. Checkpoints are taken by the step
 * in their folder's name (transformers names it by global_step), so that only the
 * newest one is parsed, not every one of them, each a copy of the same history.
 */
function newestState(root: string, states: RunStates): StateFile {
  const own = states.own === undefined ? undefined : readState(root, states.own);
  const newest = [...states.checkpoints].sort((a, b) => b.step - a.step)[0];
  if (own && (newest === undefined || own.state.global_step >= newest.step)) return own;
  // A run has a state file: without one of its own, it has a checkpoint.
  const checkpoint = readState(root, newest!.file);
  return own && own.state.global_step >= checkpoint.state.global_step ? own : checkpoint;
}

function readState(root: string, file: string): StateFile {
  const path = join(root, file);
  const bytes = readFileSync(path);
  let json: unknown;
  try {
    json = parsePythonJson(bytes.toString('utf8'));
  } catch (error) {
    if (!(error instanceof PythonJsonError)) throw error;
    const detail = error.cut
      ? `${error.detail}: the file looks cut, as one is while the trainer writes it (transformers does not write it ` +
        `atomically); import again once the checkpoint is saved`
      : `not JSON: ${error.detail}`;
    throw new StateFileError(path, detail, { line: error.line, column: error.column });
  }
  const parsed = TrainerState.safeParse(json);
  if (!parsed.success) {
    const { field, message, path: fieldPath } = firstIssue(parsed.error);
    throw new StateFileError(path, message, undefined, fieldPath.length > 0 ? field : undefined);
  }
  return { file, bytes, state: parsed.data };
}

function toRun(path: string, { file, bytes, state }: StateFile): ImportedRun {
  const skipped: Record<string, number> = {};
  const skip = (kind: string) => {
    skipped[kind] = (skipped[kind] ?? 0) + 1;
  };
  const builder = new SeriesBuilder();
  for (const entry of state.log_history) {
    const step = entry.step;
    if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) {
      skip('entry without a step');
      continue;
    }
    // A train log and an eval log at one step merge into that step; `epoch`, in
    // both, is a metric like the others, so that a figure can plot it.
    for (const [name, value] of Object.entries(entry)) {
      if (name === 'step') continue;
      if (typeof value === 'number') builder.add(name, step, value, null);
      else skip('non-numeric value');
    }
  }
  const params: Record<string, ParamValue> = {};
  for (const [name, value] of Object.entries(state.trial_params ?? {})) {
    // A param is a string, a boolean or a finite number: run.json can hold no NaN.
    if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) {
      params[name] = value;
    } else skip('trial param not a string, finite number or boolean');
  }
  return {
    path,
    scalars: builder.series,
    texts: [],
    params,
    // Only the state read: the others' log_history is a part of its own, so they
    // add nothing to the run, and with save_total_limit the trainer deletes old
    // checkpoints, which would change the run's sources on each import.
    files: [{ path: file, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }],
    skipped,
    warnings: builder.restartWarnings(),
  };
}
