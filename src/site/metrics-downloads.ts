// A run's metrics as the downloads hold them (metrics.csv, metrics.json): every
// logged step, written straight from the columns, since a build writes
// millions of rows and an array or object per row would only feed the
// garbage collector.
import type { RunMetrics } from '../runs';
import { toCsv } from './csv';

/** One row per logged step: step, time, then one column per metric, empty where a step did not log it or logged a non-finite value. */
export function metricsCsv(metrics: RunMetrics): string {
  const names = [...metrics.series.keys()];
  const columns = [...metrics.series.values()];
  const at = new Int32Array(columns.length); // each column's next unwritten value
  const rows = [toCsv([['step', 'time', ...names]])];
  for (let row = 0; row < metrics.steps.length; row++) {
    const step = metrics.steps[row];
    let line = `${step},${metrics.times[row]}`;
    for (let column = 0; column < columns.length; column++) {
      const { steps, values } = columns[column];
      const value = steps[at[column]] === step ? values[at[column]++] : NaN;
      line += Number.isNaN(value) ? ',' : `,${value}`;
    }
    rows.push(`${line}\r\n`);
  }
  return rows.join('');
}

/**
 * The lines of metrics.jsonl as one JSON array: step, time, then the metrics
 * the line logged (in first-seen order), null for a non-finite value.
 */
export function metricsJson(metrics: RunMetrics): string {
  const columns = [...metrics.series].map(([name, series]) => ({ key: `,${JSON.stringify(name)}:`, ...series }));
  const at = new Int32Array(columns.length);
  const rows: string[] = [];
  for (let row = 0; row < metrics.steps.length; row++) {
    const step = metrics.steps[row];
    let line = `{"step":${step},"time":${metrics.times[row]}`;
    for (let column = 0; column < columns.length; column++) {
      const { key, steps, values } = columns[column];
      if (steps[at[column]] !== step) continue;
      const value = values[at[column]++];
      line += key + (Number.isNaN(value) ? 'null' : String(value));
    }
    rows.push(`${line}}`);
  }
  return `[${rows.join(',')}]`;
}
