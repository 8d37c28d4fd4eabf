import { headOf, type Series } from './types';

/**
 * How a run ended: the mean of the finite values logged in the last `fraction`
 * of its steps. Less noisy than the last value alone; null if none is finite.
 */
export function finalMean({ steps, values }: Series, fraction = 0.1): number | null {
  const n = steps.length;
  if (n === 0) return null;
  const from = steps[n - 1] - fraction * (steps[n - 1] - steps[0]);
  let start = n - 1;
  while (start > 0 && steps[start - 1] >= from) start--;
  let sum = 0;
  let count = 0;
  for (let i = start; i < n; i++) {
    if (Number.isFinite(values[i])) {
      sum += values[i];
      count++;
    }
  }
  return count > 0 ? sum / count : null;
}

/**
 * What one number of a run's metric is: how it ended (finalMean), its first or
 * highest value, its value at a step, or how much it still moved at the end
 * (change: finalMean against finalMean of the first 80% of steps, relative),
 * which tells whether a run had settled.
 */
export type Stat = { kind: 'final' } | { kind: 'first' } | { kind: 'max' } | { kind: 'min' } | { kind: 'change' } | { kind: 'step'; step: number };

/** A stat of one run's series; null when it has no finite value there (undefined: the step was not logged). */
export function statOf(series: Series, stat: Stat): number | null | undefined {
  const { steps, values } = series;
  const finite = values.filter(Number.isFinite);
  switch (stat.kind) {
    case 'final':
      return finalMean(series);
    case 'first':
      return finite.length ? finite[0] : null;
    case 'max':
      return finite.length ? finite.reduce((a, b) => Math.max(a, b)) : null;
    case 'min':
      return finite.length ? finite.reduce((a, b) => Math.min(a, b)) : null;
    case 'change': {
      if (steps.length === 0) return null;
      const cut = steps[0] + 0.8 * (steps[steps.length - 1] - steps[0]);
      const end = finalMean(series);
      const before = finalMean(headOf(series, steps.findLastIndex((step) => step <= cut) + 1));
      return end === null || before === null || before === 0 ? null : (end - before) / Math.abs(before);
    }
    case 'step': {
      const at = steps.indexOf(stat.step);
      return at < 0 ? undefined : Number.isFinite(values[at]) ? values[at] : null;
    }
  }
}
