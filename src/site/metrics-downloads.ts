// A run's metrics as metrics.csv holds them: every logged step, written
// straight from the columns, since a build writes millions of rows and an
// array per row would only feed the garbage collector. (metrics.json is the
// metrics file's own lines: see readMetricsJsonArray.)
import type { RunMetrics } from '../runs';
import { toCsv } from './csv';

/** One row per logged step: step, time, then one column per metric, empty where a step did not log it or logged a non-finite value. */
export function metricsCsv(metrics: RunMetrics): string {
  const names = [...metrics.series.keys()];
  const columns = [...metrics.series.values()];
  const at = new Int32Array(columns.length); // each column's next unwritten value
  const chunks = [toCsv([['step', 'time', ...names]])];
  let rows: string[] = [];
  for (let row = 0; row < metrics.steps.length; row++) {
    const step = metrics.steps[row];
    let line = `${step},${metrics.times[row]}`;
    for (let column = 0; column < columns.length; column++) {
      const { steps, values } = columns[column];
      const value = steps[at[column]] === step ? values[at[column]++] : NaN;
      line += Number.isNaN(value) ? ',' : `,${value}`;
    }
    rows.push(`${line}\r\n`);
    // Joined as we go: 20k rows held to the end (each a tree of small strings)
    // would outlive young-generation collections, which copy what survives.
    if (rows.length === 1000) {
      chunks.push(rows.join(''));
      rows = [];
    }
  }
  chunks.push(rows.join(''));
  return chunks.join('');
}
