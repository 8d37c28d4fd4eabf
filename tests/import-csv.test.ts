import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsvRuns } from '../src/import/csv';
import { CsvFileError } from '../src/import/errors';
import type { ImportedRun } from '../src/import/imported-run';

const FIXTURES = join(import.meta.dirname, 'fixtures/csv');
const TMP = mkdtempSync(join(tmpdir(), 'sweepbook-import-csv-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

let folders = 0;
/** A fresh folder holding `files` (path -> text), for one test. */
function folderOf(files: Record<string, string>): string {
  const dir = join(TMP, `${++folders}`);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** `text` as runs.csv in a fresh folder: its path, for error messages. */
function csvFile(text: string): string {
  return join(folderOf({ 'runs.csv': text }), 'runs.csv');
}

/** The one run of a runs.csv holding `text`. */
function runOf(text: string, options?: { step?: string }): ImportedRun {
  const runs = readCsvRuns(csvFile(text), options);
  expect(runs).toHaveLength(1);
  return runs[0];
}

function errorOf(read: () => unknown): CsvFileError {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(CsvFileError);
    return error as CsvFileError;
  }
  throw new Error('did not throw');
}

const byPath = (runs: ImportedRun[], path: string) => runs.find((run) => run.path === path)!;
const stepsOf = (run: ImportedRun) => Object.fromEntries([...run.scalars].map(([name, series]) => [name, series.steps]));
const range = (from: number, to: number, by = 1) => Array.from({ length: Math.floor((to - from) / by) + 1 }, (_, i) => from + i * by);
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('PyTorch Lightning CSVLogger (fixtures/csv/lightning)', () => {
  const runs = readCsvRuns(join(FIXTURES, 'lightning'));
  const run = byPath(runs, 'lightning_logs/version_0');

  it('gives a run per version folder, named by the folder metrics.csv is in', () => {
    expect(runs.map((r) => r.path)).toEqual(['lightning_logs/version_0', 'lightning_logs/version_1']);
  });

  it('takes `step` as the step and every other column as a metric of its name, with no times', () => {
    expect([...run.scalars.keys()]).toEqual(['epoch', 'train_loss_epoch', 'train_loss_step', 'val_acc', 'val_loss']);
    const loss = run.scalars.get('train_loss_step')!;
    expect(loss.steps).toEqual(range(9, 89, 10));
    expect(loss.values.slice(0, 3)).toEqual([1.9597632884979248, 1.6650986671447754, 1.4766470193862915]);
    expect(loss.times).toEqual(Array(9).fill(null));
  });

  it('keeps sparse columns sparse: the val metrics, logged every 3rd logged step, have exactly those steps', () => {
    expect(run.scalars.get('val_loss')).toEqual({ steps: [29, 59, 89], values: [1.6077089309692383, 1.0216317176818848, 0.6492041349411011], times: [null, null, null] });
    expect(run.scalars.get('val_acc')!.values).toEqual([0.550000011920929, 0.6499999761581421, 0.75]);
    expect(run.scalars.get('train_loss_epoch')!.steps).toEqual([29, 59, 89]);
  });

  it('merges the train, val and train-epoch rows of one step into that step, the epoch repeated in each being one point', () => {
    expect(run.scalars.get('epoch')).toEqual({ steps: range(9, 89, 10), values: [0, 0, 0, 1, 1, 1, 2, 2, 2], times: Array(9).fill(null) });
    expect(run.warnings).toEqual([]);
  });

  it('reads its CRLF line ends, as Python csv writes them, leaving no \\r in the last column', () => {
    expect(readFileSync(join(FIXTURES, 'lightning/lightning_logs/version_0/metrics.csv'), 'utf8')).toContain('\r\n');
    expect(run.scalars.has('val_loss')).toBe(true);
    expect(run.scalars.has('val_loss\r')).toBe(false);
  });

  it("takes hparams.yaml's scalars as params, nested maps' keys joined by '.', and skips its list, tuple and null", () => {
    expect(run.params).toEqual({
      batch_size: 64,
      hidden_dim: 128,
      learning_rate: 0.001,
      'model.dropout': 0.1,
      'model.name': 'mlp',
      optimizer: 'adam',
      use_amp: false,
      weight_decay: 0.00001,
    });
    expect(run.skipped).toEqual({ 'hparams.yaml value': 3 });
    expect(byPath(runs, 'lightning_logs/version_1').params.learning_rate).toBe(0.0003);
  });

  it('lists metrics.csv and hparams.yaml as its files, relative to the root, with their sizes and SHA-256', () => {
    const folder = join(FIXTURES, 'lightning/lightning_logs/version_0');
    expect(run.files).toEqual([
      { path: 'lightning_logs/version_0/metrics.csv', size: 520, sha256: sha256(join(folder, 'metrics.csv')) },
      { path: 'lightning_logs/version_0/hparams.yaml', size: 211, sha256: sha256(join(folder, 'hparams.yaml')) },
    ]);
    expect(run.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('imports the complete rows of a metrics.csv cut inside its last row, with a warning (version_1)', () => {
    const cut = byPath(runs, 'lightning_logs/version_1');
    expect(cut.scalars.get('train_loss_step')!.steps).toEqual(range(9, 59, 10));
    expect(cut.scalars.get('val_loss')!.steps).toEqual([29, 59]);
    expect(cut.scalars.get('train_loss_epoch')!.steps).toEqual([29]);
    expect(cut.warnings).toEqual([
      'lightning_logs/version_1/metrics.csv: line 11 stops inside its row (a writer still writing?): imported the 9 complete rows before it',
    ]);
  });

  it('names the run "." for a version folder given as the root, or its metrics.csv', () => {
    const folder = join(FIXTURES, 'lightning/lightning_logs/version_0');
    for (const root of [folder, join(folder, 'metrics.csv')]) {
      const [one] = readCsvRuns(root);
      expect(one.path).toBe('.');
      expect(one.files.map((f) => f.path)).toEqual(['metrics.csv', 'hparams.yaml']);
      expect(one.params.learning_rate).toBe(0.001);
    }
  });
});

describe('Stable-Baselines3 progress.csv (fixtures/csv/sb3)', () => {
  const [run] = readCsvRuns(join(FIXTURES, 'sb3'));

  it('is the run of its folder, its step time/total_timesteps, its metrics named as the columns are', () => {
    expect(run.path).toBe('ppo_cartpole');
    expect([...run.scalars.keys()].sort()).toEqual([
      'eval/mean_ep_length',
      'eval/mean_reward',
      'rollout/ep_len_mean',
      'rollout/ep_rew_mean',
      'time/fps',
      'time/iterations',
      'time/time_elapsed',
      'train/approx_kl',
      'train/clip_fraction',
      'train/clip_range',
      'train/entropy_loss',
      'train/explained_variance',
      'train/learning_rate',
      'train/loss',
      'train/n_updates',
      'train/policy_gradient_loss',
      'train/value_loss',
    ]);
    expect(run.scalars.get('time/iterations')).toEqual({ steps: range(2048, 10240, 2048), values: [1, 2, 3, 4, 5], times: Array(5).fill(null) });
  });

  it("keeps the first row's padding empty: train/* start at 4096, eval/* only at 4096 and 8192", () => {
    expect(run.scalars.get('train/n_updates')).toEqual({ steps: [4096, 6144, 8192, 10240], values: [10, 20, 30, 40], times: Array(4).fill(null) });
    expect(run.scalars.get('train/approx_kl')!.values).toEqual([0.009703967, 0.010703085, 0.011700628, 0.012704532]);
    expect(run.scalars.get('eval/mean_reward')!.steps).toEqual([4096, 8192]);
    expect(run.scalars.get('eval/mean_reward')!.values).toEqual([45.2, 85.2]);
  });

  it("merges the EvalCallback's row into the rollout row of its step, with nothing replaced or skipped", () => {
    expect(stepsOf(run)['rollout/ep_rew_mean']).toEqual([2048, 4096, 6144, 8192, 10240]);
    expect(run.warnings).toEqual([]);
    expect(run.skipped).toEqual({});
    expect(run.params).toEqual({});
  });
});

describe('W&B run history, DataFrame.to_csv of run.history() (fixtures/csv/wandb-history)', () => {
  const [run] = readCsvRuns(join(FIXTURES, 'wandb-history/sunny-river-3.csv'));

  it('is the run of the file, less .csv, its step _step, its times _timestamp', () => {
    expect(run.path).toBe('sunny-river-3');
    expect(run.files.map((f) => f.path)).toEqual(['sunny-river-3.csv']);
    const loss = run.scalars.get('train/loss')!;
    expect(loss.steps).toEqual(range(0, 11));
    expect(loss.values.slice(0, 3)).toEqual([2.3, 2.07, 1.863]);
    expect(loss.times.slice(0, 3)).toEqual([1718020000.2893972, 1718020001.0393972, 1718020001.7893972]);
  });

  it('keeps the val metrics, logged every 3rd step, at exactly those steps and times', () => {
    expect(run.scalars.get('val/acc')).toEqual({
      steps: [2, 5, 8, 11],
      values: [0.5625, 0.65625, 0.75, 0.84375],
      times: [1718020001.7893972, 1718020004.0393972, 1718020006.2893972, 1718020008.5393972],
    });
  });

  it("skips pandas' unnamed index, W&B's _runtime and the quoted image column, counting and naming them", () => {
    expect([...run.scalars.keys()]).toEqual(['train/loss', 'epoch', 'val/loss', 'val/acc']);
    expect(run.skipped).toEqual({ 'unnamed column': 1, '_runtime column': 1, 'text column': 1 });
    expect(run.warnings).toEqual([
      'sunny-river-3.csv: "val/examples" holds text, not numbers: not imported',
      "sunny-river-3.csv: a column has no name (pandas' index, written unless to_csv(index=False)?): not imported",
    ]);
  });
});

describe('W&B chart exports (fixtures/csv/wandb-panels)', () => {
  const runs = readCsvRuns(join(FIXTURES, 'wandb-panels'));

  it('gives a run per run name, each with the metric of every file, and both files', () => {
    expect(runs.map((r) => r.path)).toEqual(['dainty-sun-5', 'misty-wave-6']);
    const [dainty, misty] = runs;
    expect(stepsOf(dainty)).toEqual({ 'train/loss': range(0, 9), 'val/acc': [2, 5, 8] });
    expect(stepsOf(misty)).toEqual({ 'train/loss': range(0, 6), 'val/acc': [2, 5] });
    expect(misty.scalars.get('val/acc')!.values).toEqual([0.51, 0.6]);
    expect(misty.scalars.get('train/loss')!.times).toEqual(Array(7).fill(null));
    expect(dainty.files.map((f) => f.path)).toEqual(['train_loss.csv', 'val_acc.csv']);
    expect(dainty.files[0].sha256).toBe(misty.files[0].sha256);
  });

  it('skips the __MIN and __MAX band columns, counting 2 per run per file', () => {
    for (const run of runs) {
      expect(run.skipped).toEqual({ 'MIN/MAX column': 4 });
      expect(run.warnings).toEqual([]);
    }
  });

  it('takes a metric two files give a run at one step from the later file, in path order, and says so', () => {
    const root = folderOf({
      'a.csv': '"Step","run-1 - loss","run-1 - loss__MIN","run-1 - loss__MAX"\n"0","1","1","1"\n"1","2","2","2"\n"2","3","3","3"\n',
      'b.csv': '"Step","run-1 - loss","run-1 - loss__MIN","run-1 - loss__MAX"\n"2","30","30","30"\n"3","40","40","40"\n',
    });
    const [run] = readCsvRuns(root);
    expect(run.scalars.get('loss')).toEqual({ steps: [0, 1, 2, 3], values: [1, 2, 30, 40], times: [null, null, null, null] });
    expect(run.warnings).toEqual(['b.csv: loss: 1 step that a.csv also gives: kept the values of b.csv, the later file']);
  });

  it('splits a column at its last " - ", since run names are free text and metric names are code', () => {
    const [run] = readCsvRuns(csvFile('Step,lr 1e-3 - seed 0 - val/acc\n5,0.5\n'));
    expect(run.path).toBe('lr 1e-3 - seed 0');
    expect(stepsOf(run)).toEqual({ 'val/acc': [5] });
  });
});

describe('a folder of runs', () => {
  it('reads every *.csv below it in path order, leaving out hidden folders and node_modules, each run once', () => {
    const root = folderOf({
      'b/metrics.csv': 'step,loss\n0,1\n',
      'a.csv': 'step,loss\n0,1\n',
      'a/progress.csv': 'step,reward\n0,2\n',
      'B.csv': 'step,loss\n0,1\n',
      '.git/x.csv': 'not, a run\n',
      'b/.ipynb_checkpoints/metrics-checkpoint.csv': 'step,loss\n0,1\n',
      'node_modules/pkg/data.csv': 'step,loss\n0,1\n',
      'notes.txt': 'step,loss\n0,1\n',
    });
    const runs = readCsvRuns(root);
    expect(runs.map((r) => r.path)).toEqual(['B', 'a', 'b']);
    // a.csv and a/progress.csv are both the run "a"
    expect(runs[1].files.map((f) => f.path)).toEqual(['a.csv', 'a/progress.csv']);
    expect(stepsOf(runs[1])).toEqual({ loss: [0], reward: [0] });
  });

  it('reads every format of the fixtures folder as one root', () => {
    expect(readCsvRuns(FIXTURES).map((r) => r.path)).toEqual([
      'dainty-sun-5',
      'lightning/lightning_logs/version_0',
      'lightning/lightning_logs/version_1',
      'misty-wave-6',
      'sb3/ppo_cartpole',
      'wandb-history/sunny-river-3',
    ]);
  });

  it('names a root that is not there', () => {
    const root = join(TMP, 'nothing-here');
    expect(errorOf(() => readCsvRuns(root)).message).toBe(`${root}: no such file or folder`);
  });
});

describe('CSV parsing', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and counts lines after them', () => {
    const text = 'step,note,loss\n0,"a, b",1\n1,"say ""hi""",2\n2,"two\nlines",3\n3,"x",oops\n';
    const file = csvFile(text);
    expect(errorOf(() => readCsvRuns(file)).message).toBe(`${file}:6: column "loss": "oops" is not a number, though the column's other cells are (line 2: 1)`);
    const run = runOf(text.replace('oops', '4'));
    expect(stepsOf(run)).toEqual({ loss: [0, 1, 2, 3] });
    expect(run.scalars.get('loss')!.values).toEqual([1, 2, 3, 4]);
    expect(run.skipped).toEqual({ 'text column': 1 });
  });

  it('reads a quoted step and quoted numbers as numbers', () => {
    expect(runOf('"step","loss"\r\n"3","0.5"\r\n').scalars.get('loss')).toEqual({ steps: [3], values: [0.5], times: [null] });
  });

  it('drops a UTF-8 byte order mark, as Excel writes one', () => {
    const run = runOf('\ufeffstep,loss\n0,1\n');
    expect(stepsOf(run)).toEqual({ loss: [0] });
  });

  it('reads CRLF, LF and a last line with no line break alike, and skips blank lines', () => {
    const lf = runOf('step,loss,acc\n0,1,\n1,,0.5\n');
    expect(runOf('step,loss,acc\r\n0,1,\r\n1,,0.5\r\n').scalars).toEqual(lf.scalars);
    expect(runOf('step,loss,acc\n\n0,1,\n1,,0.5').scalars).toEqual(lf.scalars);
    expect(stepsOf(lf)).toEqual({ loss: [0], acc: [1] });
  });

  it('imports the complete rows of a file cut inside its last line, even inside a quote, and warns', () => {
    const short = runOf('step,loss,acc\n0,1,0.5\n1,0.9');
    expect(stepsOf(short)).toEqual({ loss: [0], acc: [0] });
    expect(short.warnings).toEqual(['runs.csv: line 3 stops inside its row (a writer still writing?): imported the 1 complete rows before it']);
    const quoted = runOf('step,loss,note\n0,1,"a"\n1,0.9,"unfinish');
    expect(stepsOf(quoted)).toEqual({ loss: [0] });
    expect(quoted.warnings).toEqual([
      'runs.csv: "note" holds text, not numbers: not imported',
      'runs.csv: line 3 stops inside its row (a writer still writing?): imported the 1 complete rows before it',
    ]);
  });

  it('names the file, line and column of a row with fields missing, even the last, when a line break ends it', () => {
    const file = csvFile('step,loss,acc\n0,1,0.5\n1,0.9\n2,0.8,0.6\n');
    expect(errorOf(() => readCsvRuns(file)).message).toBe(`${file}:3: column "acc": missing: the row has 2 fields where the header has 3`);
    const last = csvFile('step,loss,acc\n0,1,0.5\n1,0.9\n');
    expect(errorOf(() => readCsvRuns(last)).message).toBe(`${last}:3: column "acc": missing: the row has 2 fields where the header has 3`);
  });

  it('names the line of a row with a field too many', () => {
    const file = csvFile('step,loss\n0,1\n1,2,3\n');
    const error = errorOf(() => readCsvRuns(file));
    expect(error.message).toBe(`${file}:3: the row has 3 fields where the header has 2 (an unquoted comma in a field?)`);
    expect([error.file, error.line, error.column]).toEqual([file, 3, undefined]);
  });

  it('names the line and column of text after a closing quote, and of a quote never closed', () => {
    const after = csvFile('step,note\n0,"a"b\n');
    expect(errorOf(() => readCsvRuns(after)).message).toBe(
      `${after}:2: column "note": text after the closing quote of a quoted field (a quote inside a quoted field is written twice: "")`,
    );
    const open = csvFile('step,note\n0,"a\n1,b\n2,c\n');
    expect(errorOf(() => readCsvRuns(open)).message).toBe(`${open}:2: column "note": the quote that opens this field is never closed`);
  });

  it('keeps a quote inside an unquoted field, as Python csv does', () => {
    const run = runOf('step,screen,loss\n0,12" wide,1\n');
    expect(run.skipped).toEqual({ 'text column': 1 });
    expect(run.warnings).toEqual(['runs.csv: "screen" holds text, not numbers: not imported']);
  });

  it('names a column the header has twice', () => {
    const file = csvFile('step,loss,loss\n0,1,2\n');
    expect(errorOf(() => readCsvRuns(file)).message).toBe(`${file}:1: column "loss": the header has this column twice (columns 2 and 3)`);
  });

  it('gives an empty file (a run just started) as a run with nothing but a warning', () => {
    const run = runOf('');
    expect(run.path).toBe('runs');
    expect(run.scalars.size).toBe(0);
    expect(run.warnings).toEqual(['runs.csv: the file is empty: nothing to import']);
    expect(runOf('step,loss\n').warnings).toEqual([]);
  });
});

describe('columns', () => {
  it('takes the first step column of step, Step, _step, global_step, time/total_timesteps, trainer/global_step; the others are metrics', () => {
    expect(stepsOf(runOf('global_step,_step,loss\n10,0,1\n20,1,2\n'))).toEqual({ global_step: [0, 1], loss: [0, 1] });
    expect(stepsOf(runOf('trainer/global_step,loss\n7,1\n'))).toEqual({ loss: [7] });
  });

  it('names the file, the columns looked for and --step when there is no step column', () => {
    const file = csvFile('epoch,iteration,loss\n0,1,2\n');
    expect(errorOf(() => readCsvRuns(file)).message).toBe(
      `${file}:1: no step column: looked for "step", "Step", "_step", "global_step", "time/total_timesteps" and "trainer/global_step"; ` +
        'the columns are "epoch", "iteration" and "loss". Name the step column with --step <column>',
    );
  });

  it('takes the step column --step names, the one it would have taken becoming a metric', () => {
    const text = 'iteration,step,loss\n0,100,1\n1,200,2\n';
    const run = runOf(text, { step: 'iteration' });
    expect(stepsOf(run)).toEqual({ step: [0, 1], loss: [0, 1] });
    expect(run.scalars.get('step')!.values).toEqual([100, 200]);
    const file = csvFile(text);
    expect(errorOf(() => readCsvRuns(file, { step: 'iter' })).message).toBe(
      `${file}:1: no column "iter" (named by --step); the columns are "iteration", "step" and "loss"`,
    );
  });

  it('takes 10.0 as step 10, skips and counts rows with no step, and names a step that is not a whole number 0 or more', () => {
    const run = runOf('step,loss\n10.0,1\n,2\n11,3\n,4\n');
    expect(run.scalars.get('loss')).toEqual({ steps: [10, 11], values: [1, 3], times: [null, null] });
    expect(run.skipped).toEqual({ 'row without a step': 2 });
    expect(run.warnings).toEqual(['runs.csv: 2 rows have no "step": not imported']);
    for (const step of ['10.5', '-1', 'nan', 'first']) {
      const file = csvFile(`step,loss\n0,1\n${step},2\n`);
      expect(errorOf(() => readCsvRuns(file)).message).toBe(
        `${file}:3: column "step": "${step}" is not a step (a whole number, 0 or more): is "step" the step column? Name another with --step <column>`,
      );
    }
  });

  it('reads nan and inf in any case as non-finite values, and numbers as JavaScript does', () => {
    const run = runOf('step,loss\n0,nan\n1,NaN\n2,inf\n3,-inf\n4,Infinity\n5,-INF\n6,1e-3\n7,-0.5\n8, 2 \n');
    expect(run.scalars.get('loss')!.values).toEqual([NaN, NaN, Infinity, -Infinity, Infinity, -Infinity, 0.001, -0.5, 2]);
  });

  it('skips a column of text (a run name, a date, a git hash), counting and naming it; a cell of spaces is empty', () => {
    const run = runOf('step,run,date,commit,loss\n0,baseline,2024-06-10,3f2a9c1,1\n1,baseline,2024-06-10,3f2a9c1,  \n');
    expect([...run.scalars.keys()]).toEqual(['loss']);
    expect(run.scalars.get('loss')!.steps).toEqual([0]);
    expect(run.skipped).toEqual({ 'text column': 3 });
    expect(run.warnings).toEqual(['runs.csv: "run", "date" and "commit" hold text, not numbers: not imported']);
  });

  it('names the first text cell of a column of numbers', () => {
    const file = csvFile('step,loss\n0,0.5\n1,0.4.1\n');
    expect(errorOf(() => readCsvRuns(file)).message).toBe(`${file}:3: column "loss": "0.4.1" is not a number, though the column's other cells are (line 2: 0.5)`);
  });

  it('takes the first of _timestamp, wall_time, timestamp, time holding seconds since the epoch as the time; others are metrics', () => {
    const run = runOf('step,time,wall_time,loss\n0,0.5,1718020000.25,1\n1,1.5,,2\n');
    expect(run.scalars.get('loss')).toEqual({ steps: [0, 1], values: [1, 2], times: [1718020000.25, null] });
    expect(run.scalars.get('time')).toEqual({ steps: [0, 1], values: [0.5, 1.5], times: [1718020000.25, null] });
    expect(run.scalars.has('wall_time')).toBe(false);
    // milliseconds since the epoch are not seconds: a metric
    expect(runOf('step,timestamp,loss\n0,1718020000250,1\n').scalars.get('loss')!.times).toEqual([null]);
  });

  it("drops a metric's points from a step it goes back to, as TensorBoard does for a restarted run, and warns", () => {
    const run = runOf('step,loss\n0,1\n1,2\n2,3\n1,20\n2,30\n');
    expect(run.scalars.get('loss')!.values).toEqual([1, 20, 30]);
    expect(run.warnings).toEqual([
      'runs.csv: steps went back once (to step 1 from 2), as a restarted run\'s do: dropped the 2 points of 1 tag logged at those steps before the restart, as TensorBoard does',
    ]);
  });

  it('keeps the later of two values of a metric at one step, and warns', () => {
    const run = runOf('step,loss\n0,1\n0,2\n1,3\n');
    expect(run.scalars.get('loss')!.values).toEqual([2, 3]);
    expect(run.warnings).toEqual(['runs.csv: 1 point was logged again at a step the metric already had: kept the later value']);
  });
});
