// A figure of one metric across runs: the chart from src/charts in a <figure>
// with its caption. Shared by ::figure and the sweep and run pages.
import { createHash } from 'node:crypto';
import type { LineSeries } from '../charts';
import { renderLineFigureWithSpec } from '../charts/figure';
import { metricTitle } from '../charts/metrics';
import { smoothingNote } from '../charts/smoothing-note';
import { figureCacheDir } from '../site/dirs';
import { writeFigureData, writeFigureFiles } from '../site/figure-files';
import { metricsOf, seriesOf } from '../site/run-data';
import { runsByValue, type MissingValue, type SweepRun } from '../site/sweep-runs';
import { html, raw, type SafeHtml } from './html';
import type { ThemedColor } from '../charts/contrast';
import { MAX_DISTINCT_COLORS } from '../charts/palette';
import { MANY_LINES } from '../charts/spec';
import type { FigureLabel } from './remark-figure-refs';

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
  /** In a report: the figure's number and id (remark-figure-refs), and links to its data and spec. */
  label?: FigureLabel;
  /** The sweep's values with nothing to draw: the caption names them. */
  missing?: MissingValue[];
}

/**
 * The id prefix of a page's figure of this metric: readable, and a digest of
 * the whole name. Not the name sanitized alone: eval/loss and eval.loss, or
 * 损失 and 精度, came out alike, and a phone's drawing (which shows the wide
 * drawing's lines by id) showed the other metric's line.
 */
export function metricFigureId(metric: string): string {
  return `metric-${metric.replace(/[^\w-]/g, '_').slice(0, 40)}-${createHash('sha256').update(metric).digest('hex').slice(0, 10)}`;
}

export async function figureHtml({ runs, metric, caption, smooth, seeds = 'band', idPrefix, label, missing = [] }: FigureOptions): Promise<SafeHtml> {
  // Imported runs log different tags (TensorBoard's train/ and validation/ runs): a run that
  // logged metrics but not this one would be a legend entry without a line. One that has
  // logged nothing yet stays, as a trained run does before its first step.
  const values = runsByValue(runs.filter(({ run }) => metricsOf(run).series.size === 0 || metricsOf(run).series.has(metric)));
  const series: LineSeries[] = values.map(({ label, themed: color, runs: seedRuns }) => {
    const lines = seedRuns.map(({ run }) => seriesOf(metricsOf(run), metric));
    return lines.length > 1 ? { label, color, logged: lines[0], seeds: lines } : { label, color, logged: lines[0] };
  });
  const { html: chart, spec } = await renderLineFigureWithSpec({ series, metric, smooth, seedLines: seeds, idPrefix, cacheDir: figureCacheDir(), dataFile: writeFigureData });
  const counts = values.map((value) => value.runs.length);
  const text = joinSentences(caption ?? (label ? `${metricTitle(metric)} against training step.` : undefined), seedsNote(counts, seeds), missingNote(missing));
  // The reader's slider rewrites this sentence (figure.client.ts), so the caption follows it.
  const note = smooth ? html`<span class="smoothing-note">${smoothingNote(smooth, Math.max(...counts, 0) > 1)}</span>` : undefined;
  return captionedFigure('metric-figure', metric, chart + rampLegend(values).toString(), text, label && { ...label, files: writeFigureFiles(spec) }, note);
}

/**
 * Past MAX_DISTINCT_COLORS values the lines are on a color ramp in the
 * sweep's order (palette.ts) and past MAX_LABELLED_LINES the figure has no
 * legend: under the chart, the ramp from the first value drawn to the last.
 */
export function rampLegend(values: { label: string; themed: ThemedColor }[]): SafeHtml | '' {
  if (values.length <= MAX_DISTINCT_COLORS) return '';
  const stops = (theme: 'light' | 'dark') =>
    Array.from({ length: 9 }, (_, i) => values[Math.round((i * (values.length - 1)) / 8)].themed[theme]).join(',');
  const style = `--ramp:linear-gradient(to right,${stops('light')});--ramp-dark:linear-gradient(to right,${stops('dark')})`;
  return html`<p class="ramp-legend">Colors, in the sweep's order: ${values[0].label} <span class="ramp" style="${style}"></span> ${values.at(-1)!.label} (${values.length.toLocaleString('en')} values)</p>`;
}

/** What a figure of several seeds per value draws, for its caption; nothing when every value has one seed. */
export function seedsNote(counts: number[], seeds: 'band' | 'all'): string | undefined {
  const most = Math.max(...counts);
  if (most <= 1) return undefined;
  const least = Math.min(...counts);
  const per = least === most ? `${most} seeds` : `${least} to ${most} seeds`;
  if (seeds === 'all') return `Each value's line is the mean over its ${per}; the faint lines are the seeds.`;
  // lineSpec draws no bands past MANY_LINES values
  if (counts.length > MANY_LINES) return `Each value's line is the mean over its ${per} (no band of their range: ${counts.length} would be too faint to see; the table gives each value's).`;
  return `Each value's line is the mean over its ${per}; the band spans their lowest to highest value.`;
}

/**
 * "No results yet for beta=40 (not trained yet) and beta=50 (failed).": the
 * values a figure of the sweep cannot draw, so a reader does not take the
 * sweep for smaller than it is; nothing when every value is drawn.
 */
export function missingNote(missing: MissingValue[]): string | undefined {
  if (missing.length === 0) return undefined;
  return `No results yet for ${andList(missing.map(({ label, state }) => `${label} (${state})`))}.`;
}

/** "a, b and c". */
export function andList(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** What a figure of several sweeps cannot draw: each label once, and none that another of its sweeps draws. */
export function missingAcross(sweeps: { runs: SweepRun[]; missing: MissingValue[] }[]): MissingValue[] {
  const drawn = new Set(sweeps.flatMap(({ runs }) => runs.map(({ label }) => label)));
  const missing = sweeps.flatMap((sweep) => sweep.missing).filter(({ label }) => !drawn.has(label));
  return missing.filter(({ label }, index) => missing.findIndex((other) => other.label === label) === index);
}

/** Sentences for a caption, each ended with a full stop where its writer left none. */
export function joinSentences(...parts: (string | undefined)[]): string | undefined {
  const text = parts
    .filter((part) => part)
    .map((part) => (/[.!?:)]$/.test(part!.trim()) ? part!.trim() : `${part!.trim()}.`))
    .join(' ');
  return text || undefined;
}

/** A report figure's number and id, and the links to its downloads. */
export interface NumberedFigure extends FigureLabel {
  files: { csv: string; spec: string };
}

/**
 * A rendered chart in a <figure> of the given class, with its caption when it
 * has one; in a report, "Figure N:" before the caption, the figure's id for
 * :ref links, and links to its data and spec below the chart.
 */
export function captionedFigure(className: string, metric: string, chart: string, caption?: string, numbered?: NumberedFigure, note?: SafeHtml): SafeHtml {
  const after = note ? html` ${note}` : '';
  if (!numbered) {
    return html`<figure class="${className}" data-metric="${metric}">${raw(chart)}${caption || note ? html`<figcaption>${caption ?? ''}${after}</figcaption>` : ''}</figure>`;
  }
  const { number, id, files } = numbered;
  const name = `Figure ${number}`;
  return html`<figure class="${className}" data-metric="${metric}" id="${id}">${raw(chart)}<p class="chart-downloads">Download <a href="${files.csv}" download aria-label="${name} data (CSV)">data (CSV)</a> · <a href="${files.spec}" download aria-label="${name} Vega-Lite spec (JSON)">Vega-Lite spec (JSON)</a></p><figcaption><span class="figure-number">${name}${caption ? ':' : ''}</span>${caption ? ` ${caption}` : ''}${after}</figcaption></figure>`;
}
