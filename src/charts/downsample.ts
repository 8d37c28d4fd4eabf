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
