// The numbers the site gives of one run's metric: how it ended (its "final"
// value, in :value, ::final, the runs tables and final-metrics.csv) and how
// much that still moved at the end (change). One module, so that "final"
// means one thing everywhere.
import { headOf, type Series } from './types';

/** The share of a run's steps (by step number) its final value is the mean over: less noisy than the last value alone. */
const FINAL_SHARE = 0.1;
/** change compares the final value with the one the run had at this share of its steps. */
const CHANGE_FROM = 0.8;

/** The finite values logged in the last FINAL_SHARE of a series' steps. */
function finalWindow({ steps, values }: Series): Float64Array {
  const n = steps.length;
  if (n === 0) return values;
  const from = steps[n - 1] - FINAL_SHARE * (steps[n - 1] - steps[0]);
  let start = n - 1;
  while (start > 0 && steps[start - 1] >= from) start--;
  return values.subarray(start).filter(Number.isFinite);
}

function meanOf(values: Float64Array): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** How a run ended, its final value everywhere on the site: the mean of the finite values logged in its last 10% of steps; null if none is finite. */
export function meanOfLast10Pct(series: Series): number | null {
  return meanOf(finalWindow(series));
}

/** The last finite value logged, or null. Only final-metrics.csv gives it, beside the final value, for whoever wants the raw end. */
export function lastLoggedValue({ values }: Series): number | null {
  for (let i = values.length - 1; i >= 0; i--) if (Number.isFinite(values[i])) return values[i];
  return null;
}

/** The two windows change compares: the final window of the run as it stood at CHANGE_FROM of its steps, and its final window. */
function changeWindows(series: Series): { before: Float64Array; end: Float64Array } | null {
  const { steps } = series;
  if (steps.length === 0) return null;
  const cut = steps[0] + CHANGE_FROM * (steps[steps.length - 1] - steps[0]);
  return { before: finalWindow(headOf(series, steps.findLastIndex((step) => step <= cut) + 1)), end: finalWindow(series) };
}

/** How much the final value moved over the last 20% of steps, relative to where it was: (end − before) / |before|; null without both. */
export function changeOf(series: Series): number | null {
  const windows = changeWindows(series);
  const before = windows && meanOf(windows.before);
  const end = windows && meanOf(windows.end);
  return before === null || end === null || before === 0 ? null : (end - before) / Math.abs(before);
}

/**
 * What one number of a run's metric is: how it ended (meanOfLast10Pct), its
 * first, highest or lowest value, its value at a step, or how much it still
 * moved at the end (changeOf), which tells whether a run had settled.
 */
export type Stat = { kind: 'final' } | { kind: 'first' } | { kind: 'max' } | { kind: 'min' } | { kind: 'change' } | { kind: 'step'; step: number };

/** A stat of one run's series; null when it has no finite value there (undefined: the step was not logged). */
export function statOf(series: Series, stat: Stat): number | null | undefined {
  const { steps, values } = series;
  const finite = values.filter(Number.isFinite);
  switch (stat.kind) {
    case 'final':
      return meanOfLast10Pct(series);
    case 'first':
      return finite.length ? finite[0] : null;
    case 'max':
      return finite.length ? finite.reduce((a, b) => Math.max(a, b)) : null;
    case 'min':
      return finite.length ? finite.reduce((a, b) => Math.min(a, b)) : null;
    case 'change':
      return changeOf(series);
    case 'step': {
      const at = steps.indexOf(stat.step);
      return at < 0 ? undefined : Number.isFinite(values[at]) ? values[at] : null;
    }
  }
}
