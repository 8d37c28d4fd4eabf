import { appendFileSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { metricsReadSoFar, readMetricColumns, readMetricsShared, RunWriter, startMetricsPrefetch, type MetricsPrefetch } from '../src/runs';

function runsWithMetrics(count: number, steps: number): string[] {
  const runsDir = mkdtempSync(join(tmpdir(), 'sweepbook-prefetch-'));
  return Array.from({ length: count }, (_, k) => {
    const writer = RunWriter.create(runsDir, {
      sweep: 's', params: { beta: k }, label: `beta=${k}`, color: 'green', seed: 0, config: {}, totalSteps: steps, generationsCapacity: 0,
    });
    for (let step = 1; step <= steps; step++) writer.logMetrics(step, { kl: k + step / 7, reward: step % 3 === 0 ? NaN : -step });
    writer.finish('completed');
    return writer.dir;
  });
}

let prefetch: MetricsPrefetch | undefined;
afterEach(async () => {
  await prefetch?.stop();
  prefetch = undefined;
});

describe('reading metrics ahead during a build', () => {
  it('hands over the same columns the build would read', async () => {
    const dirs = runsWithMetrics(3, 50);
    prefetch = startMetricsPrefetch(dirs);
    await prefetch.done;
    for (const dir of dirs) expect(readMetricsShared(dir)).toEqual(readMetricColumns(dir));
  });

  it('shows what the worker has read as read so far (the downloads start from it), leaving it for the build to take', async () => {
    const dirs = runsWithMetrics(2, 30);
    expect(metricsReadSoFar(dirs[0])).toBeUndefined();
    prefetch = startMetricsPrefetch(dirs);
    await prefetch.done;
    const seen = metricsReadSoFar(dirs[0])!;
    expect(seen.metrics).toEqual(readMetricColumns(dirs[0]));
    expect(readMetricsShared(dirs[0])).toBe(seen.metrics);
  });

  it("takes the worker's columns while the file is as the worker read it, and reads a changed file again", async () => {
    const [same, appended] = runsWithMetrics(2, 20);
    // The stamp (size and modification time) decides, as for the build's memo: a
    // rewrite that keeps both still gets the worker's columns, which shows they were taken.
    const file = join(same, 'metrics.jsonl');
    const mtime = 1_700_000_000; // whole seconds, which utimes sets exactly
    utimesSync(file, mtime, mtime);
    prefetch = startMetricsPrefetch([same, appended]);
    await prefetch.done;
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('"kl":0.14285714285714285', '"kl":9.14285714285714285'));
    utimesSync(file, mtime, mtime);
    expect(readFileSync(file, 'utf8')).not.toBe(text);
    expect(readMetricColumns(same).series.get('kl')!.values[0]).toBeCloseTo(9 + 1 / 7);
    expect(readMetricsShared(same).series.get('kl')!.values[0]).toBeCloseTo(1 / 7);
    appendFileSync(join(appended, 'metrics.jsonl'), JSON.stringify({ step: 21, time: 1, kl: 0 }) + '\n');
    expect(readMetricsShared(appended).steps.length).toBe(21);
  });

  it('says what the worker found to warn about when the build uses its columns', async () => {
    const [dir] = runsWithMetrics(1, 5);
    appendFileSync(join(dir, 'metrics.jsonl'), '{"step":6,"ti');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    prefetch = startMetricsPrefetch([dir]);
    await prefetch.done;
    expect(readMetricsShared(dir).steps.length).toBe(5);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('truncated last line'));
    warn.mockRestore();
  });
});
