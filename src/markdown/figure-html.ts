// A figure of one metric across runs: the chart from src/charts in a <figure>
// with its caption. Shared by ::figure and the sweep and run pages.
import { renderLineFigure, type LineSeries } from '../charts';
import { figureCacheDir } from '../site/dirs';
import { metricsOf, seriesOf } from '../site/run-data';
import { runsByValue, type SweepRun } from '../site/sweep-runs';
import { html, raw, type SafeHtml } from './html';

export interface FigureOptions {
  /** Drawn runs, value by value (sweepRuns' order): a value with several seeds is drawn as their mean and spread. */
  runs: SweepRun[];
  metric: string;
  caption?: string;
  smooth?: number;
  /** How several seeds show their spread: a min–max band (default) or each seed's line, faint. */
  seeds?: 'band' | 'all';
  /** Prefix for every id inside the SVG; unique on the page. */
  idPrefix: string;
}

export async function figureHtml({ runs, metric, caption, smooth, seeds = 'band', idPrefix }: FigureOptions): Promise<SafeHtml> {
  const values = runsByValue(runs);
  const series: LineSeries[] = values.map(({ label, color, runs: seedRuns }) => {
    const lines = seedRuns.map(({ run }) => seriesOf(metricsOf(run), metric));
    return lines.length > 1 ? { label, color, points: [], seeds: lines } : { label, color, points: lines[0] };
  });
  const chart = await renderLineFigure({ series, metric, smooth, seedLines: seeds, idPrefix, cacheDir: figureCacheDir() });
  const counts = values.map((value) => value.runs.length);
  return captionedFigure('metric-figure', metric, chart, joinSentences(caption, seedsNote(counts, seeds)));
}

/** What a figure of several seeds per value draws, for its caption; nothing when every value has one seed. */
export function seedsNote(counts: number[], seeds: 'band' | 'all'): string | undefined {
  const most = Math.max(...counts);
  if (most <= 1) return undefined;
  const least = Math.min(...counts);
  const per = least === most ? `${most} seeds` : `${least} to ${most} seeds`;
  return seeds === 'all'
    ? `Each value's line is the mean over its ${per}; the faint lines are the seeds.`
    : `Each value's line is the mean over its ${per}; the band spans their lowest to highest value.`;
}

function joinSentences(...parts: (string | undefined)[]): string | undefined {
  const text = parts.filter((part) => part).join(' ');
  return text || undefined;
}

/** A rendered chart in a <figure> of the given class, with its caption when it has one. */
export function captionedFigure(className: string, metric: string, chart: string, caption?: string): SafeHtml {
  return html`<figure class="${className}" data-metric="${metric}">${raw(chart)}${
    caption ? html`<figcaption>${caption}</figcaption>` : ''
  }</figure>`;
}
