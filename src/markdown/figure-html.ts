// A figure of one metric across runs: the chart from src/charts in a <figure>
// with its caption. Shared by ::figure and the sweep and run pages.
import { renderLineFigure } from '../charts';
import { figureCacheDir } from '../site/dirs';
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

export async function figureHtml({ runs, metric, caption, smooth, idPrefix }: FigureOptions): Promise<SafeHtml> {
  const chart = await renderLineFigure({
    series: runs.map(({ run, label, color }) => ({ label, color, points: seriesOf(metricsOf(run), metric) })),
    metric,
    smooth,
    idPrefix,
    cacheDir: figureCacheDir(),
  });
  return captionedFigure('metric-figure', metric, chart, caption);
}

/** A rendered chart in a <figure> of the given class, with its caption when it has one. */
export function captionedFigure(className: string, metric: string, chart: string, caption?: string): SafeHtml {
  return html`<figure class="${className}" data-metric="${metric}">${raw(chart)}${
    caption ? html`<figcaption>${caption}</figcaption>` : ''
  }</figure>`;
}
