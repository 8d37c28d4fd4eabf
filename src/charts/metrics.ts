// What a metric is called where readers see it: axis titles, legends, table
// heads. One table for the metrics sweepbook knows; any other metric keeps
// its logged name, so a new metric needs no entry to be drawn.

export interface MetricInfo {
  /** Axis title, with its unit in parentheses where it has one. */
  title: string;
  /** Can never be below zero in truth (a sampled estimate may dip below it): its axis stops at 0. */
  nonNegative?: boolean;
}

export const METRICS: Readonly<Record<string, MetricInfo>> = {
  raw_reward: { title: 'Raw reward (alliteration)' },
  total_reward: { title: 'Total reward (reward − β·KL)' },
  reward: { title: 'Reward' },
  kl: { title: 'KL (nats)', nonNegative: true },
  entropy: { title: 'Entropy (nats per token)', nonNegative: true },
  repetition: { title: 'Repetition (share of words)', nonNegative: true },
  diversity: { title: 'Diversity (distinct bigrams)', nonNegative: true },
  loss: { title: 'Loss (nats per token)', nonNegative: true },
};

/** The metric's entry, or its own name for one the table does not know. */
export function metricInfo(metric: string): MetricInfo {
  return Object.hasOwn(METRICS, metric) ? METRICS[metric] : { title: metric };
}

export function metricTitle(metric: string): string {
  return metricInfo(metric).title;
}
