// `npm run import -- tensorboard`: the fixtures' real event files and files the test
// writer makes, imported into run folders that the site's rule then sorts into a sweep.
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/import/cli';
import { readEvents } from '../src/import/tfevents';
import { eventFile, fileVersionEvent, pb, sessionLogEvent, sessionStartContent, summaryEvent, value } from '../src/bench/tfevents-writer';
import { listRuns, loadSweep, readGenerations, readMetricColumns, readMetrics, type Run } from '../src/runs';
import { planRuns, sweepRunsNow } from '../src/runner/plan';

const FIXTURES = join(import.meta.dirname, 'fixtures/tfevents');

let root: string;
let output: string[];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'sweepbook-import-'));
  output = [];
  const keep = (...args: unknown[]) => output.push(args.join(' '));
  vi.spyOn(console, 'log').mockImplementation(keep);
  vi.spyOn(console, 'warn').mockImplementation(keep);
  vi.spyOn(console, 'error').mockImplementation(keep);
});

afterEach(() => vi.restoreAllMocks());

/** The fixtures' four runs as a logdir (without their licences and notes, which are no runs). */
function fixtureLogdir(): string {
  const logdir = join(root, 'logs');
  for (const run of ['reducer-strict', 'reducer-lax', 'reducer-dupsteps', 'tfevents-js-asset']) cpSync(join(FIXTURES, run), join(logdir, run), { recursive: true });
  return logdir;
}

const runsDir = () => join(root, 'runs');
const sweepsDir = () => join(root, 'sweeps');

async function importTb(logdir: string, sweep: string, ...options: string[]): Promise<number> {
  return main(['tensorboard', logdir, '--sweep', sweep, '--runs', runsDir(), '--sweeps', sweepsDir(), ...options], {});
}

function runOf(path: string): Run {
  const run = listRuns(runsDir(), () => {}).find((r) => r.info.source?.run === path);
  if (!run) throw new Error(`no run imported from ${path}`);
  return run;
}

/** Every file under a folder with its bytes: to see that nothing changed. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const visit = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) visit(path);
      else files[path.slice(dir.length)] = readFileSync(path, 'base64');
    }
  };
  if (existsSync(dir)) visit(dir);
  return files;
}

function writeRun(logdir: string, run: string, file: string, records: number[][]): string {
  mkdirSync(join(logdir, run), { recursive: true });
  const path = join(logdir, run, file);
  writeFileSync(path, eventFile([fileVersionEvent(1_700_000_000), ...records]));
  return path;
}

const scalar = (step: number, tag: string, x: number, time = 1_700_000_000 + step) => summaryEvent(step, time, [{ tag, fields: value.simple(x) }]);

describe('the fixtures: PyTorch and TensorFlow event files', () => {
  it('imports each folder of event files as a run, its tags as metrics, one line per step', async () => {
    expect(await importTb(fixtureLogdir(), 'fixtures')).toBe(0);
    const strict = runOf('reducer-strict');
    const lines = readMetrics(strict.dir);
    expect(lines).toHaveLength(100);
    expect(lines.map((line) => line.step)).toEqual(Array.from({ length: 100 }, (_, i) => 5 * i));
    // float32 values as the shortest decimal of the same float32, times as written
    const events = readEvents(readFileSync(join(FIXTURES, 'reducer-strict', readdirSync(join(FIXTURES, 'reducer-strict'))[0])), { file: 'f' }).events;
    expect(lines[0]).toEqual({ step: 0, time: events[0].wallTime, 'strict/foo': events[0].scalars[0].value });
    expect(Math.fround(lines[0]['strict/foo']!)).toBe(Math.fround(events[0].scalars[0].value));
    expect(readFileSync(join(strict.dir, 'metrics.jsonl'), 'utf8').split('\n')[0]).toBe('{"step":0,"time":1622543341.758558,"strict/foo":1.4962566}');

    const lax = readMetricColumns(runOf('reducer-lax').dir);
    expect([...lax.series.keys()]).toEqual(['lax/foo', 'lax/bar_1', 'lax/bar_2']);
    expect(lax.steps.length).toBe(110);

    const tf2 = readMetrics(runOf('tfevents-js-asset').dir);
    expect(tf2).toEqual([{ step: 0, time: 1687811641, hello: 1 }]);

    const info = strict.info;
    expect(info.status).toBe('completed');
    expect(info.source).toMatchObject({ format: 'tensorboard', run: 'reducer-strict', skipped: {} });
    const [file] = info.source!.files;
    expect(file.path).toBe('reducer-strict/events.out.tfevents.1622543341.janoshs-mbp.lan.86862.0');
    expect(file.size).toBe(statSync(join(FIXTURES, 'reducer-strict', readdirSync(join(FIXTURES, 'reducer-strict'))[0])).size);
    expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(info.created).toBe(new Date(events[0].wallTime * 1000).toISOString());
    expect(info.steps_done).toBe(495);
  });

  it('a run whose steps 90-99 were logged twice keeps the second logging, drops the first, and says so', async () => {
    expect(await importTb(fixtureLogdir(), 'fixtures')).toBe(0);
    const dir = runOf('reducer-dupsteps').dir;
    const bytes = readFileSync(join(FIXTURES, 'reducer-dupsteps', readdirSync(join(FIXTURES, 'reducer-dupsteps'))[0]));
    const events = readEvents(bytes, { file: 'f' }).events;
    const foo = events.flatMap((e) => e.scalars.filter((s) => s.tag === 'dup_steps/foo').map((s) => ({ step: e.step, value: s.value })));
    const lastOf = (step: number) => foo.findLast((point) => point.step === step)!.value;
    const firstOf = (step: number) => foo.find((point) => point.step === step)!.value;
    const { series } = readMetricColumns(dir);
    expect([...series.get('dup_steps/foo')!.steps]).toEqual(Array.from({ length: 200 }, (_, i) => i));
    const values = series.get('dup_steps/foo')!.values;
    expect(values[95]).toBe(lastOf(95));
    expect(values[95]).not.toBe(firstOf(95));
    expect(values[50]).toBe(firstOf(50));
    expect(output.join('\n')).toContain(
      'warning: run reducer-dupsteps: steps went back once (to step 90 from 99), as a restarted run\'s do: dropped the 20 points of 2 tags logged at those steps before the restart, as TensorBoard does',
    );
  });
});

describe('what event files hold', () => {
  it('TF2 tensor scalars, and tags logged at different steps stay sparse, never filled in', async () => {
    const logdir = join(root, 'logs');
    const records: number[][] = [];
    for (let step = 1; step <= 30; step++) {
      records.push(summaryEvent(step, 1_700_000_000 + step, [{ tag: 'train/loss', plugin: step === 1 ? 'scalars' : undefined, fields: value.floatTensor(1 / step) }]));
      if (step % 10 === 0) records.push(summaryEvent(step, 1_700_000_000.5 + step, [{ tag: 'Losses/Value Loss', plugin: step === 10 ? 'scalars' : undefined, fields: value.doubleContentTensor(step / 100) }]));
    }
    writeRun(logdir, 'exp/train', 'events.out.tfevents.1700000000.host.1.0', records);
    expect(await importTb(logdir, 'sparse')).toBe(0);
    const { series, steps } = readMetricColumns(runOf('exp/train').dir);
    expect(steps.length).toBe(30);
    expect([...series.get('Losses/Value Loss')!.steps]).toEqual([10, 20, 30]);
    expect([...series.get('Losses/Value Loss')!.values]).toEqual([0.1, 0.2, 0.3]);
    expect(series.get('train/loss')!.values[2]).toBe(0.33333334); // float32(1/3), shortest
    const line10 = readMetrics(runOf('exp/train').dir)[9];
    expect(line10).toEqual({ step: 10, time: 1_700_000_010, 'train/loss': 0.1, 'Losses/Value Loss': 0.1 });
  });

  it('every text summary becomes a generation with its tag, all of them kept', async () => {
    const logdir = join(root, 'logs');
    const records = Array.from({ length: 25 }, (_, i) => summaryEvent(i + 1, 1_700_000_000 + i, [{ tag: i % 2 ? 'samples/b' : 'samples/a', plugin: i < 2 ? 'text' : undefined, fields: value.stringTensor(`story ${i + 1}`) }]));
    writeRun(logdir, '.', 'events.out.tfevents.1700000000.host.1.0', records);
    expect(await importTb(logdir, 'texts')).toBe(0);
    const run = runOf('.');
    const generations = readGenerations(run.dir);
    expect(generations).toHaveLength(25);
    expect(generations.slice(-2)).toEqual([
      { step: 24, text: 'story 24', tag: 'samples/b' },
      { step: 25, text: 'story 25', tag: 'samples/a' },
    ]);
    expect(run.info.generations).toEqual({ seen: 25, kept: 25, capacity: 0 });
  });

  it('histograms, images and graphs are skipped and counted, one line per kind', async () => {
    const logdir = join(root, 'logs');
    writeRun(logdir, 'r', 'events.out.tfevents.1700000000.host.1.0', [
      [...pb.double(1, 1), ...pb.varint(2, 0), ...pb.bytes(4, [1, 2, 3])], // graph_def
      summaryEvent(1, 2, [{ tag: 'w', fields: value.histogram() }, { tag: 'loss', fields: value.simple(1) }]),
      summaryEvent(2, 3, [{ tag: 'w', fields: value.histogram() }, { tag: 'img', fields: value.image() }]),
    ]);
    expect(await importTb(logdir, 'kinds')).toBe(0);
    expect(runOf('r').info.source!.skipped).toEqual({ graph: 1, histogram: 2, image: 1 });
    expect(output).toContain('  skipped (not imported): histogram × 2');
    expect(output).toContain('  skipped (not imported): image × 1');
    expect(output).toContain('  skipped (not imported): graph × 1');
  });

  it("hparams become params: the run's own, and those add_hparams writes into a folder inside the run", async () => {
    const logdir = join(root, 'logs');
    const hparams = (h: Record<string, number | string | boolean>) => summaryEvent(0, 1, [{ tag: '_hparams_/session_start_info', plugin: 'hparams', pluginContent: sessionStartContent(h), fields: [] }]);
    writeRun(logdir, 'a', 'events.out.tfevents.1700000000.host.1.0', [hparams({ lr: 0.001, optimizer: 'adam', warmup: true }), scalar(1, 'loss', 1)]);
    writeRun(logdir, 'b', 'events.out.tfevents.1700000000.host.2.0', [scalar(1, 'loss', 2)]);
    writeRun(logdir, 'b/1700000005.123456', 'events.out.tfevents.1700000005.host.2.1', [hparams({ lr: 0.01, optimizer: 'adam', warmup: true })]);
    expect(await importTb(logdir, 'lr')).toBe(0);
    expect(runOf('a').info.params).toEqual({ lr: 0.001, optimizer: 'adam', warmup: true, run: 'a' });
    expect(runOf('b').info.params).toEqual({ lr: 0.01, optimizer: 'adam', warmup: true, run: 'b' });
    expect(runOf('b').info.source!.files.map((f) => f.path)).toEqual(['b/events.out.tfevents.1700000000.host.2.0', 'b/1700000005.123456/events.out.tfevents.1700000005.host.2.1']);
    expect(listRuns(runsDir())).toHaveLength(2);
    // lr is the one param that differs: the new sweep file varies it, values in order
    const sweep = loadSweep(join(sweepsDir(), 'lr.yaml'));
    expect(sweep).toMatchObject({ runs: 'imported', vary: 'lr', seeds: [0] });
    expect(sweep.values.map((v) => [v.value, v.label])).toEqual([[0.001, 'lr=0.001'], [0.01, 'lr=0.01']]);
    const { units } = sweepRunsNow(sweep, runsDir(), false);
    expect(units.map((unit) => unit.shown?.info.source?.run)).toEqual(['a', 'b']);
  });

  it("a restarted run's files are read in name order; a SessionLog START after the first drops what was logged from its step on", async () => {
    const logdir = join(root, 'logs');
    const first = [sessionLogEvent(0, 1, 1), ...Array.from({ length: 8 }, (_, i) => [scalar(i + 1, 'loss', i + 1), scalar(i + 1, 'acc', i / 10)]).flat()];
    const second = [sessionLogEvent(5, 100, 1), ...Array.from({ length: 5 }, (_, i) => scalar(i + 5, 'loss', 10 * (i + 5), 100 + i))];
    // written in the opposite order to their names' order, which is the order that counts
    writeRun(logdir, 'r', 'events.out.tfevents.1700000100.host.1.0', second);
    writeRun(logdir, 'r', 'events.out.tfevents.1700000000.host.1.0', first);
    expect(await importTb(logdir, 'restart')).toBe(0);
    const lines = readMetrics(runOf('r').dir);
    expect(lines.map((l) => [l.step, l.loss])).toEqual([[1, 1], [2, 2], [3, 3], [4, 4], [5, 50], [6, 60], [7, 70], [8, 80], [9, 90]]);
    // acc, not logged after the restart, loses its points from step 5 on too: the whole run restarted
    expect(lines.filter((l) => l.acc !== undefined).map((l) => l.step)).toEqual([1, 2, 3, 4]);
    expect(output.join('\n')).toContain('run r: steps went back once (to step 5 from 8)');
  });

  it('--param reads params off run paths and a seed param makes runs of one value its seeds', async () => {
    const logdir = join(root, 'logs');
    for (const lr of ['0.001', '0.01']) for (const seed of [0, 1]) writeRun(logdir, `lr_${lr}/seed_${seed}`, 'events.out.tfevents.1700000000.host.1.0', [scalar(1, 'loss', Number(lr) + seed)]);
    expect(await importTb(logdir, 'lr-seeds', '--param', 'lr=lr_(?<lr>[0-9.]+)', '--param', 'seed=seed_(?<seed>\\d+)')).toBe(0);
    const sweep = loadSweep(join(sweepsDir(), 'lr-seeds.yaml'));
    expect(sweep).toMatchObject({ vary: 'lr', seeds: [0, 1] });
    expect(runOf('lr_0.01/seed_1').info).toMatchObject({ seed: 1, params: { lr: 0.01, seed: 1, run: 'lr_0.01/seed_1' } });
    const { units } = sweepRunsNow(sweep, runsDir(), false);
    expect(units.map((unit) => [unit.params.lr, unit.seed, unit.shown?.info.source?.run])).toEqual([
      [0.001, 0, 'lr_0.001/seed_0'],
      [0.01, 0, 'lr_0.01/seed_0'],
      [0.001, 1, 'lr_0.001/seed_1'],
      [0.01, 1, 'lr_0.01/seed_1'],
    ]);
  });

  it('--vary lr,beta writes the points the runs have (a search of two params, not a grid), colored by lr, each drawn', async () => {
    const logdir = join(root, 'logs');
    const trials = [[0.001, 1], [0.001, 10], [0.03, 1], [0.2, 0.1]] as const; // no lr 0.03 with beta 10: no such point
    for (const [lr, beta] of trials) for (const seed of [0, 1]) writeRun(logdir, `lr_${lr}-beta_${beta}/seed_${seed}`, 'events.out.tfevents.1700000000.host.1.0', [scalar(1, 'loss', lr * beta + seed)]);
    const params = ['--param', 'lr=lr_(?<lr>[0-9.]+)', '--param', 'beta=beta_(?<beta>[0-9.]+)', '--param', 'seed=seed_(?<seed>\\d+)'];
    expect(await importTb(logdir, 'search', ...params)).toBe(0);
    expect(output.join('\n')).toMatch(/the runs differ in 2 params \(lr, beta\): .*--vary <param>,<param> several/);
    expect(await importTb(logdir, 'search2', ...params, '--vary', 'lr,beta')).toBe(0);
    const sweep = loadSweep(join(sweepsDir(), 'search2.yaml'));
    expect(sweep).toMatchObject({ runs: 'imported', search: 'points', vary: 'lr', varied: ['lr', 'beta'], seeds: [0, 1] });
    expect(sweep.values.map((point) => point.label)).toEqual(['lr=0.001, beta=1', 'lr=0.001, beta=10', 'lr=0.03, beta=1', 'lr=0.2, beta=0.1']);
    const { units } = sweepRunsNow(sweep, runsDir(), false);
    expect(units).toHaveLength(8);
    expect(units.every((unit) => unit.shown?.info.params.lr === unit.params.lr && unit.shown?.info.params.beta === unit.params.beta && unit.shown.info.seed === unit.seed)).toBe(true);
    output.length = 0;
    expect(await importTb(logdir, 'search3', ...params, '--vary', 'lr,lr')).toBe(2);
    expect(output[0]).toMatch(/^import: --vary lr,lr: lr is named twice/);
  });

  it('--seed-from names the param that holds the seed; a param that is no whole number cannot be one', async () => {
    const logdir = join(root, 'logs');
    for (const [run, trial] of [['a', 3], ['b', 4]] as const) writeRun(logdir, `beta_1/trial_${trial}${run}`, 'events.out.tfevents.1700000000.host.1.0', [scalar(1, 'loss', trial)]);
    expect(await importTb(logdir, 'trials', '--param', 'beta=beta_(?<beta>[0-9.]+)', '--param', 'trial=trial_(?<trial>\\d+)', '--seed-from', 'trial')).toBe(0);
    expect(loadSweep(join(sweepsDir(), 'trials.yaml'))).toMatchObject({ vary: 'beta', seeds: [3, 4] });
    expect(runOf('beta_1/trial_4b').info.seed).toBe(4);
    output.length = 0;
    expect(await importTb(logdir, 'trials3', '--param', 'x=(?<x>trial_\\w+)', '--seed-from', 'x')).toBe(2);
    expect(output).toEqual(['import: run beta_1/trial_3a: its x "trial_3a" is not a whole number, so it cannot be a seed']);
  });

  it("runs that share a value and seed (an experiment's train/ and validation/) are imported with a warning that one is drawn", async () => {
    const logdir = join(root, 'logs');
    for (const lr of ['0.1', '0.2']) for (const split of ['train', 'validation']) writeRun(logdir, `lr_${lr}/${split}`, 'events.out.tfevents.1700000000.host.1.0', [scalar(1, `${split}/loss`, 1)]);
    expect(await importTb(logdir, 'splits', '--param', 'lr=lr_(?<lr>[0-9.]+)')).toBe(0);
    expect(listRuns(runsDir())).toHaveLength(4);
    expect(output).toContain(
      'warning: runs lr_0.1/train, lr_0.1/validation have the same lr 0.1 and seed 0: only one is drawn; give each a value or seed of its own (--param, --seed-from), or import them into sweeps of their own',
    );
  });

  it('--param without a named group, or with a bad regex, is a usage error', async () => {
    const logdir = fixtureLogdir();
    expect(await importTb(logdir, 'x', '--param', 'lr=lr_[0-9]+')).toBe(2);
    expect(output.join('\n')).toContain('import: --param lr: the regex needs a named group (?<lr>...) for the value');
    expect(await importTb(logdir, 'x', '--param', 'lr=(?<lr>[0-9')).toBe(2);
    expect(output.join('\n')).toContain('import: --param lr: Invalid regular expression');
    expect(existsSync(runsDir())).toBe(false);
  });
});

describe('importing again, damaged files and files still being written', () => {
  it('the same files give the same run folders, byte for byte; a fresh runs folder gets the same ids', async () => {
    const logdir = fixtureLogdir();
    expect(await importTb(logdir, 'fixtures')).toBe(0);
    const before = snapshot(runsDir());
    output.length = 0;
    expect(await importTb(logdir, 'fixtures')).toBe(0);
    expect(snapshot(runsDir())).toEqual(before);
    expect(output[0]).toContain('4 unchanged');
    const ids = listRuns(runsDir()).map((run) => run.info.id);
    expect(await main(['tensorboard', logdir, '--sweep', 'fixtures', '--runs', join(root, 'elsewhere'), '--sweeps', sweepsDir()], {})).toBe(0);
    expect(listRuns(join(root, 'elsewhere')).map((run) => run.info.id)).toEqual(ids);
  });

  it('records added to a file are appended to metrics.jsonl', async () => {
    const logdir = join(root, 'logs');
    const file = writeRun(logdir, 'r', 'events.out.tfevents.1700000000.host.1.0', Array.from({ length: 10 }, (_, i) => scalar(i + 1, 'loss', i)));
    expect(await importTb(logdir, 'grow')).toBe(0);
    const metricsFile = join(runOf('r').dir, 'metrics.jsonl');
    const first = readFileSync(metricsFile, 'utf8');
    appendFileSync(file, eventFile(Array.from({ length: 5 }, (_, i) => scalar(i + 11, 'loss', i + 10))));
    output.length = 0;
    expect(await importTb(logdir, 'grow')).toBe(0);
    expect(output[0]).toContain('1 appended');
    const second = readFileSync(metricsFile, 'utf8');
    expect(second.startsWith(first)).toBe(true);
    expect(readMetrics(runOf('r').dir).map((l) => l.step)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(runOf('r').info.steps_done).toBe(15);
  });

  it('a file cut inside its last record imports the records before it, with a warning naming the file and byte', async () => {
    const logdir = join(root, 'logs');
    const file = writeRun(logdir, 'r', 'events.out.tfevents.1700000000.host.1.0', Array.from({ length: 10 }, (_, i) => scalar(i + 1, 'loss', i)));
    const bytes = readFileSync(file);
    const lastStart = bytes.length - (scalar(10, 'loss', 9).length + 16);
    writeFileSync(file, bytes.subarray(0, bytes.length - 3));
    expect(await importTb(logdir, 'cut')).toBe(0);
    expect(readMetrics(runOf('r').dir)).toHaveLength(9);
    expect(output.join('\n')).toContain(`warning: run r: ${file}: cut inside its last record at byte ${lastStart} (a writer still writing?): imported the records before it`);
  });

  it('a bad CRC fails naming the file and byte, and leaves every run folder as it was', async () => {
    const logdir = join(root, 'logs');
    writeRun(logdir, 'a', 'events.out.tfevents.1700000000.host.1.0', Array.from({ length: 5 }, (_, i) => scalar(i + 1, 'loss', i)));
    const bad = writeRun(logdir, 'b', 'events.out.tfevents.1700000000.host.2.0', Array.from({ length: 5 }, (_, i) => scalar(i + 1, 'loss', i)));
    expect(await importTb(logdir, 'crc')).toBe(0);
    const before = snapshot(runsDir());
    // a: grown; b: a byte flipped inside its third record's data
    appendFileSync(join(logdir, 'a', 'events.out.tfevents.1700000000.host.1.0'), eventFile([scalar(6, 'loss', 5)]));
    const bytes = readFileSync(bad);
    const third = (fileVersionEvent(1_700_000_000).length + 16) + 2 * (scalar(1, 'loss', 0).length + 16);
    bytes[third + 14] ^= 0x40;
    writeFileSync(bad, bytes);
    output.length = 0;
    expect(await importTb(logdir, 'crc')).toBe(2);
    expect(output).toEqual([`import: ${bad}: byte ${third}: data CRC mismatch (record 4)`]);
    expect(snapshot(runsDir())).toEqual(before);
  });

  it('--watch imports records as they are written, until Ctrl-C', async () => {
    const logdir = join(root, 'logs');
    const file = writeRun(logdir, 'live', 'events.out.tfevents.1700000000.host.1.0', [scalar(1, 'loss', 1)]);
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/import.ts', 'tensorboard', logdir, '--sweep', 'live', '--runs', runsDir(), '--sweeps', sweepsDir(), '--watch'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    const until = async (check: () => boolean, what: string) => {
      for (const start = Date.now(); !check(); await new Promise((r) => setTimeout(r, 100))) {
        if (Date.now() - start > 30_000) throw new Error(`timed out waiting for ${what}; output:\n${out}`);
      }
    };
    await until(() => out.includes('watching'), 'the first import');
    const steps = () => (listRuns(runsDir(), () => {})[0] ? readMetrics(listRuns(runsDir(), () => {})[0].dir, () => {}).length : 0);
    expect(steps()).toBe(1);
    // half a record, then the rest: the half is not imported, nor warned about
    const more = eventFile([scalar(2, 'loss', 2), scalar(3, 'loss', 3)]);
    appendFileSync(file, more.subarray(0, more.length - 10));
    await until(() => steps() === 2, 'step 2');
    appendFileSync(file, more.subarray(more.length - 10));
    await until(() => steps() === 3, 'step 3');
    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGINT');
    expect(await exit).toBe(0);
    expect(out).toContain('stopped watching');
    expect(out).not.toContain('cut inside');
  });
});

describe('sweeps of imported runs', () => {
  it('npm run train leaves an imported sweep alone', async () => {
    expect(await importTb(fixtureLogdir(), 'fixtures')).toBe(0);
    const sweep = loadSweep(join(sweepsDir(), 'fixtures.yaml'));
    expect(planRuns([sweep], runsDir(), { quick: true, fresh: false, shard: { index: 1, count: 1 } })).toEqual({ jobs: [], done: [] });
  });

  it('importing into a sweep that sweepbook trains is refused, naming the sweep file', async () => {
    mkdirSync(sweepsDir(), { recursive: true });
    writeFileSync(join(sweepsDir(), 'trained.yaml'), 'title: T\nvary: beta\nvalues:\n  - { value: 1 }\n');
    expect(await importTb(fixtureLogdir(), 'trained')).toBe(2);
    expect(output.join('\n')).toContain('trained.yaml: sweep "trained" is trained by sweepbook (it has no runs: imported)');
    expect(existsSync(runsDir())).toBe(false);
  });
});
