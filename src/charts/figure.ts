// What the site calls: a figure's inline markup, rendered at build time.
import { hoverData } from './hover';
import { renderChart } from './render';
import { hasSeeds } from './types';
import { finalMetricSpec, lineSpec, MAX_LABELLED_LINES, type FinalMetricSpecInput, type LineSpecInput } from './spec';

export interface LineFigureOptions extends LineSpecInput {
  /** Unique per figure on a page, e.g. "fig-3". */
  idPrefix: string;
  /** For screen readers; defaults to a sentence naming the metric and the runs. */
  description?: string;
  /** See RenderOptions.cacheDir. */
  cacheDir?: string;
}

/**
 * The SVG of a line figure, wrapped with the data hover.client.ts needs:
 * `<div class="chart" data-chart-hover><svg …/><script type="application/json">…</script></div>`.
 */
export async function renderLineFigure(options: LineFigureOptions): Promise<string> {
  const { series, metric, smooth = 0, idPrefix, cacheDir } = options;
  const description =
    options.description ??
    (series.some(hasSeeds)
      ? `Line chart of ${metric} against step for ${series.length} values, each the mean over its seeds ` +
        `(${options.seedLines === 'all' ? "each seed's line faint" : 'a band from their lowest to highest value'}): `
      : `Line chart of ${metric} against step for ${series.length} runs: `) +
    series.map((s) => s.label).join(', ') +
      (smooth > 0 ? `; smoothed lines (EMA weight ${smooth}) over faint raw lines.` : '.');
  const { svg, plot } = await renderChart(lineSpec(options), { idPrefix, description, cacheDir });
  if (series.length > MAX_LABELLED_LINES) return `<div class="chart">${svg}</div>`;
  return `<div class="chart" data-chart-hover>${svg}${jsonScript(hoverData(series, smooth, plot))}</div>`;
}

export interface FinalMetricFigureOptions extends FinalMetricSpecInput {
  idPrefix: string;
  description?: string;
  cacheDir?: string;
}

/** The SVG of a final-metric-against-swept-value figure (see finalMetricSpec), wrapped like renderLineFigure's. */
export async function renderFinalMetricFigure(options: FinalMetricFigureOptions): Promise<string> {
  const { sweeps, xTitle, yTitle, idPrefix, cacheDir } = options;
  const description =
    options.description ??
    `Chart of ${yTitle} against ${xTitle}, one point per value` +
    (sweeps.some((s) => s.runs.some((r) => (r.seeds?.length ?? 0) > 1)) ? ' (the mean over its seeds, with a bar from lowest to highest and each seed small beside it)' : '') +
      (sweeps.length > 1 ? `, for sweeps ${sweeps.map((s) => s.name).join(' and ')}.` : '.');
  const { svg } = await renderChart(finalMetricSpec(options), { idPrefix, description, cacheDir });
  return `<div class="chart">${svg}</div>`;
}

/** JSON in a script element must not contain "</script>"; escaping every "<" rules that out. */
function jsonScript(data: unknown): string {
  return `<script type="application/json">${JSON.stringify(data).replace(/</g, '\\u003c')}</script>`;
}
