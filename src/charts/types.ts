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
}

export function isFiniteValue(value: number | null): value is number {
  return value !== null && Number.isFinite(value);
}
