import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StateFileError } from '../src/import/errors';
import { readHfRuns } from '../src/import/hf';
import type { ImportedRun } from '../src/import/imported-run';
import { parsePythonJson, PythonJsonError } from '../src/import/python-json';

const FIXTURES = join(import.meta.dirname, 'fixtures/hf');

function runAt(runs: ImportedRun[], path: string): ImportedRun {
  const run = runs.find((r) => r.path === path);
  if (!run) throw new Error(`no run ${path} among ${runs.map((r) => r.path).join(', ')}`);
  return run;
}

/** A metric's points as [step, value] pairs. */
function points(run: ImportedRun, tag: string): [number, number][] {
  const series = run.scalars.get(tag);
  if (!series) throw new Error(`no metric ${tag} in run ${run.path}`);
  return series.steps.map((step, i) => [step, series.values[i]]);
}

/** The error `read` throws, to compare its whole message. */
function errorOf(read: () => unknown): Error {
  try {
    read();
  } catch (error) {
    return error as Error;
  }
  throw new Error('did not throw');
}

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/** A temporary root holding `files` (path -> text, or a state object written as JSON). */
function rootWith(files: Record<string, string | object>): string {
  const root = mkdtempSync(join(tmpdir(), 'sweepbook-hf-'));
  dirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return root;
}

const fixture = (path: string) => readFileSync(join(FIXTURES, path), 'utf8');

describe('readHfRuns on the fixtures (tests/fixtures/hf/SOURCES.md)', () => {
  const runs = readHfRuns(FIXTURES);
  const trainer = runAt(runs, 'trainer');

  it('gives one run per output_dir, in order of path: a checkpoint-<N> folder belongs to the folder above it', () => {
    expect(runs.map((run) => run.path)).toEqual(['grpo', 'hp-search/run-0', 'hp-search/run-1', 'nan', 'trainer']);
  });

  it('reads the state with the highest global_step, the save_state one at 1200 over checkpoint-500 and checkpoint-1000, and names only it', () => {
    const bytes = readFileSync(join(FIXTURES, 'trainer/trainer_state.json'));
    expect(trainer.files).toEqual([
      { path: 'trainer/trainer_state.json', size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') },
    ]);
    expect(trainer.files[0].size).toBe(2255);
    expect(points(trainer, 'loss').at(-1)).toEqual([1200, 1.5421]);
  });

  it('gives each train log field as a metric at the entry step, with the values as written', () => {
    expect(points(trainer, 'loss')).toEqual([
      [200, 2.2381],
      [400, 1.9034],
      [600, 1.7712],
      [800, 1.6498],
      [1000, 1.5803],
      [1200, 1.5421],
    ]);
    expect(points(trainer, 'grad_norm').map(([, value]) => value)).toEqual([3.4127, 2.8731, 2.551, 2.3002, 2.1894, 2.0733]);
    expect(points(trainer, 'learning_rate').map(([, value]) => value)).toEqual([
      4.166666666666667e-5, 3.333333333333334e-5, 2.5e-5, 1.666666666666667e-5, 8.333333333333332e-6, 0,
    ]);
  });

  it('keeps eval metrics sparse, at their own steps only', () => {
    expect(points(trainer, 'eval_loss')).toEqual([
      [500, 1.8127],
      [1000, 1.6954],
    ]);
    expect(points(trainer, 'eval_steps_per_second')).toEqual([
      [500, 38.976],
      [1000, 39.077],
    ]);
  });

  it('merges entries at one step (train log, eval log, final summary) into that step, epoch a metric once per step', () => {
    expect([...trainer.scalars.keys()]).toEqual([
      'epoch',
      'grad_norm',
      'learning_rate',
      'loss',
      'eval_loss',
      'eval_runtime',
      'eval_samples_per_second',
      'eval_steps_per_second',
      'total_flos',
      'train_loss',
      'train_runtime',
      'train_samples_per_second',
      'train_steps_per_second',
    ]);
    expect(points(trainer, 'epoch')).toEqual([
      [200, 0.5],
      [400, 1],
      [500, 1.25],
      [600, 1.5],
      [800, 2],
      [1000, 2.5],
      [1200, 3],
    ]);
    expect(points(trainer, 'train_loss')).toEqual([[1200, 1.7808]]);
    expect(points(trainer, 'total_flos')).toEqual([[1200, 2.51244e15]]);
    expect(trainer.skipped).toEqual({});
    expect(trainer.warnings).toEqual([]);
  });

  it('has no times: trainer_state.json records none', () => {
    for (const run of runs) {
      for (const series of run.scalars.values()) expect(series.times).toEqual(series.steps.map(() => null));
    }
    expect(trainer.texts).toEqual([]);
  });

  it('takes params from trial_params only: a run outside a search has none', () => {
    expect(trainer.params).toEqual({});
    expect(runAt(runs, 'hp-search/run-0').params).toEqual({ learning_rate: 3.1e-5, num_train_epochs: 1, per_device_train_batch_size: 16, seed: 11 });
    expect(runAt(runs, 'hp-search/run-1').params).toEqual({ learning_rate: 8.4e-5, num_train_epochs: 1, per_device_train_batch_size: 32, seed: 29 });
    expect(points(runAt(runs, 'hp-search/run-1'), 'eval_loss')).toEqual([[100, 1.75]]);
    expect(runAt(runs, 'hp-search/run-1').files.map((file) => file.path)).toEqual(['hp-search/run-1/checkpoint-100/trainer_state.json']);
  });

  it("grpo: TRL's tags as they are; on a global_step tie the output_dir's own state (with the final summary) over checkpoint-15", () => {
    const grpo = runAt(runs, 'grpo');
    expect(grpo.files.map((file) => file.path)).toEqual(['grpo/trainer_state.json']);
    expect(points(grpo, 'train_runtime')).toEqual([[15, 912.4]]);
    expect(points(grpo, 'rewards/accuracy_reward/mean')).toEqual([
      [5, 0.25],
      [10, 0.375],
      [15, 0.5],
    ]);
    expect(points(grpo, 'kl').map(([, value]) => value)).toEqual([0.00045, 0.0021, 0.0038]);
    expect(points(grpo, 'completions/mean_length').map(([, value]) => value)).toEqual([181.25, 163.5, 150.75]);
    expect(points(grpo, 'clip_ratio/region_mean').map(([, value]) => value)).toEqual([0, 0, 0]);
    expect(points(grpo, 'num_tokens').map(([, value]) => value)).toEqual([94720, 189440, 284160]);
    expect(grpo.scalars.size).toBe(31);
  });

  it('nan: NaN, Infinity and -Infinity as Python writes them; strings, booleans, lists and dicts skipped and counted', () => {
    const nan = runAt(runs, 'nan');
    expect(points(nan, 'loss')).toEqual([
      [10, 2.3026],
      [20, NaN],
      [30, NaN],
      [40, NaN],
    ]);
    expect(points(nan, 'grad_norm')).toEqual([
      [10, 8.5],
      [20, Infinity],
      [30, NaN],
      [40, NaN],
    ]);
    expect(points(nan, 'nan_guard/min_logit')).toEqual([[30, -Infinity]]);
    expect(points(nan, 'nan_guard/skipped_batches')).toEqual([[30, 2]]);
    expect(points(nan, 'eval_loss')).toEqual([[40, NaN]]);
    expect(nan.scalars.has('nan_guard/note')).toBe(false);
    expect(nan.skipped).toEqual({ 'non-numeric value': 4 });
  });

  it('reads a root that is itself the output_dir as the run "."', () => {
    expect(readHfRuns(join(FIXTURES, 'trainer')).map((run) => [run.path, run.files[0].path])).toEqual([['.', 'trainer_state.json']]);
    expect(readHfRuns(join(FIXTURES, 'hp-search/run-0')).map((run) => [run.path, run.files[0].path])).toEqual([
      ['.', 'checkpoint-100/trainer_state.json'],
    ]);
  });
});

const state = (global_step: number, log_history: unknown[], extra: object = {}) => ({ global_step, log_history, trial_params: null, ...extra });

describe('readHfRuns, on state files the test writes', () => {
  it('reads a checkpoint whose global_step is above the output_dir own (a run resumed after save_state)', () => {
    const root = mkdtempSync(join(tmpdir(), 'sweepbook-hf-'));
    dirs.push(root);
    mkdirSync(join(root, 'out/checkpoint-1000'), { recursive: true });
    copyFileSync(join(FIXTURES, 'trainer/checkpoint-500/trainer_state.json'), join(root, 'out/trainer_state.json'));
    copyFileSync(join(FIXTURES, 'trainer/checkpoint-1000/trainer_state.json'), join(root, 'out/checkpoint-1000/trainer_state.json'));
    const [run] = readHfRuns(root);
    expect(run.files.map((file) => file.path)).toEqual(['out/checkpoint-1000/trainer_state.json']);
    expect(points(run, 'loss').map(([step]) => step)).toEqual([200, 400, 600, 800, 1000]);
  });

  it('parses only the newest checkpoint (by its folder name): an older one is not read', () => {
    const root = rootWith({
      'out/checkpoint-5/trainer_state.json': 'not read',
      'out/checkpoint-10/trainer_state.json': state(10, [{ loss: 1.5, step: 10 }]),
    });
    expect(readHfRuns(root).map((run) => [run.path, run.files[0].path])).toEqual([['out', 'out/checkpoint-10/trainer_state.json']]);
  });

  it('does not look into hidden folders, node_modules or tmp-checkpoint-<N> (a checkpoint being saved)', () => {
    const root = rootWith({
      '.cache/old/trainer_state.json': state(1, []),
      'node_modules/some-package/trainer_state.json': state(1, []),
      'out/tmp-checkpoint-20/trainer_state.json': '{"global_step": 20, "log_hist',
      'out/trainer_state.json': state(10, [{ loss: 1.5, step: 10 }]),
    });
    expect(readHfRuns(root).map((run) => [run.path, run.files[0].path])).toEqual([['out', 'out/trainer_state.json']]);
  });

  it('gives no runs for a folder without a trainer_state.json', () => {
    expect(readHfRuns(rootWith({ 'out/config.json': '{}' }))).toEqual([]);
  });

  it('skips and counts an entry without a whole step of 0 or more', () => {
    const root = rootWith({
      'trainer_state.json': state(4, [
        { loss: 1, step: 1 },
        { loss: 2 },
        { loss: 3, step: 2.5 },
        { loss: 4, step: '3' },
        { loss: 5, step: -1 },
        { loss: 6, step: 4 },
        { loss: 7, step: 0 },
      ]),
    });
    const [run] = readHfRuns(root);
    expect(run.skipped).toEqual({ 'entry without a step': 4 });
    expect(points(run, 'loss')).toEqual([[0, 7]]);
    expect(run.warnings).toEqual([
      "steps went back once (to step 0 from 4), as a restarted run's do: dropped the 2 points of 1 tag logged at those steps before the restart, as TensorBoard does",
    ]);
  });

  it('keeps the later value of a metric logged twice at one step', () => {
    const [run] = readHfRuns(rootWith({ 'trainer_state.json': state(10, [{ loss: 1, step: 10 }, { loss: 2, step: 10 }]) }));
    expect(points(run, 'loss')).toEqual([[10, 2]]);
    expect(run.warnings).toEqual([]);
  });

  it('drops the points a restart logged over, by TensorBoard rule, with a warning', () => {
    const history = [10, 20, 30, 15, 25].map((step) => ({ epoch: step / 100, loss: step / 10, step }));
    const [run] = readHfRuns(rootWith({ 'trainer_state.json': state(25, history) }));
    expect(points(run, 'loss')).toEqual([
      [10, 1],
      [15, 1.5],
      [25, 2.5],
    ]);
    expect(run.warnings).toEqual([
      "steps went back once (to step 15 from 30), as a restarted run's do: dropped the 4 points of 2 tags logged at those steps before the restart, as TensorBoard does",
    ]);
  });

  it('takes trial_params values that are strings, finite numbers or booleans, and counts the others', () => {
    const text =
      '{"global_step": 1, "log_history": [], "trial_params": {"learning_rate": 0.001, "optimizer": "adamw", "warmup": true, ' +
      '"layers": [1, 2], "scheduler": {"name": "cosine"}, "dropout": null, "weight_decay": NaN}}';
    const [run] = readHfRuns(rootWith({ 'trainer_state.json': text }));
    expect(run.params).toEqual({ learning_rate: 0.001, optimizer: 'adamw', warmup: true });
    expect(run.skipped).toEqual({ 'trial param not a string, finite number or boolean': 4 });
  });
});

describe('readHfRuns errors', () => {
  const errorFor = (text: string) => {
    const root = rootWith({ 'out/checkpoint-7/trainer_state.json': text });
    return { error: errorOf(() => readHfRuns(root)), file: join(root, 'out/checkpoint-7/trainer_state.json') };
  };

  it('names the file, line and column of a file that is not JSON', () => {
    const { error, file } = errorFor('{\n  "global_step": 5,\n  "log_history": [}\n');
    expect(error).toBeInstanceOf(StateFileError);
    expect(error.message).toBe(`${file}:3:19: not JSON: expected a value, found "}"`);
    expect(error.stack).toBe('');
    expect(errorFor('{"global_step": 5, "log_history": [{"loss": nan, "step": 1}]}').error.message).toMatch(
      /:1:45: not JSON: "nan" is not a JSON value$/,
    );
  });

  it('says a file cut short (the trainer writing it now) looks cut, and to import again once the checkpoint is saved', () => {
    const whole = fixture('trainer/checkpoint-1000/trainer_state.json');
    const cutAt = [0, whole.indexOf('1.5803') + 2, whole.indexOf('"eval_runtime"') + 5, whole.indexOf('false') + 3, whole.length - 3];
    for (const at of cutAt) {
      const cut = whole.slice(0, at);
      const lines = cut.split('\n');
      const { error, file } = errorFor(cut);
      expect(error).toBeInstanceOf(StateFileError);
      expect(error.message).toBe(
        `${file}:${lines.length}:${lines.at(-1)!.length + 1}: the JSON stops before it is complete: the file looks cut, ` +
          'as one is while the trainer writes it (transformers does not write it atomically); import again once the checkpoint is saved',
      );
    }
  });

  it('names the field: log_history missing or not a list, an entry not an object, global_step, trial_params, the whole', () => {
    const message = (text: string) => {
      const { error, file } = errorFor(text);
      expect(error).toBeInstanceOf(StateFileError);
      return error.message.replace(file, '<file>');
    };
    expect(message('{"global_step": 5}')).toBe('<file>: log_history: missing: a trainer_state.json has a log_history list');
    expect(message('{"global_step": 5, "log_history": {"loss": 1}}')).toBe('<file>: log_history: not a list');
    expect(message('{"global_step": 5, "log_history": [{"step": 1}, 2.5, {"step": 3}]}')).toBe('<file>: log_history.1: not an object');
    expect(message('{"global_step": 5, "log_history": [[1]]}')).toBe('<file>: log_history.0: not an object');
    expect(message('{"log_history": []}')).toBe('<file>: global_step: missing: a trainer_state.json has a global_step');
    expect(message('{"global_step": 2.5, "log_history": []}')).toBe('<file>: global_step: not a whole number');
    expect(message('{"global_step": 5, "log_history": [], "trial_params": [1]}')).toBe('<file>: trial_params: not a dict');
    expect(message('[{"step": 1}]')).toBe('<file>: not an object: a trainer_state.json holds one TrainerState object');
  });
});

describe('parsePythonJson', () => {
  it('reads NaN, Infinity and -Infinity outside strings, and leaves strings holding those words as they are', () => {
    const text =
      '{"a": NaN, "b": Infinity, "c": -Infinity, "d": [0, -0.5, 4.9e-05, 1.2e+16, 1E3], ' +
      '"e": "NaN, Infinity and -Infinity", "f": "say \\"NaN\\"\\n", "g": [true, false, null], "h": {}, "i": [], "\\u00e9\\ud83d\\ude00": 1}';
    expect(parsePythonJson(text)).toEqual({
      a: NaN,
      b: Infinity,
      c: -Infinity,
      d: [0, -0.5, 4.9e-5, 1.2e16, 1000],
      e: 'NaN, Infinity and -Infinity',
      f: 'say "NaN"\n',
      g: [true, false, null],
      h: {},
      i: [],
      'é😀': 1,
    });
  });

  it('gives the same value as JSON.parse for JSON without those words, a "__proto__" key included', () => {
    const text = fixture('hp-search/run-0/checkpoint-100/trainer_state.json');
    expect(parsePythonJson(text)).toEqual(JSON.parse(text));
    const proto = parsePythonJson('{"__proto__": {"polluted": 1}}') as Record<string, unknown>;
    expect(Object.keys(proto)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
  });

  it('names the line and column of what is not JSON, and does not call it cut', () => {
    const cases: [string, number, number, string][] = [
      ['{"a": 1,}', 1, 9, 'expected a key in quotes, found "}"'],
      ['[1 2]', 1, 4, `expected ',' or ']', found "2"`],
      ['{"a": 01}', 1, 7, '"01" is not a JSON value'],
      ['{"a":\n  -NaN}', 2, 3, '"-NaN" is not a JSON value'],
      ['{"a": 1} x', 1, 10, 'more after the end of the JSON value'],
      ['{"a": "tab\there"}', 1, 7, 'a string with a control character or an escape JSON does not have'],
      ["{'a': 1}", 1, 2, `expected a key in quotes, found "'"`],
    ];
    for (const [text, line, column, detail] of cases) {
      const error = errorOf(() => parsePythonJson(text));
      expect(error).toBeInstanceOf(PythonJsonError);
      expect({ line: (error as PythonJsonError).line, column: (error as PythonJsonError).column, detail: (error as PythonJsonError).detail }).toEqual({
        line,
        column,
        detail,
      });
      expect((error as PythonJsonError).cut).toBe(false);
    }
  });

  it('calls every text cut short of its end cut, at its end: inside a number, a word, a string, an escape, between values', () => {
    const whole = '{\n  "a": [1.5e-05, -Infinity, NaN, true, null, "x\\"y\\u00e9"],\n  "b": {"c": false}\n}';
    expect(parsePythonJson(whole)).toEqual({ a: [1.5e-5, -Infinity, NaN, true, null, 'x"yé'], b: { c: false } });
    for (let at = 0; at < whole.length; at++) {
      const cut = whole.slice(0, at);
      const lines = cut.split('\n');
      const error = errorOf(() => parsePythonJson(cut)) as PythonJsonError;
      expect([at, error.cut, error.line, error.column, error.detail]).toEqual([
        at,
        true,
        lines.length,
        lines.at(-1)!.length + 1,
        'the JSON stops before it is complete',
      ]);
    }
  });
});
