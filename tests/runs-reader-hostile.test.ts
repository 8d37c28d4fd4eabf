// metrics.jsonl files a copied-in run folder may hold (issue 27, item 3): one
// larger than a JavaScript string can be, lines cut across the reader's
// chunks, and numbers JSON writes but a double cannot hold.
import { closeSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listRuns, readMetricColumns, readMetrics, RunFormatError, RunWriter } from '../src/runs';
import { runHref } from '../src/site/href';

function emptyRun(): string {
  const runsDir = mkdtempSync(join(tmpdir(), 'sweepbook-hostile-'));
  const writer = RunWriter.create(runsDir, { sweep: 's', params: { beta: 1 }, label: 'beta=1', color: 'green', seed: 0, config: {}, totalSteps: 3, generationsCapacity: 0 });
  writer.finish('completed');
  return writer.dir;
}

function writeMetrics(dir: string, text: string): void {
  const fd = openSync(join(dir, 'metrics.jsonl'), 'w');
  writeSync(fd, text);
  closeSync(fd);
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

describe('a metrics.jsonl larger than a string can be', () => {
  it('is read line by line: 560 MB of lines read as columns', { timeout: 120_000 }, () => {
    const dir = emptyRun();
    // ~1.2 KB a line, as a run logging 60 metrics writes; past V8's longest string (0x1fffffe8 characters)
    const metrics = Array.from({ length: 60 }, (_, i) => `"metric_${i}":0.123456789012345`).join(',');
    const lineOf = (step: number) => `{"step":${step},"time":1730000000.123,${metrics}}\n`;
    const linesPerBlock = 4096;
    const fd = openSync(join(dir, 'metrics.jsonl'), 'w');
    let bytes = 0;
    let step = 0;
    while (bytes <= 0x1fffffe8 + 20_000_000) {
      let block = '';
      for (let i = 0; i < linesPerBlock; i++) block += lineOf(++step);
      bytes += writeSync(fd, block);
    }
    closeSync(fd);
    try {
      const read = readMetricColumns(dir, () => {});
      expect(read.steps.length).toBe(step);
      expect(read.steps[step - 1]).toBe(step);
      expect(read.series.size).toBe(60);
      expect(read.series.get('metric_59')!.values[step - 1]).toBe(0.123456789012345);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads lines cut across chunks alike, with their line numbers, UTF-8 names cut mid-character too', () => {
    const dir = emptyRun();
    const lines = Array.from({ length: 50 }, (_, i) => JSON.stringify({ step: i + 1, time: 1, 损失: i / 7, 'eval/loss': i }));
    writeMetrics(dir, lines.join('\n') + '\n' + '{"step": 51, "ti');
    const whole = readMetricColumns(dir, () => {});
    for (const chunk of [1, 3, 7, 64, 1000]) {
      const warnings: string[] = [];
      const read = readMetricColumns(dir, (message) => warnings.push(message), chunk);
      expect([...read.steps]).toEqual([...whole.steps]);
      expect([...read.series.get('损失')!.values]).toEqual(lines.map((_, i) => i / 7));
      expect(warnings).toEqual([expect.stringContaining('metrics.jsonl:51: skipped a truncated last line')]);
    }
    // a bad line well past the first chunk is named by its line
    writeMetrics(dir, lines.slice(0, 30).join('\n') + '\n{"step": 31, "time": "x"}\n' + lines[31] + '\n');
    for (const chunk of [5, 100]) expect(errorOf(() => readMetricColumns(dir, () => {}, chunk)).message).toMatch(/metrics\.jsonl:31: time: /);
  });
});

describe('a number a double cannot hold', () => {
  // JSON.parse reads 1e400 as Infinity; the format writes null for a non-finite value, so such a number is a writer's bug
  for (const [line, field] of [
    ['{"step":1,"time":1,"kl":1e400}', 'kl'],
    ['{"step":1,"time":1,"kl":-1e400}', 'kl'],
    ['{"step":1,"time":1e999,"kl":1}', 'time'],
  ] as const) {
    it(`is an error naming the file, line and field: ${line}`, () => {
      const dir = emptyRun();
      writeMetrics(dir, `{"step":0,"time":1,"kl":1e308}\n${line}\n`);
      for (const read of [readMetricColumns, readMetrics]) {
        const error = errorOf(() => read(dir, () => {}));
        expect(error.message).toMatch(new RegExp(`metrics\\.jsonl:2: ${field}: .*null`));
      }
    });
  }
});

describe('a run id that is not a plain URL path segment', () => {
  // The id names the run's pages and links: %2e%2e, \, ? and # would be read as something else in a link.
  for (const id of ['%2e%2e', 'a\\b', 'what?', 'a#b', 'a b', 'ünï']) {
    it(`is refused with the file and field: ${JSON.stringify(id)}`, () => {
      const dir = emptyRun();
      const runsDir = join(dir, '..');
      const moved = join(runsDir, id);
      const info = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
      renameSync(dir, moved);
      writeFileSync(join(moved, 'run.json'), JSON.stringify({ ...info, id }));
      expect(errorOf(() => listRuns(runsDir)).message).toBe(
        `${join(moved, 'run.json')}: id: ${JSON.stringify(id)} is not a run id: it names the run's pages and links, so it holds only letters, digits and . _ ~ -`,
      );
    });
  }
});

describe('run links', () => {
  it('encode the id as a path segment', () => {
    expect(runHref('a?b#c%2e', 'metrics.csv')).toBe('/runs/a%3Fb%23c%252e/metrics.csv');
    expect(runHref('20241030-225813soft-crafty-quetzal-of-tolerance')).toBe('/runs/20241030-225813soft-crafty-quetzal-of-tolerance/');
  });
});
