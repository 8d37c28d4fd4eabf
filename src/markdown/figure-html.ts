// A figure of one metric across runs: the chart from src/charts in a <figure>
// with its caption. Shared by ::figure and the sweep and run pages.
import { renderLineFigure } from '../charts';
import { metricsOf, seriesOf } from '../site/run-data';
import type { SweepRun } from '../site/sweep-runs';
import { html, raw, type SafeHtml } from './html';

export interface FigureOptions {
  runs: SweepRun[];
  metric: string;
  caption?: string;
  smooth?: number;
  /** Prefix for every id inside the SVG; unique on the page. */
  idPrefix: string;
}

/**
 * Downsampling buckets per figure, shared among its lines (each bucket keeps
 * its min and max, ~11 bytes of SVG per point): up to 1000 per line for a
 * few runs, fewer per line when a figure has many, so a figure stays under
 * ~70 KB and a sweep page of 100 runs under the 500 KB page budget.
 */
const BUCKETS_PER_FIGURE = 3000;
const MAX_BUCKETS = 1000;
const MIN_BUCKETS = 10;

export function bucketsFor(lines: number): number {
  return Math.max(MIN_BUCKETS, Math.min(MAX_BUCKETS, Math.floor(BUCKETS_PER_FIGURE / Math.max(1, lines))));
}

export async function figureHtml({ runs, metric, caption, smooth, idPrefix }: FigureOptions): Promise<SafeHtml> {
  const chart = await renderLineFigure({
    series: runs.map(({ run, label, color }) => ({ label, color, points: seriesOf(metricsOf(run), metric) })),
    metric,
    smooth,
    buckets: bucketsFor(smooth ? runs.length * 2 : runs.length),
    idPrefix,
  });
  return html`<figure class="metric-figure" data-metric="${metric}">${raw(chart)}${
    caption ? html`<figcaption>${caption}</figcaption>` : ''
  }</figure>`;
}
