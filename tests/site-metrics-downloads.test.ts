import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { metricsJsonArray, metricsReadSoFar, readMetricColumns, readMetrics, readMetricsLines, readMetricsShared, RunWriter } from '../src/runs';
import { toCsv } from '../src/site/csv';
import { GZIP_OPTIONS, metricsCsv, writeRunRead, writeUntaken, type RunRead } from '../src/site/metrics-downloads';

const json = (dir: string) => Buffer.concat(metricsJsonArray(readMetricsLines(dir))).toString();
const csv = (dir: string) => Buffer.from(metricsCsv(readMetricsLines(dir))).toString();

/** A run whose metrics.jsonl holds these lines: metrics missing on some steps, null values, one logged late, one named like a formula. */
function runWithLines(lines: object[], after = ''): string {
  const runsDir = mkdtempSync(join(tmpdir(), 'sweepbook-downloads-'));
  const writer = RunWriter.create(runsDir, {
    sweep: 's', params: { beta: 1 }, label: 'beta=1', color: 'green', seed: 0, config: {}, totalSteps: 3, generationsCapacity: 0,
  });
  writer.finish('completed');
  writeFileSync(join(writer.dir, 'metrics.jsonl'), lines.map((line) => JSON.stringify(line) + '\n').join('') + after);
  return writer.dir;
}

const LINES = [
  { step: 0, time: 1.5, kl: 0.25, raw_reward: null },
  { step: 1, time: 2, raw_reward: -1e-7 },
  { step: 3, time: 2.5, kl: null, raw_reward: 3, '=late, "odd"': 1e21 },
  { step: 7, time: 3 },
  { step: 8, time: 3.25, kl: 4, '=late, "odd"': -0.5 },
];

describe('metrics downloads', () => {
  test('read as columns: each metric keeps the steps that logged it, NaN for null', () => {
    const metrics = readMetricColumns(runWithLines(LINES));
    expect([...metrics.steps]).toEqual([0, 1, 3, 7, 8]);
    expect([...metrics.series.keys()]).toEqual(['kl', 'raw_reward', '=late, "odd"']);
    expect(metrics.series.get('kl')).toEqual({ steps: Float64Array.from([0, 3, 8]), values: Float64Array.from([0.25, NaN, 4]) });
  });

  test('the CSV and JSON are what the lines themselves give (toCsv of each line, JSON.stringify of them all)', () => {
    const dir = runWithLines(LINES);
    const lines = readMetrics(dir);
    const columns = ['step', 'time', 'kl', 'raw_reward', '=late, "odd"'];
    expect(csv(dir)).toBe(toCsv([columns, ...lines.map((line) => columns.map((column) => line[column]))]));
    expect(json(dir)).toBe(JSON.stringify(lines));
  });

  test('a long run (the CSV is joined in chunks of rows) gives the same CSV', () => {
    const long = Array.from({ length: 2500 }, (_, step) => ({ step, time: step / 3, ...(step % 7 ? { kl: step / 7 } : {}), loss: step % 11 ? 1 / (step + 1) : null }));
    const dir = runWithLines(long);
    const lines = readMetrics(dir);
    const columns = ['step', 'time', 'loss', 'kl'];
    expect(csv(dir)).toBe(toCsv([columns, ...lines.map((line) => columns.map((column) => line[column]))]));
  });

  test('lines written otherwise than by the writer (spaces, keys in another order) give the same CSV', () => {
    const lines = LINES.map((line) => JSON.stringify(line));
    const respaced = runWithLines([], [lines[0], lines[1].replace(/:/g, ': '), ...lines.slice(2)].join('\n') + '\n');
    const reordered = runWithLines([...LINES.slice(0, 2), { time: 2.5, step: 3, raw_reward: 3, kl: null, '=late, "odd"': 1e21 }, ...LINES.slice(3)]);
    for (const dir of [respaced, reordered]) expect(csv(dir)).toBe(csv(runWithLines(LINES)));
  });

  test('the JSON leaves out what the reader leaves out (a truncated last line) and takes a last line without its newline', () => {
    expect(json(runWithLines(LINES, '{"step": 9, "ti'))).toBe(JSON.stringify(LINES));
    const unterminated = runWithLines([], LINES.map((line) => JSON.stringify(line)).join('\n'));
    expect(json(unterminated)).toBe(JSON.stringify(LINES));
  });

  test('a run that logged nothing yet downloads a header and an empty array', () => {
    const dir = runWithLines([]);
    expect(csv(dir)).toBe('step,time\r\n');
    expect(json(dir)).toBe('[]');
  });
});

/** What the build hands the worker of a run it has read. */
function handedOver(dir: string): RunRead {
  const read = metricsReadSoFar(dir)!;
  return { id: basename(dir), dir, read: { stamp: read.stamp, names: [...read.metrics.series.keys()], lines: read.metrics.steps.length } };
}

describe('the downloads worker', () => {
  test('writes what the build would from the lines the build read, and leaves unread runs, a changed file and lines written otherwise to the build', () => {
    const long = Array.from({ length: 300 }, (_, step) => ({ step, time: step / 3, kl: step % 7 ? step / 7 : null, loss: 1 / (step + 1) }));
    const dirs = {
      read: runWithLines(long),
      unread: runWithLines(LINES),
      changed: runWithLines(long),
      respaced: runWithLines([], long.map((line) => JSON.stringify(line).replace(/:/g, ': ')).join('\n') + '\n'),
    };
    // The build's reads (all but one), as the pages make them before the worker starts.
    for (const name of ['read', 'changed', 'respaced'] as const) readMetricsShared(dirs[name]);
    const expected = { csv: csv(dirs.read) };
    appendFileSync(join(dirs.changed, 'metrics.jsonl'), JSON.stringify({ step: 300, time: 100, kl: 1, loss: 0.5 }) + '\n');

    const outDir = mkdtempSync(join(tmpdir(), 'sweepbook-downloads-out-'));
    expect(metricsReadSoFar(dirs.unread)).toBeUndefined();
    const written = Object.values(dirs).flatMap((dir) => {
      if (!metricsReadSoFar(dir)) return [];
      const run = handedOver(dir);
      return writeRunRead(outDir, run) ? [run.id] : [];
    });
    expect(written).toEqual([basename(dirs.read)]);
    const folder = join(outDir, 'runs', basename(dirs.read));
    // One gzipped CSV, at the level chosen for it, and no uncompressed copies.
    expect(readdirSync(folder)).toEqual(['metrics.csv.gz']);
    const gz = readFileSync(join(folder, 'metrics.csv.gz'));
    expect(gunzipSync(gz).toString('utf8')).toBe(expected.csv);
    expect(gz.equals(gzipSync(Buffer.from(expected.csv), GZIP_OPTIONS))).toBe(true);
    for (const name of ['unread', 'changed', 'respaced'] as const) expect(existsSync(join(outDir, 'runs', basename(dirs[name])))).toBe(false);
  });

  test('the worker and the build, done with its pages, share the runs handed over: each written once, by the one that takes it first', () => {
    const dirs = [runWithLines(LINES), runWithLines(LINES), runWithLines(LINES)];
    for (const dir of dirs) readMetricsShared(dir);
    const runs = dirs.map(handedOver);
    const outDir = mkdtempSync(join(tmpdir(), 'sweepbook-downloads-out-'));
    const taken = new Int32Array(new SharedArrayBuffer(4));
    taken[0] = 1; // the other thread took the first run
    const written: string[] = [];
    writeUntaken(outDir, runs.slice(0, 2), taken, (id) => written.push(id));
    expect(written).toEqual([runs[1].id]);
    // a run handed over later is still to take; none is taken twice
    writeUntaken(outDir, runs, taken, (id) => written.push(id));
    writeUntaken(outDir, runs, taken, (id) => written.push(id));
    expect(written).toEqual([runs[1].id, runs[2].id]);
    expect(existsSync(join(outDir, 'runs', runs[0].id))).toBe(false);
    expect(gunzipSync(readFileSync(join(outDir, 'runs', runs[2].id, 'metrics.csv.gz'))).toString('utf8')).toBe(csv(dirs[2]));
  });
});
