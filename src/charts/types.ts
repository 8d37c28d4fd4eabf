import type { ValueColor } from './palette';

/** One value of a metric as a figure draws it. null stands for a non-finite value (NaN, ±Infinity). */
export interface MetricPoint {
  step: number;
  value: number | null;
}

/**
 * A metric's logged values as two columns: steps in increasing order, and the
 * value at each (NaN where it was not finite). As runs are read: a site draws
 * millions of steps, which as an object per point kept the garbage collector
 * busy for a fifth of a build. Charts never change the arrays they are given.
 */
export interface Series {
  steps: Float64Array;
  values: Float64Array;
}

/** One run's line in a figure, labelled and colored as its sweep file says. */
export interface LineSeries {
  label: string;
  /** See palette.ts: a CSS color, or its sweep's drawn pair. */
  color: ValueColor;
  logged: Series;
  /**
   * A value trained with several seeds: each seed's series (logged is then
   * not drawn). Drawn as the mean over seeds with a min–max band, or each
   * seed's line faint (see LineSpecInput.seedLines).
   */
  seeds?: Series[];
}

/** Whether a series stands for several seeds (see LineSeries.seeds). */
export function hasSeeds(series: LineSeries): series is LineSeries & { seeds: Series[] } {
  return (series.seeds?.length ?? 0) > 1;
}

export function isFiniteValue(value: number | null): value is number {
  return value !== null && Number.isFinite(value);
}

/** Points as a Series (null values become NaN): for callers that have a few points at hand. */
export function seriesFrom(points: readonly MetricPoint[]): Series {
  return { steps: Float64Array.from(points, (p) => p.step), values: Float64Array.from(points, (p) => (isFiniteValue(p.value) ? p.value : NaN)) };
}

/** A Series as points (NaN values become null): what a figure's spec rows are made of, once a line is shrunk. */
export function pointsOf({ steps, values }: Series): MetricPoint[] {
  return Array.from(steps, (step, i) => ({ step, value: Number.isFinite(values[i]) ? values[i] : null }));
}

/**
 * Every step any of the series logged, ascending, once each. One series is
 * that already (runs log in step order; a run page draws 500 such figures);
 * several are merged as a typed array, sorted with no comparator call per pair.
 */
export function stepsOf(lines: readonly Series[]): Float64Array {
  if (lines.length === 1) return lines[0].steps;
  const all = new Float64Array(lines.reduce((sum, line) => sum + line.steps.length, 0));
  let at = 0;
  for (const { steps } of lines) {
    all.set(steps, at);
    at += steps.length;
  }
  all.sort();
  return all.filter((step, i) => i === 0 || step !== all[i - 1]);
}

/** The first `count` steps of a series, without copying. */
export function headOf({ steps, values }: Series, count: number): Series {
  return { steps: steps.subarray(0, count), values: values.subarray(0, count) };
}
