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

/**
 * What one number of a run's metric is: how it ended (finalMean), its first or
 * highest value, its value at a step, or how much it still moved at the end
 * (change: finalMean against finalMean of the first 80% of steps, relative),
 * which tells whether a run had settled.
 */
export type Stat = { kind: 'final' } | { kind: 'first' } | { kind: 'max' } | { kind: 'min' } | { kind: 'change' } | { kind: 'step'; step: number };

/** A stat of one run's series; null when it has no finite value there (undefined: the step was not logged). */
export function statOf(points: MetricPoint[], stat: Stat): number | null | undefined {
  const finite = points.map((p) => p.value).filter(isFiniteValue);
  switch (stat.kind) {
    case 'final':
      return finalMean(points);
    case 'first':
      return finite.length ? finite[0] : null;
    case 'max':
      return finite.length ? finite.reduce((a, b) => Math.max(a, b)) : null;
    case 'min':
      return finite.length ? finite.reduce((a, b) => Math.min(a, b)) : null;
    case 'change': {
      if (points.length === 0) return null;
      const first = points[0].step;
      const cut = first + 0.8 * (points[points.length - 1].step - first);
      const end = finalMean(points);
      const before = finalMean(points.filter((p) => p.step <= cut));
      return end === null || before === null || before === 0 ? null : (end - before) / Math.abs(before);
    }
    case 'step': {
      const point = points.find((p) => p.step === stat.step);
      return point === undefined ? undefined : isFiniteValue(point.value) ? point.value : null;
    }
  }
}
