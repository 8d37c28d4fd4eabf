import { describe, expect, it } from 'vitest';
import { bucketMeans, downsample } from '../src/charts/downsample';
import { meanOfLast10Pct } from '../src/charts/final';
import { binMeans, sampledSteps } from '../src/charts/hover';
import { smooth } from '../src/charts/smooth';
import { pointsOf, seriesFrom, type Series } from '../src/charts/types';

const line = (values: (number | null)[]): Series => seriesFrom(values.map((value, step) => ({ step, value })));
const values = (series: Series) => Array.from(series.values);

describe('smooth (TensorBoard debiased EMA)', () => {
  it('matches hand-computed values, debiased from the first point', () => {
    // w = 0.5: last = 0.5, 1.5, 1.75 ; debias 0.5, 0.75, 0.875
    const out = values(smooth(line([1, 2, 1]), 0.5));
    expect(out[0]).toBeCloseTo(1, 12);
    expect(out[1]).toBeCloseTo(1.25 / 0.75, 12);
    expect(out[2]).toBeCloseTo((1.25 * 0.5 + 0.5) / 0.875, 12);
  });

  it('leaves a constant series exactly constant', () => {
    expect(values(smooth(line([0.3, 0.3, 0.3, 0.3]), 0.9))).toEqual([0.3, 0.3, 0.3, 0.3]);
  });

  it('returns the raw values at weight 0', () => {
    expect(values(smooth(line([3, -1, 4]), 0))).toEqual([3, -1, 4]);
  });

  it('passes non-finite values through and does not count them in the debias', () => {
    const out = values(smooth(line([1, null, Number.NaN, 3]), 0.5));
    expect(out[1]).toBeNaN();
    expect(out[2]).toBeNaN();
    // Third finite-or-not point is only the second finite one: debias 1 - 0.5^2.
    expect(out[3]).toBeCloseTo((0.5 * 0.5 + 0.5 * 3) / 0.75, 12);
  });

  it('keeps the steps', () => {
    const points = seriesFrom([{ step: 10, value: 1 }, { step: 20, value: 2 }]);
    expect(Array.from(smooth(points, 0.6).steps)).toEqual([10, 20]);
  });

  it('rejects weights outside [0, 1)', () => {
    expect(() => smooth(line([1]), 1)).toThrow(RangeError);
    expect(() => smooth(line([1]), -0.1)).toThrow(RangeError);
  });
});

describe('downsample', () => {
  const noisy = line(Array.from({ length: 20_000 }, (_, i) => Math.sin(i * 0.37) + (i === 12_345 ? 50 : 0)));

  it('bounds the size: about 2 points per bucket', () => {
    const out = downsample(noisy, 1000);
    expect(out.length).toBeLessThanOrEqual(2002);
    expect(out.length).toBeGreaterThan(1000);
  });

  it('keeps each bucket min and max, in step order, and the first and last points', () => {
    const out = downsample(noisy, 1000);
    const steps = out.map((p) => p.step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(out[0]).toEqual({ step: 0, value: noisy.values[0] });
    expect(out[out.length - 1]).toEqual({ step: 19_999, value: noisy.values[19_999] });
    expect(out.some((p) => p.step === 12_345 && p.value === noisy.values[12_345])).toBe(true);
    // Bucket 0 holds steps 0..19: its extremes are kept.
    const bucket = Array.from(noisy.values.subarray(0, 20));
    const kept = out.filter((p) => p.step < 20).map((p) => p.value);
    expect(kept).toContain(Math.min(...bucket));
    expect(kept).toContain(Math.max(...bucket));
  });

  it('leaves short lines unchanged', () => {
    const short = line([1, 2, 3, 4]);
    expect(downsample(short, 2)).toEqual(pointsOf(short));
  });

  it('keeps a gap (non-finite value) so the line still breaks there', () => {
    const withGap = line(Array.from({ length: 5000 }, (_, i) => (i === 2500 ? null : i % 7)));
    expect(downsample(withGap, 100).some((p) => p.value === null)).toBe(true);
  });
});

describe('meanOfLast10Pct', () => {
  it('averages the finite values of the last 10% of steps', () => {
    const points = line(Array.from({ length: 101 }, (_, i) => (i === 95 ? null : i)));
    // steps 90..100 without 95
    expect(meanOfLast10Pct(points)).toBeCloseTo((90 + 91 + 92 + 93 + 94 + 96 + 97 + 98 + 99 + 100) / 10, 12);
  });

  it('is null when there is nothing finite to average', () => {
    expect(meanOfLast10Pct(line([]))).toBeNull();
    expect(meanOfLast10Pct(line([null]))).toBeNull();
  });
});

describe('hover', () => {
  it('samples about one step per 2 pixels, whatever the run length', () => {
    const series = [{ label: 'a', color: 'red', logged: line(Array.from({ length: 10_000 }, (_, i) => i)) }];
    const { steps, logged } = sampledSteps(series, { width: 400 });
    expect(steps.length).toBe(200);
    expect([steps[0], steps[steps.length - 1], logged]).toEqual([0, 9999, 10_000]);
  });

  it('shows at each sampled step the mean of the logged values nearest to it, and nothing past the end of a run', () => {
    const { steps, values } = seriesFrom([{ step: 0, value: 1 }, { step: 1, value: 3 }, { step: 2, value: null }, { step: 3, value: 5 }, { step: 4, value: 7 }]);
    expect(binMeans(steps, values, [0, 3, 6, 9])).toEqual([2, 6, null, null]);
  });
});

describe('bucketMeans', () => {
  it('draws each bucket at its mean step and mean value, one point a bucket', () => {
    const out = bucketMeans(line(Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? 1 : 3))), 10);
    expect(out).toHaveLength(10);
    expect(out[0]).toEqual({ step: 49.5, value: 2 });
    expect(out.every((p) => p.value === 2)).toBe(true);
  });

  it('keeps a bucket of only non-finite values as a gap, and skips them elsewhere', () => {
    const values = Array.from({ length: 100 }, (_, i) => (i < 10 ? null : i === 50 ? null : 4));
    const out = bucketMeans(line(values), 10);
    expect(out[0].value).toBeNull();
    expect(out.slice(1).every((p) => p.value === 4)).toBe(true);
  });
});
