import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listRuns, readGenerations, readMetricColumns, readMetrics, readMetricsShared, RunFormatError, RunWriter } from '../src/runs';
import { MetricsLine } from '../src/runs/schema';

function runWithFiles(files: Record<string, string>): string {
  const runsDir = mkdtempSync(join(tmpdir(), 'sweepbook-reader-'));
  const writer = RunWriter.create(runsDir, {
    sweep: 's', params: { beta: 1 }, label: 'beta=1', color: 'green', seed: 0, config: {}, totalSteps: 3, generationsCapacity: 0,
  });
  writer.finish('completed');
  for (const [name, content] of Object.entries(files)) writeFileSync(join(writer.dir, name), content);
  return writer.dir;
}

function errorOf(read: () => unknown): RunFormatError {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(RunFormatError);
    return error as RunFormatError;
  }
  throw new Error('expected a RunFormatError');
}

const good = (step: number) => JSON.stringify({ step, time: 1, kl: 0.5 }) + '\n';

describe('reading run folders', () => {
  it('skips a truncated last line with a warning', () => {
    const dir = runWithFiles({ 'metrics.jsonl': good(1) + good(2) + '{"step": 3, "ti' });
    const warnings: string[] = [];
    expect(readMetrics(dir, (message) => warnings.push(message)).map((line) => line.step)).toEqual([1, 2]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('metrics.jsonl:3');
  });

  it('rejects a bad line that is not the last, naming file and line', () => {
    const dir = runWithFiles({ 'metrics.jsonl': good(1) + '{"step": 2, "ti\n' + good(3) });
    const error = errorOf(() => readMetrics(dir));
    expect(error.file).toBe(join(dir, 'metrics.jsonl'));
    expect(error.line).toBe(2);
    expect(error.message).toMatch(/metrics\.jsonl:2: not valid JSON/);
  });

  it('rejects a missing field, naming file, line and field', () => {
    const dir = runWithFiles({ 'metrics.jsonl': good(1) + JSON.stringify({ time: 1, kl: 2 }) + '\n' });
    const error = errorOf(() => readMetrics(dir));
    expect(error).toMatchObject({ line: 2, field: 'step' });
    expect(error.message).toContain('metrics.jsonl:2: step:');
  });

  it('rejects a wrong type, naming the field', () => {
    const dir = runWithFiles({ 'metrics.jsonl': good(1) + JSON.stringify({ step: 2, time: 1, kl: 'high' }) + '\n' });
    expect(errorOf(() => readMetrics(dir))).toMatchObject({ line: 2, field: 'kl' });
    const gens = runWithFiles({ 'generations.jsonl': JSON.stringify({ step: 1, text: 5 }) + '\n' });
    expect(errorOf(() => readGenerations(gens))).toMatchObject({ line: 1, field: 'text' });
  });

  it('rejects steps that are not strictly increasing, naming file, line and step', () => {
    // what two trainers writing one run leave: ...38,39,38,40...
    const backwards = runWithFiles({ 'metrics.jsonl': good(1) + good(2) + good(3) + good(2) + good(4) });
    const error = errorOf(() => readMetrics(backwards));
    expect(error).toMatchObject({ file: join(backwards, 'metrics.jsonl'), line: 4, field: 'step' });
    expect(error.message).toMatch(/metrics\.jsonl:4: step: step 2 comes after step 3/);
    const duplicated = runWithFiles({ 'metrics.jsonl': good(1) + good(2) + good(2) + good(3) });
    expect(errorOf(() => readMetrics(duplicated)).message).toMatch(/metrics\.jsonl:3: step: step 2 comes after step 2/);
    // a truncated last line is still only a warning
    const truncated = runWithFiles({ 'metrics.jsonl': good(1) + good(2) + '{"step": 2, "ti' });
    expect(readMetrics(truncated, () => {}).map((line) => line.step)).toEqual([1, 2]);
    // the columns a site build reads go through the same checks
    expect(errorOf(() => readMetricColumns(backwards))).toMatchObject({ message: error.message, line: 4, field: 'step' });
    expect([...readMetricColumns(truncated, () => {}).steps]).toEqual([1, 2]);
  });

  it('accepts and rejects metrics lines exactly as the MetricsLine schema does (the reader checks them by hand)', () => {
    const lines: unknown[] = [
      { step: 1, time: 1, kl: 0.5 }, { step: 0, time: 1.5 }, { step: 1, time: 1, kl: null }, { time: 1, step: 1, a: 1, b: -2 },
      { step: -1, time: 1 }, { step: 1.5, time: 1 }, { step: '1', time: 1 }, { step: 1 }, { step: 1, time: null },
      { step: 1, time: 1, kl: 'high' }, { step: 1, time: 1, kl: [1] }, { step: 1, time: 1, kl: {} }, { step: 1, time: 1, kl: true },
      { step: 2 ** 60, time: 1 }, [1, 2], null, 3, 'step',
    ];
    for (const line of lines) {
      const dir = runWithFiles({ 'metrics.jsonl': JSON.stringify(line) + '\n' });
      const expected = MetricsLine.safeParse(line);
      if (expected.success) expect(readMetrics(dir)).toEqual([expected.data]);
      else expect(errorOf(() => readMetrics(dir))).toMatchObject({ line: 1, field: String(expected.error.issues[0].path[0] ?? '(root)') });
    }
  });

  it('reads metric names written in any script, and columns longer than a first allocation', () => {
    const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ step: i + 1, time: 1, 'β·KL': i / 2, 'größe': i % 3 === 0 ? null : i }) + '\n');
    const dir = runWithFiles({ 'metrics.jsonl': lines.join('') });
    const { steps, series } = readMetricColumns(dir);
    expect([...series.keys()]).toEqual(['β·KL', 'größe']);
    expect(steps.length).toBe(3000);
    expect([...series.get('β·KL')!.values.slice(-2)]).toEqual([1499, 1499.5]);
    expect([...series.get('größe')!.values.slice(0, 3)]).toEqual([NaN, 1, 2]);
    expect(readMetrics(dir)[2]).toEqual({ step: 3, time: 1, 'β·KL': 1, 'größe': 2 });
  });

  it('reads metrics again for a build once the file changed', () => {
    const dir = runWithFiles({ 'metrics.jsonl': good(1) });
    expect([...readMetricsShared(dir).steps]).toEqual([1]);
    writeFileSync(join(dir, 'metrics.jsonl'), good(1) + good(2));
    expect([...readMetricsShared(dir).steps]).toEqual([1, 2]);
  });

  it('rejects an unknown format version with a clear message', () => {
    const dir = runWithFiles({});
    const runJson = join(dir, 'run.json');
    writeFileSync(runJson, JSON.stringify({ format: 99, id: 'x' }));
    const error = errorOf(() => listRuns(join(dir, '..')));
    expect(error).toMatchObject({ file: runJson, field: 'format' });
    expect(error.message).toContain('unknown format version 99');
  });

  it('rejects a run.json with a missing or mistyped field', () => {
    const dir = runWithFiles({});
    const info = JSON.parse(JSON.stringify(listRuns(join(dir, '..'))[0].info)) as Record<string, unknown>;
    delete info.status;
    writeFileSync(join(dir, 'run.json'), JSON.stringify(info));
    expect(errorOf(() => listRuns(join(dir, '..')))).toMatchObject({ field: 'status' });
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ ...info, status: 'running', steps_done: 'ten' }));
    expect(errorOf(() => listRuns(join(dir, '..')))).toMatchObject({ field: 'steps_done' });
  });

  it('rejects a color that is not a CSS color, so run.json cannot inject CSS', () => {
    const dir = runWithFiles({});
    const runJson = join(dir, 'run.json');
    const info = JSON.parse(readFileSync(runJson, 'utf8')) as Record<string, unknown>;
    writeFileSync(runJson, JSON.stringify({ ...info, color: 'red;background-image:url(https://x)' }));
    const error = errorOf(() => listRuns(join(dir, '..')));
    expect(error).toMatchObject({ file: runJson, field: 'color' });
    expect(error.message).toContain('run.json: color: expected a CSS color');
  });

  it("rejects an id that is not the run's folder name", () => {
    const dir = runWithFiles({});
    const runsDir = join(dir, '..');
    const runJson = join(dir, 'run.json');
    const info = JSON.parse(readFileSync(runJson, 'utf8')) as Record<string, unknown>;
    writeFileSync(runJson, JSON.stringify({ ...info, id: '../../x' }));
    const error = errorOf(() => listRuns(runsDir));
    expect(error).toMatchObject({ file: runJson, field: 'id' });
    expect(error.message).toContain(`run.json: id: "../../x" is not the run's folder name "${basename(dir)}"`);

    // A copied run folder keeps the id of the original: two pages would claim one address.
    writeFileSync(runJson, JSON.stringify(info));
    cpSync(dir, join(runsDir, 'copy'), { recursive: true });
    expect(errorOf(() => listRuns(runsDir))).toMatchObject({ file: join(runsDir, 'copy', 'run.json'), field: 'id' });
  });

  it('warns about a folder with run files but no run.json, naming the folder', () => {
    const dir = runWithFiles({});
    const runsDir = join(dir, '..');
    mkdirSync(join(runsDir, 'lost'));
    writeFileSync(join(runsDir, 'lost', 'metrics.jsonl'), good(1));
    mkdirSync(join(runsDir, 'lost-too'));
    writeFileSync(join(runsDir, 'lost-too', 'generations.jsonl'), JSON.stringify({ step: 1, text: 'hi' }) + '\n');
    const warnings: string[] = [];
    expect(listRuns(runsDir, (message) => warnings.push(message))).toHaveLength(1);
    expect(warnings).toEqual([expect.stringContaining(join(runsDir, 'lost')), expect.stringContaining(join(runsDir, 'lost-too'))]);
    expect(warnings[0]).toContain('no run.json');
    expect(warnings.every((warning) => !warning.includes('\n'))).toBe(true);
  });

  it('ignores folders without run.json and stray files', () => {
    const dir = runWithFiles({});
    const runsDir = join(dir, '..');
    mkdirSync(join(runsDir, 'notes'));
    writeFileSync(join(runsDir, 'README.txt'), 'hello');
    // a run being created this moment: its metrics file is opened before run.json is written
    mkdirSync(join(runsDir, 'being-created'));
    writeFileSync(join(runsDir, 'being-created', 'metrics.jsonl'), '');
    mkdirSync(join(runsDir, '.claims'));
    writeFileSync(join(runsDir, '.claims', '0123abcd'), '{}');
    const warnings: string[] = [];
    expect(listRuns(runsDir, (message) => warnings.push(message))).toHaveLength(1);
    expect(warnings).toEqual([]);
  });
});
