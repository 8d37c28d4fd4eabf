import { pointsOf, type MetricPoint, type Series } from './types';

/**
 * Shrinks a long line to at most about 2 points per bucket, so a figure's size
 * does not grow with the number of steps. Buckets are equal ranges of steps;
 * each keeps its lowest and highest point, so spikes survive, and its first
 * non-finite point, so gaps survive. The first and last points are always kept.
 * Lines of at most 2 * buckets points come back whole.
 */
export function downsample(series: Series, buckets = 1000): MetricPoint[] {
  const { steps, values } = series;
  const n = steps.length;
  if (n <= 2 * buckets) return pointsOf(series);
  const firstStep = steps[0];
  const span = steps[n - 1] - firstStep;
  const minAt = new Int32Array(buckets).fill(-1);
  const maxAt = new Int32Array(buckets).fill(-1);
  const gapAt = new Int32Array(buckets).fill(-1);
  for (let i = 0; i < n; i++) {
    const b = span > 0 ? Math.min(buckets - 1, Math.floor(((steps[i] - firstStep) / span) * buckets)) : 0;
    const value = values[i];
    if (!Number.isFinite(value)) {
      if (gapAt[b] < 0) gapAt[b] = i;
    } else {
      if (minAt[b] < 0 || value < values[minAt[b]]) minAt[b] = i;
      if (maxAt[b] < 0 || value > values[maxAt[b]]) maxAt[b] = i;
    }
  }
  const keep = new Uint8Array(n);
  keep[0] = keep[n - 1] = 1;
  for (const at of [minAt, maxAt, gapAt]) for (const i of at) if (i >= 0) keep[i] = 1;
  const kept: MetricPoint[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) kept.push({ step: steps[i], value: Number.isFinite(values[i]) ? values[i] : null });
  return kept;
}

/**
 * Shrinks a line to one point per bucket: the mean of its finite values, at
 * its mean step (a bucket of only non-finite values keeps a gap). For figures
 * of many runs, where each line gets only a few dozen buckets: there, min and
 * max per bucket would draw a sawtooth of the step-to-step noise, not the trend.
 */
export function bucketMeans(series: Series, buckets: number): MetricPoint[] {
  const { steps, values } = series;
  const n = steps.length;
  if (n <= buckets) return pointsOf(series);
  const firstStep = steps[0];
  const span = steps[n - 1] - firstStep;
  const stepSums = new Float64Array(buckets);
  const valueSums = new Float64Array(buckets);
  const finite = new Int32Array(buckets);
  const all = new Int32Array(buckets);
  for (let i = 0; i < n; i++) {
    const b = span > 0 ? Math.min(buckets - 1, Math.floor(((steps[i] - firstStep) / span) * buckets)) : 0;
    stepSums[b] += steps[i];
    all[b] += 1;
    if (Number.isFinite(values[i])) {
      valueSums[b] += values[i];
      finite[b] += 1;
    }
  }
  const means: MetricPoint[] = [];
  for (let b = 0; b < buckets; b++) {
    if (all[b] > 0) means.push({ step: stepSums[b] / all[b], value: finite[b] > 0 ? valueSums[b] / finite[b] : null });
  }
  return means;
}
