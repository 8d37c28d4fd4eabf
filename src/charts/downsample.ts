import { isFiniteValue, type MetricPoint } from './types';

/**
 * Shrinks a long line to at most about 2 points per bucket, so a figure's size
 * does not grow with the number of steps. Buckets are equal ranges of steps;
 * each keeps its lowest and highest point, so spikes survive, and its first
 * non-finite point, so gaps survive. The first and last points are always kept.
 * Points must be in step order; lines of at most 2 * buckets points come back as is.
 */
export function downsample(points: MetricPoint[], buckets = 1000): MetricPoint[] {
  if (points.length <= 2 * buckets) return points;
  const firstStep = points[0].step;
  const span = points[points.length - 1].step - firstStep;
  const bucketOf = (step: number) =>
    span > 0 ? Math.min(buckets - 1, Math.floor(((step - firstStep) / span) * buckets)) : 0;

  const minAt = new Int32Array(buckets).fill(-1);
  const maxAt = new Int32Array(buckets).fill(-1);
  const gapAt = new Int32Array(buckets).fill(-1);
  points.forEach(({ step, value }, i) => {
    const b = bucketOf(step);
    if (!isFiniteValue(value)) {
      if (gapAt[b] < 0) gapAt[b] = i;
    } else {
      if (minAt[b] < 0 || value < (points[minAt[b]].value as number)) minAt[b] = i;
      if (maxAt[b] < 0 || value > (points[maxAt[b]].value as number)) maxAt[b] = i;
    }
  });

  const keep = new Uint8Array(points.length);
  keep[0] = keep[points.length - 1] = 1;
  for (const at of [minAt, maxAt, gapAt]) for (const i of at) if (i >= 0) keep[i] = 1;
  return points.filter((_, i) => keep[i]);
}

/**
 * Shrinks a line to one point per bucket: the mean of its finite values, at
 * its mean step (a bucket of only non-finite values keeps a gap). For figures
 * of many runs, where each line gets only a few dozen buckets: there, min and
 * max per bucket would draw a sawtooth of the step-to-step noise, not the trend.
 */
export function bucketMeans(points: MetricPoint[], buckets: number): MetricPoint[] {
  if (points.length <= buckets) return points;
  const firstStep = points[0].step;
  const span = points[points.length - 1].step - firstStep;
  const sums = Array.from({ length: buckets }, () => ({ steps: 0, values: 0, finite: 0, all: 0 }));
  for (const { step, value } of points) {
    const sum = sums[span > 0 ? Math.min(buckets - 1, Math.floor(((step - firstStep) / span) * buckets)) : 0];
    sum.steps += step;
    sum.all += 1;
    if (isFiniteValue(value)) {
      sum.values += value;
      sum.finite += 1;
    }
  }
  return sums
    .filter((sum) => sum.all > 0)
    .map((sum) => ({ step: sum.steps / sum.all, value: sum.finite > 0 ? sum.values / sum.finite : null }));
}
