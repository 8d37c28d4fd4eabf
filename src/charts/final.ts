import { isFiniteValue, type MetricPoint } from './types';

/**
 * How a run ended: the mean of the finite values logged in the last `fraction`
 * of its steps. Less noisy than the last value alone; null if none is finite.
 */
export function finalMean(points: MetricPoint[], fraction = 0.1): number | null {
  if (points.length === 0) return null;
  const first = points[0].step;
  const last = points[points.length - 1].step;
  const from = last - fraction * (last - first);
  const values = points.filter((p) => p.step >= from).map((p) => p.value).filter(isFiniteValue);
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}
