// The types reader.ts and metrics-prefetch.ts share (the prefetch worker reads
// metrics as the reader does), apart so that neither imports the other for them.

/** How a reader reports a line or file it skips. */
export type Warn = (message: string) => void;

/** One metric of a run: the steps that logged it, and its values there (NaN where the line logged null, a non-finite value). */
export interface MetricSeries {
  steps: Float64Array;
  values: Float64Array;
}

/**
 * A run's metrics as columns: what a site build holds (millions of logged
 * steps), as one typed array per metric rather than an object per line,
 * which the garbage collector would trace again and again.
 */
export interface RunMetrics {
  /** Every line's step (strictly increasing) and wall time. */
  steps: Float64Array;
  times: Float64Array;
  /** Each metric logged, in first-seen order. */
  series: Map<string, MetricSeries>;
}
