// The numbers the site gives of one run's metric: how it ended (its "final"
// value, in :value, ::final, the runs tables and final-metrics.csv), how much
// that still moved at the end (change) and the noise floor of that change.
// One module, so that "final" means one thing everywhere; the definitions a
// reader can recompute are in docs/directives.md ("Final, change and noise").
import { headOf, type Series } from './types';

/** The share of a run's steps (by step number) its final value is the mean over: less noisy than the last value alone. */
const FINAL_SHARE = 0.1;
/** change compares the final value with the one the run had at this share of its steps. */
const CHANGE_FROM = 0.8;
/** Batches per window for the noise floor: enough for a standard deviation, few enough that each spans several steps. */
export const NOISE_BATCHES = 5;
/** The noise floor is this many standard errors of change: ~95% of pure noise, were the error exact (from 5 batches it is rough). */
const NOISE_SES = 2;

/** The finite values logged in the last FINAL_SHARE of a series' steps. */
function finalWindow({ steps, values }: Series): Float64Array {
  const n = steps.length;
  if (n === 0) return values;
  const from = steps[n - 1] - FINAL_SHARE * (steps[n - 1] - steps[0]);
  let start = n - 1;
  while (start > 0 && steps[start - 1] >= from) start--;
  // Indexed loops and no copy when all are finite (the usual case), not filter: a
  // 1,000-run build takes windows of every run's every metric, ~3 s with filter.
  const window = values.subarray(start);
  let finite = 0;
  for (let i = 0; i < window.length; i++) if (Number.isFinite(window[i])) finite++;
  if (finite === window.length) return window;
  const kept = new Float64Array(finite);
  for (let i = 0, k = 0; i < window.length; i++) if (Number.isFinite(window[i])) kept[k++] = window[i];
  return kept;
}

function meanOf(values: Float64Array): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
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
 * The noise floor of changeOf, from the run itself, on the same scale: twice
 * the standard error of the difference of the two window means, over
 * |before|. A change within it is what the run's own step-to-step noise
 * gives; null when a window has fewer than NOISE_BATCHES finite values.
 */
export function changeNoiseOf(series: Series): number | null {
  const windows = changeWindows(series);
  if (!windows) return null;
  const before = meanOf(windows.before);
  const seBefore = batchMeansError(windows.before);
  const seEnd = batchMeansError(windows.end);
  if (before === null || before === 0 || seBefore === null || seEnd === null) return null;
  return (NOISE_SES * Math.hypot(seBefore, seEnd)) / Math.abs(before);
}

/**
 * The standard error of a window's mean by batch means: the window's values
 * in NOISE_BATCHES consecutive batches (sizes differing by at most one), the
 * sample standard deviation of the batch means over √NOISE_BATCHES. Batches,
 * not single values, so that correlation between neighbouring steps (a
 * policy changes little from one step to the next) does not shrink it.
 */
function batchMeansError(values: Float64Array): number | null {
  const n = values.length;
  if (n < NOISE_BATCHES) return null;
  const means = Array.from({ length: NOISE_BATCHES }, (_, b) => meanOf(values.subarray(Math.floor((b * n) / NOISE_BATCHES), Math.floor(((b + 1) * n) / NOISE_BATCHES)))!);
  const grand = means.reduce((a, b) => a + b) / NOISE_BATCHES;
  const variance = means.reduce((sum, mean) => sum + (mean - grand) ** 2, 0) / (NOISE_BATCHES - 1);
  return Math.sqrt(variance / NOISE_BATCHES);
}

/** Whether a run's change is within its noise floor (|change| ≤ noise): what "settled" can claim. null without both. */
export function changeWithinNoise(series: Series): boolean | null {
  const change = changeOf(series);
  const noise = changeNoiseOf(series);
  return change === null || noise === null ? null : Math.abs(change) <= noise;
}

/**
 * What one number of a run's metric is: how it ended (meanOfLast10Pct), its
 * first, highest or lowest value, its value at a step, how much it still
 * moved at the end (changeOf) or that change's noise floor (changeNoiseOf).
 */
export type Stat = { kind: 'final' } | { kind: 'first' } | { kind: 'max' } | { kind: 'min' } | { kind: 'change' } | { kind: 'noise' } | { kind: 'step'; step: number };

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
    case 'noise':
      return changeNoiseOf(series);
    case 'step': {
      const at = steps.indexOf(stat.step);
      return at < 0 ? undefined : Number.isFinite(values[at]) ? values[at] : null;
    }
  }
}
