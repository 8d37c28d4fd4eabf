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
 * Points drawn per figure, shared among its lines: ~1000 per line for a few
 * runs, fewer per line when a sweep has many, so a page of 100-run figures
 * stays a few hundred KB.
 */
const POINTS_PER_FIGURE = 6000;
const MAX_BUCKETS = 1000;
const MIN_BUCKETS = 50;

export function bucketsFor(lines: number): number {
  return Math.max(MIN_BUCKETS, Math.min(MAX_BUCKETS, Math.floor(POINTS_PER_FIGURE / Math.max(1, lines))));
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
