// Metrics and generations of a run as pages and directives use them. A build
// asks for the same run's metrics several times (report figures, sweep page,
// run page, downloads), so metrics reads are memoized (see readMetricsShared).
import { readGenerations, readMetricsShared, type GenerationLine, type Run, type RunMetrics } from '../runs';

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

/** A metric's series as the charts module takes it; steps that did not log it are left out. */
export function seriesOf(metrics: RunMetrics, metric: string): { step: number; value: number | null }[] {
  const series = metrics.series.get(metric);
  if (!series) return [];
  const { steps, values } = series;
  const points = new Array<{ step: number; value: number | null }>(steps.length);
  for (let i = 0; i < steps.length; i++) points[i] = { step: steps[i], value: Number.isNaN(values[i]) ? null : values[i] };
  return points;
}

/** The last finite value logged for a metric, or undefined. */
export function finalValue(metrics: RunMetrics, metric: string): number | undefined {
  const values = metrics.series.get(metric)?.values ?? [];
  for (let i = values.length - 1; i >= 0; i--) if (!Number.isNaN(values[i])) return values[i];
  return undefined;
}
