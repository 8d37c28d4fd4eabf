// Metrics and generations of a run as pages and directives use them. A build
// asks for the same run's metrics several times (report figures, sweep page,
// run page, downloads), so metrics reads are memoized (see readMetricsShared).
import { readGenerations, readMetricsShared, type GenerationLine, type MetricsLine, type Run } from '../runs';

export function metricsOf(run: Run): MetricsLine[] {
  return readMetricsShared(run.dir);
}

export function generationsOf(run: Run): GenerationLine[] {
  return readGenerations(run.dir);
}

/** Names of the metrics logged in these lines, in first-seen order. */
export function metricNames(lines: MetricsLine[]): string[] {
  const names = new Set<string>();
  for (const line of lines) for (const key of Object.keys(line)) if (key !== 'step' && key !== 'time') names.add(key);
  return [...names];
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
export function seriesOf(lines: MetricsLine[], metric: string): { step: number; value: number | null }[] {
  const points: { step: number; value: number | null }[] = [];
  for (const line of lines) {
    const value = line[metric];
    if (value !== undefined) points.push({ step: line.step, value });
  }
  return points;
}

/** The last finite value logged for a metric, or undefined. */
export function finalValue(lines: MetricsLine[], metric: string): number | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const value = lines[i][metric];
    if (typeof value === 'number') return value;
  }
  return undefined;
}
