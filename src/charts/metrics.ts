// What a metric is called where readers see it: axis titles, legends, table
// heads, captions. One table for the metrics sweepbook knows; any other metric
// keeps its logged name, so a new metric needs no entry to be drawn.

export interface MetricEntry {
  /** What readers call it, e.g. "Raw reward". */
  name: string;
  /** Its unit (or what it counts), where it has one, e.g. "nats". */
  unit?: string;
  /** Can never be below zero in truth (a sampled estimate may dip below it): its axis stops at 0. */
  nonNegative?: boolean;
}

export interface MetricInfo extends MetricEntry {
  /** Axis title: the name with its unit in parentheses, "KL (nats)". */
  title: string;
}

export const METRICS: Readonly<Record<string, MetricEntry>> = {
  raw_reward: { name: 'Raw reward', unit: 'alliteration' },
  total_reward: { name: 'Total reward', unit: 'reward − β·KL' },
  reward: { name: 'Reward' },
  kl: { name: 'KL', unit: 'nats', nonNegative: true },
  entropy: { name: 'Entropy', unit: 'nats per token', nonNegative: true },
  repetition: { name: 'Repetition', unit: 'share of words', nonNegative: true },
  diversity: { name: 'Diversity', unit: 'distinct bigrams', nonNegative: true },
  // The built-in trainer logs no loss: this is another program's, of a unit and sign the name does not tell.
  loss: { name: 'Loss' },
  fluency: { name: 'Fluency', unit: 'nats/token' },
  grammatical: { name: 'Grammatical', unit: 'share of tokens', nonNegative: true },
  grad_norm: { name: 'Gradient norm', unit: 'before clipping to 1', nonNegative: true },
};

/** The metric's entry, or its own name for one the table does not know. */
export function metricInfo(metric: string): MetricInfo {
  const entry = Object.hasOwn(METRICS, metric) ? METRICS[metric] : { name: metric };
  return { ...entry, title: entry.unit ? `${entry.name} (${entry.unit})` : entry.name };
}

export function metricTitle(metric: string): string {
  return metricInfo(metric).title;
}

/** The metric's name alone ("Raw reward"), as a caption's sentence names it. */
export function metricName(metric: string): string {
  return metricInfo(metric).name;
}
