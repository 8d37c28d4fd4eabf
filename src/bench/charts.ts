// Bench: one line figure of a 6-run sweep with 20,000 steps per run, as a report page renders it.
import { renderLineFigure } from '../charts/figure';
import { seriesFrom, type LineSeries } from '../charts/types';

function noisySweep(runs: number, steps: number): LineSeries[] {
  let seed = 1;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  return Array.from({ length: runs }, (_, k) => ({
    label: `run ${k}`,
    color: `hsl(${(k * 360) / runs}, 70%, 45%)`,
    logged: seriesFrom(Array.from({ length: steps }, (_, step) => ({ step, value: 1 - Math.exp(-step / 3000) / (k + 1) + 0.1 * random() }))),
  }));
}

export async function benchFigure(runs = 6, steps = 20_000, smooth = 0.9) {
  const series = noisySweep(runs, steps);
  // the client's data, which the page fetches on first use: its size, not a file
  let dataBytes = 0;
  const dataFile = (json: string) => ((dataBytes = json.length), 'data.json');
  await renderLineFigure({ series, metric: 'raw_reward', smooth, idPrefix: 'warmup', dataFile });
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    bytes = (await renderLineFigure({ series, metric: 'raw_reward', smooth, idPrefix: `fig-${i}`, dataFile })).length;
    times.push(performance.now() - start);
  }
  const median = times.sort((a, b) => a - b)[2];
  return { bench: 'figure', series: runs, points_per_series: steps, smooth, ms: Math.round(median), html_bytes: bytes, data_bytes: dataBytes };
}
