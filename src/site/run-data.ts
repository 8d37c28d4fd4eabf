// Metrics and generations of a run as pages and directives use them. A build
// asks for the same run's metrics several times (report figures, sweep page,
// run page, downloads), so metrics reads are memoized (see readMetricsShared).
import type { Series } from '../charts';
import { readGenerations, readMetricsShared, type GenerationLine, type Run, type RunMetrics } from '../runs';

/** The file a run page offers of all its metrics (metrics-downloads.ts writes it). */
export const METRICS_DOWNLOAD = 'metrics.parquet';

export function metricsOf(run: Run): RunMetrics {
  return readMetricsShared(run.dir);
}

export function generationsOf(run: Run): GenerationLine[] {
  return readGenerations(run.dir);
}

/** Names of the metrics a run logged, in first-seen order. */
export function metricNames(metrics: RunMetrics): string[] {
  return [...metrics.series.keys()];
}

/**
 * A page draws at most this many metrics (a figure each): a run that logged
 * 1,000 made a 6.1 MB run page and took a build from 20 to 93 s. The page
 * says how many it left out; every metric is in the run's downloads.
 */
export const MAX_METRIC_FIGURES = 50;

/** What a page of these metrics (MAX_METRIC_FIGURES at most, the first) says it left out; undefined if none. */
export function metricsLeftOut(metrics: string[], who: string, where: string): string | undefined {
  if (metrics.length <= MAX_METRIC_FIGURES) return undefined;
  return `${who} logged ${metrics.length} metrics: the first ${MAX_METRIC_FIGURES} logged are drawn, and the other ${metrics.length - MAX_METRIC_FIGURES} are in ${where}.`;
}

/** Every metric any of these runs logged, the usual ones first. */
export function metricsOfRuns(runs: Run[]): string[] {
  const names = new Set<string>();
  for (const run of runs) for (const name of metricNames(metricsOf(run))) names.add(name);
  return [...names].sort((a, b) => metricRank(a) - metricRank(b) || a.localeCompare(b));
}

const USUAL_ORDER = ['raw_reward', 'kl', 'total_reward', 'entropy', 'repetition', 'diversity'];

function metricRank(name: string): number {
  const rank = USUAL_ORDER.indexOf(name);
  return rank === -1 ? USUAL_ORDER.length : rank;
}

/** A metric's series as the charts module takes it (the run's own columns: not to be changed); empty if the run did not log it. */
export function seriesOf(metrics: RunMetrics, metric: string): Series {
  return metrics.series.get(metric) ?? { steps: new Float64Array(0), values: new Float64Array(0) };
}
