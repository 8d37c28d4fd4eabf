/** One logged value of a metric. null stands for a non-finite value (NaN, ±Infinity). */
export interface MetricPoint {
  step: number;
  value: number | null;
}

/** One run's line in a figure, labelled and colored as its sweep file says. */
export interface LineSeries {
  label: string;
  color: string;
  /** In step order. */
  points: MetricPoint[];
  /**
   * A value trained with several seeds: each seed's points, in step order
   * (points is then not drawn). Drawn as the mean over seeds with a min–max
   * band, or each seed's line faint (see LineSpecInput.seedLines).
   */
  seeds?: MetricPoint[][];
}

/** Whether a series stands for several seeds (see LineSeries.seeds). */
export function hasSeeds(series: LineSeries): series is LineSeries & { seeds: MetricPoint[][] } {
  return (series.seeds?.length ?? 0) > 1;
}

export function isFiniteValue(value: number | null): value is number {
  return value !== null && Number.isFinite(value);
}
