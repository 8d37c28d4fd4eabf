// ::scatter's chart: paths paired at the steps both metrics logged, ends from
// finalMean over seeds, a bounded number of points, and the spec's layers.
import { describe, expect, it } from 'vitest';
import { drawScatter, lowestDrawn, metricPath, pointsPerPath, scatterEnd, scatterSpec, shrinkPath, type MetricPath } from '../src/charts/scatter';
import { seriesFrom, type Series } from '../src/charts/types';

const series = (points: [number, number | null][]): Series => seriesFrom(points.map(([step, value]) => ({ step, value })));
const columns = ({ steps, x, y }: MetricPath) => ({ steps: Array.from(steps), x: Array.from(x), y: Array.from(y) });

type Layer = { name: string; mark: { type: string; opacity?: number }; data: { values: Record<string, number | string>[] }; encoding: Record<string, { field?: string; scale?: { type?: string; range?: string[]; domain?: string[] } }> };
const layersOf = (spec: ReturnType<typeof scatterSpec>) => (spec as unknown as { layer: Layer[] }).layer;

describe('metricPath', () => {
  it('pairs x and y at the steps both logged with finite values, in step order', () => {
    const x = series([[1, 10], [2, 20], [3, 30], [4, NaN], [6, 60]]);
    const y = series([[2, 0.2], [4, 0.4], [5, 0.5], [6, 0.6]]);
    expect(columns(metricPath(x, y, 0))).toEqual({ steps: [2, 6], x: [20, 60], y: [0.2, 0.6] });
  });

  it('smooths each metric over its own logged steps before pairing (TensorBoard EMA, debiased)', () => {
    // x every step, y every other: x's smoothed value at step 2 already weighs step 1
    const x = series([[1, 0], [2, 4], [3, 8], [4, 2]]);
    const y = series([[2, 1], [4, 3]]);
    // weight 0.5: x's EMA is 0, 2, 5, 3.5 over 1 - 0.5^n = 0.5, 0.75, 0.875, 0.9375; y's 0.5, 1.75 over 0.5, 0.75
    expect(columns(metricPath(x, y, 0.5))).toEqual({ steps: [2, 4], x: [2 / 0.75, 3.5 / 0.9375], y: [1, 1.75 / 0.75] });
  });
});

describe('scatterEnd', () => {
  it("is the mean, lowest and highest over seeds of each run's mean of its last 10% of steps", () => {
    // 11 steps 0..10: the last 10% are steps 9 and 10
    const run = (xEnd: [number, number], yEnd: [number, number]) => ({
      x: series(Array.from({ length: 11 }, (_, step): [number, number] => [step, step >= 9 ? xEnd[step - 9] : 100])),
      y: series(Array.from({ length: 11 }, (_, step): [number, number] => [step, step >= 9 ? yEnd[step - 9] : -100])),
    });
    const end = scatterEnd([run([1, 3], [10, 20]), run([5, 7], [30, 30]), run([0, 0], [0, 6])]);
    expect(end).toEqual({ x: { mean: 8 / 3, min: 0, max: 6, seeds: 3 }, y: { mean: 16, min: 3, max: 30, seeds: 3 } });
  });

  it('leaves out a seed whose end is not finite in either metric, so x and y average the same runs', () => {
    const end = scatterEnd([
      { x: series([[1, 2]]), y: series([[1, 4]]) },
      { x: series([[1, 6]]), y: series([[1, null]]) },
    ]);
    expect(end).toEqual({ x: { mean: 2, min: 2, max: 2, seeds: 1 }, y: { mean: 4, min: 4, max: 4, seeds: 1 } });
    expect(scatterEnd([{ x: series([]), y: series([[1, 1]]) }])).toBeNull();
  });
});

describe('shrinkPath', () => {
  it('draws a 20,000-step path as at most pointsPerPath rows, each the mean of its bucket of steps', () => {
    const steps = Float64Array.from({ length: 20_000 }, (_, i) => i + 1);
    const path = { steps, x: steps.map((s) => 2 * s), y: steps.map((s) => -s) };
    const perPath = pointsPerPath(1);
    expect(perPath).toBe(300);
    const rows = shrinkPath(path, perPath);
    expect(rows).toHaveLength(300);
    // bucket 0 holds steps 1..67 (20,000 / 300 buckets, by step): their means
    const first = Array.from({ length: 67 }, (_, i) => i + 1);
    const mean = first.reduce((a, b) => a + b) / first.length;
    expect(rows[0]).toEqual({ step: mean, x: 2 * mean, y: -mean });
    const short = { steps: Float64Array.of(1, 2), x: Float64Array.of(3, 4), y: Float64Array.of(5, 6) };
    expect(shrinkPath(short, 300)).toEqual([{ step: 1, x: 3, y: 5 }, { step: 2, x: 4, y: 6 }]);
  });

  it("shares a figure's points among its paths, fewer in the narrow drawing, never under 20", () => {
    expect([pointsPerPath(44), pointsPerPath(44, 'narrow'), pointsPerPath(500)]).toEqual([45, 24, 20]);
  });
});

describe('scatterSpec', () => {
  const values = drawScatter(
    [
      { label: 'beta=1', color: 'yellow', runs: [{ x: series([[1, 1], [2, 2], [3, 3]]), y: series([[1, 3], [2, 1], [3, 2]]) }] },
      { label: 'beta=10', color: 'blue', runs: [{ x: series([[1, 4], [2, 5]]), y: series([[1, 1], [2, 1]]) }, { x: series([[1, 6], [2, 7]]), y: series([[1, 3], [2, 5]]) }] },
    ],
    0,
  );

  it('draws each seed as a path in step order, faint when values have several seeds, in the colors drawn against the page', () => {
    const [paths, xRange, yRange, ends] = layersOf(scatterSpec({ values, x: 'kl', y: 'raw_reward' }));
    expect(paths.mark).toMatchObject({ type: 'line', opacity: 0.35 });
    expect(paths.encoding.order.field).toBe('step');
    expect(paths.encoding.detail.field).toBe('seed');
    expect(paths.encoding.color.scale).toEqual({ domain: ['beta=1', 'beta=10'], range: ['#969600', 'blue'] }); // yellow darkened to 3:1 on the light page
    expect(paths.data.values.map((row) => [row.run, row.seed, row.x, row.y])).toEqual([
      ['beta=1', 0, 1, 3], ['beta=1', 0, 2, 1], ['beta=1', 0, 3, 2],
      ['beta=10', 0, 4, 1], ['beta=10', 0, 5, 1], ['beta=10', 1, 6, 3], ['beta=10', 1, 7, 5],
    ]);
    // a run's end is its last 10% of steps: here its last step. Only the value with two
    // seeds has bars: its seeds' lowest and highest end, both ways, through their mean
    expect(xRange.data.values).toEqual([{ run: 'beta=10', y: 3, min: 5, max: 7 }]);
    expect(yRange.data.values).toEqual([{ run: 'beta=10', x: 6, min: 1, max: 5 }]);
    expect(ends.data.values).toEqual([{ run: 'beta=1', x: 3, y: 2 }, { run: 'beta=10', x: 6, y: 3 }]);
  });

  it('takes log axes where asked, and names the metrics with their units', () => {
    const [paths] = layersOf(scatterSpec({ values, x: 'kl', y: 'raw_reward', logy: true }));
    expect(paths.encoding.x.scale?.type).toBeUndefined();
    expect(paths.encoding.y.scale?.type).toBe('log');
    expect([paths.encoding.x, paths.encoding.y].map((e) => (e as { title?: string }).title)).toEqual(['KL (nats)', 'Raw reward (alliteration)']);
  });

  it("finds the lowest value drawn on each axis, a bar's low end included", () => {
    expect([lowestDrawn(values, 'x'), lowestDrawn(values, 'y')]).toEqual([1, 1]);
    expect(lowestDrawn([], 'x')).toBe(Infinity);
  });
});
