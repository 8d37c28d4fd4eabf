import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { metricsReadSoFar, readMetricColumns, readMetrics, readMetricsShared, RunWriter } from '../src/runs';
import { metricsParquet, writeRunRead, writeUntaken, type RunRead } from '../src/site/metrics-downloads';
import { readParquet } from './read-parquet';

const download = (dir: string) => readParquet(Buffer.concat(metricsParquet(readMetricColumns(dir))));

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
  { step: 1, time: null, raw_reward: -1e-7 },
  { step: 3, time: 2.5, kl: null, raw_reward: 3, '=late, "odd"': 1e21 },
  { step: 7, time: 3 },
  { step: 8, time: 3.25, kl: 4, '=late, "odd"': -0.123456789012345678 },
];

/** The rows a download should hold: every line's values, null for what it left out or logged as null. */
function rowsOf(lines: Record<string, number | null | undefined>[], columns: string[]) {
  return lines.map((line) => Object.fromEntries(columns.map((column) => [column, line[column] ?? null])));
}

describe('metrics downloads', () => {
  test('read as columns: each metric keeps the steps that logged it, NaN for null', () => {
    const metrics = readMetricColumns(runWithLines(LINES));
    expect([...metrics.steps]).toEqual([0, 1, 3, 7, 8]);
    expect([...metrics.series.keys()]).toEqual(['kl', 'raw_reward', '=late, "odd"']);
    expect(metrics.series.get('kl')).toEqual({ steps: Float64Array.from([0, 3, 8]), values: Float64Array.from([0.25, NaN, 4]) });
  });

  test('the download is the lines: a row a step, step and time then each metric as first logged, null where a line has none', async () => {
    const dir = runWithLines(LINES);
    const { rows, columns } = await download(dir);
    expect(columns.map((column) => [column.name, column.type])).toEqual([['step', 'INT64'], ['time', 'DOUBLE'], ['kl', 'DOUBLE'], ['raw_reward', 'DOUBLE'], ['=late, "odd"', 'DOUBLE']]);
    expect(rows).toEqual(rowsOf(readMetrics(dir), ['step', 'time', 'kl', 'raw_reward', '=late, "odd"']));
  });

  test('a long run, its metrics logged on some steps only, gives every value exactly', async () => {
    const long = Array.from({ length: 2500 }, (_, step) => ({ step, time: 1.7e9 + step / 3, ...(step % 7 ? { kl: step / 7 } : {}), loss: step % 11 ? Math.sqrt(step) / (step + 1) : null }));
    const dir = runWithLines(long);
    expect((await download(dir)).rows).toEqual(rowsOf(readMetrics(dir), ['step', 'time', 'loss', 'kl']));
  });

  test('a run that logged nothing yet downloads its step and time columns and no rows', async () => {
    const { rows, columns } = await download(runWithLines([]));
    expect(rows).toEqual([]);
    expect(columns.map((column) => column.name)).toEqual(['step', 'time']);
  });
});

/** What the build hands the worker of a run it has read. */
function handedOver(dir: string): RunRead {
  return { id: basename(dir), metrics: metricsReadSoFar(dir)!.metrics };
}

describe('the downloads worker', () => {
  test('writes the download of the columns the build read, whatever the file holds since', async () => {
    const long = Array.from({ length: 300 }, (_, step) => ({ step, time: step / 3, kl: step % 7 ? step / 7 : null, loss: 1 / (step + 1) }));
    const dir = runWithLines(long);
    readMetricsShared(dir);
    const expected = rowsOf(readMetrics(dir), ['step', 'time', 'kl', 'loss']);
    const run = handedOver(dir);
    writeFileSync(join(dir, 'metrics.jsonl'), ''); // the worker does not read the file again
    const outDir = mkdtempSync(join(tmpdir(), 'sweepbook-downloads-out-'));
    expect(writeRunRead(outDir, run)).toBe(true);
    const folder = join(outDir, 'runs', run.id);
    // One download, and no uncompressed copies.
    expect(readdirSync(folder)).toEqual(['metrics.parquet']);
    expect((await readParquet(readFileSync(join(folder, 'metrics.parquet')))).rows).toEqual(expected);
  });

  test('the worker and the build, done with its pages, share the runs handed over: each written once, by the one that takes it first', async () => {
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
    expect((await readParquet(readFileSync(join(outDir, 'runs', runs[2].id, 'metrics.parquet')))).rows).toEqual((await download(dirs[2])).rows);
  });
});
