import type { TopLevelSpec } from 'vega-lite';
import { bandOpacity } from './band';
import { bucketMeans, downsample } from './downsample';
import { drawnSeeds, seedBand, type SeedBand } from './seed-bands';
import { smooth } from './smooth';
import { drawnColors } from './palette';
import { metricInfo } from './metrics';
import { SIZES, theme, type FigureSize } from './theme';
import { hasSeeds, isFiniteValue, pointsOf, type LineSeries, type MetricPoint, type Series } from './types';

/** What every figure shares: size, fit and theme. */
export function frame(size: FigureSize) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: SIZES[size].width,
    height: SIZES[size].height,
    autosize: { type: 'fit', contains: 'padding' },
    config: theme,
  } as const;
}
/**
 * An axis title as vega must be given it. vega reads a text literal's words
 * as names to look up in a plain object of signals, so a title that is an
 * Object.prototype member (a metric logged as "constructor" or "toString")
 * failed the build with "Operator not defined: undefined", and "__proto__"
 * drew no title. Such a title gets a trailing space: not the member's name,
 * and SVG does not draw it.
 */
export function axisTitle(text: string): string {
  return text in Object.prototype ? `${text} ` : text;
}

/** 20000 -> "20k" as TensorBoard writes steps, but 0 -> "0", not "0k". */
const STEP_LABEL = "abs(datum.value) >= 1000 ? format(datum.value, '~s') : format(datum.value, '~r')";
/** Steps are whole numbers: a short run must not get ticks at 1.5. */
const STEP_AXIS = { title: 'Step', scale: { nice: false }, axis: { labelExpr: STEP_LABEL, tickMinStep: 1 } } as const;

/**
 * The legend: beside the plot when there is room, above it in rows on a
 * narrow figure, where a side legend would take a third of the width.
 */
export function legendOf(size: FigureSize, labels: string[], extra: object = {}) {
  if (size === 'wide') return extra;
  return { orient: 'top', direction: 'horizontal', columns: legendColumns(size, labels), ...extra };
}

/** How many entries a row of a legend above the plot (legendOf's narrow one) holds. */
export function legendColumns(size: FigureSize, labels: string[]): number {
  const longest = Math.max(...labels.map((label) => label.length));
  const perEntry = 40 + 7.5 * longest; // symbol, gaps and ~7.5 px a character at 12 px
  // the legend starts at the plot's left edge, ~70 px in
  return Math.max(1, Math.floor((SIZES[size].width - 75) / perEntry));
}

/**
 * The scale of a metric's axis: fitted to the data, never padded with zero; a
 * metric that cannot truly be negative (KL, whose sampled estimate dips below
 * zero by chance) stops at 0, with the marks clipped there.
 */
export function metricScale(metric: string, values: (number | null)[]): { scale: object; clip: boolean } {
  const below = metricInfo(metric).nonNegative && values.some((v) => isFiniteValue(v) && v < 0);
  return below ? { scale: { zero: false, domainMin: 0, nice: true }, clip: true } : { scale: { zero: false }, clip: false };
}

/**
 * About 40 KB of SVG path per figure (~12 bytes a point), so a page of several
 * figures stays small however many runs and steps. A 6-run figure gets 250
 * buckets per line (125 when smoothed, which draws each run twice): at 2 points
 * a bucket, 250 to 500 points across the ~450-pixel-wide plot.
 */
const FIGURE_POINTS = 3000;
/**
 * About one bucket per pixel of the plot: a run page's one-line figures from
 * more buckets look the same, while vega's work grows with the points (1000
 * buckets took a third more time a figure, over ~500 figures in a 100-run site).
 */
const MAX_BUCKETS_PER_LINE = 500;
/**
 * Past a dozen lines colors cannot be told apart, and a 100-entry legend (or
 * hover tooltip) weighs more than the lines: the runs table names them instead.
 */
export const MAX_LABELLED_LINES = 12;

/**
 * Past this many lines each is drawn 1 px wide and half see-through, and a
 * smoothed figure draws the smoothed lines alone: 1,000 lines 2 px wide were
 * one blot, faint ones overlapping show where most runs went.
 */
export const MANY_LINES = 100;

/** A line layer's mark: as given, or thin and faint past MANY_LINES lines. */
function lineMark(lines: number, strokeWidth: number, clip: boolean, opacity?: number) {
  if (lines > MANY_LINES) return { type: 'line', strokeWidth: 1, opacity: opacity === undefined ? 0.5 : opacity / 2, clip } as const;
  return { type: 'line', strokeWidth, ...(opacity === undefined ? {} : { opacity }), clip } as const;
}

/** Below this many buckets per line, min/max buckets draw noise, not the line (see bucketMeans). */
const MIN_EXTREMA_BUCKETS = 100;

/** A line as at most about 2 points a bucket, non-finite values as null (vega-lite's gaps). */
function shrink(series: Series, buckets: number): MetricPoint[] {
  return buckets >= MIN_EXTREMA_BUCKETS ? downsample(series, buckets) : bucketMeans(series, buckets * 2);
}

/** Buckets per line for a figure of this many lines; a narrow figure's plot is narrower, so fewer. */
export function bucketsPerLine(lines: number, size: FigureSize = 'wide'): number {
  const share = SIZES[size].width / SIZES.wide.width;
  return Math.max(10, Math.min(Math.round(MAX_BUCKETS_PER_LINE * share), Math.floor((FIGURE_POINTS * share) / 2 / lines)));
}

export interface LineSpecInput {
  /** One line per run, in sweep order; labels must be distinct. */
  series: LineSeries[];
  metric: string;
  /** Defaults to the metric's name. */
  yTitle?: string;
  /** EMA weight in [0, 1); 0 or absent draws the raw lines only. */
  smooth?: number;
  /** Downsampling buckets per line; defaults to bucketsPerLine. */
  buckets?: number;
  /**
   * How series with several seeds show their spread: 'band' (default), the
   * min–max over seeds as a shaded band around the mean; 'all', each seed's
   * line faint around the mean.
   */
  seedLines?: 'band' | 'all';
  /** 'wide' for desktop (default), 'narrow' for phones: smaller plot, same text size, legend above. */
  size?: FigureSize;
}

/**
 * A metric against step, one line per run in the run's own color. With
 * smoothing, each run gets its smoothed line drawn over a faint raw line;
 * both layers share one color scale, so the legend lists each label once.
 */
export function lineSpec(input: LineSpecInput): TopLevelSpec {
  const k = valueScale(input.series);
  if (k !== 1) return labelledUnscaled(lineSpec({ ...input, series: input.series.map((s) => scaledSeries(s, k)) }), k);
  const { series, metric, yTitle, smooth: weight = 0, buckets, size = 'wide' } = input;
  const labels = series.map((s) => s.label);
  if (new Set(labels).size !== labels.length) throw new Error(`figure of ${metric}: run labels must be distinct, got ${labels.join(', ')}`);
  if (series.some(hasSeeds)) return seededLineSpec(input);

  // Smooth the full series first: smoothing a downsampled line would weigh buckets, not steps.
  const many = series.length > MANY_LINES;
  const perLine = buckets ?? bucketsPerLine(series.length * (weight > 0 && !many ? 2 : 1), size);
  const rows = (line: (s: LineSeries) => Series) =>
    series.flatMap((s) =>
      shrink(line(s), perLine).map((p) => ({ step: p.step, value: p.value, run: s.label })),
    );
  const raw = rows((s) => s.logged);
  const { scale, clip } = metricScale(metric, raw.map((r) => r.value));
  const encoding = {
    x: { field: 'step', type: 'quantitative', ...STEP_AXIS },
    y: { field: 'value', type: 'quantitative', title: axisTitle(yTitle ?? metricInfo(metric).title), scale },
    color: colorOf(series, size),
  } as const;
  const n = series.length;
  const smoothed = { name: 'smoothed', data: { values: weight > 0 ? rows((s) => smooth(s.logged, weight)) : [] }, mark: lineMark(n, 2, clip), encoding };
  const layer =
    weight > 0 && many
      ? [smoothed]
      : weight > 0
      ? [{ name: 'raw', data: { values: raw }, mark: lineMark(n, 1.5, clip, 0.25), encoding }, smoothed]
      : [{ name: 'raw', data: { values: raw }, mark: lineMark(n, 2, clip), encoding }];
  return {
    ...frame(size),
    layer,
  } as TopLevelSpec;
}

/**
 * lineSpec for values trained with several seeds: per value, the mean over
 * its seeds (each smoothed first) as the line, and their spread as a band in
 * the value's color or as each seed's line, faint. One color scale for all
 * layers, so the legend lists each label once.
 */
function seededLineSpec({ series, metric, yTitle, smooth: weight = 0, buckets, seedLines = 'band', size = 'wide' }: LineSpecInput): TopLevelSpec {
  const perSeries = series.map((s) => {
    const seeds = drawnSeeds(s, weight);
    return { label: s.label, seeds, band: seedBand(seeds) };
  });
  // past MANY_LINES no bands: hundreds of them could only be drawn too faint to see (bandOpacity), and weighed a third of the figure
  const bands = seedLines === 'band' && series.length <= MANY_LINES;
  const perLine = buckets ?? bucketsPerLine(series.length * (bands || seedLines === 'all' ? 2 : 1), size);
  const x = { field: 'step', type: 'quantitative', ...STEP_AXIS } as const;
  const { scale, clip } = metricScale(metric, perSeries.flatMap(({ band }) => Array.from(band.min)));
  const y = { type: 'quantitative', title: axisTitle(yTitle ?? metricInfo(metric).title), scale } as const;
  const color = colorOf(series, size);
  const means = perSeries.flatMap(({ label, band }) =>
    shrink({ steps: band.steps, values: band.mean }, perLine).map((p) => ({ ...p, run: label })),
  );
  const spread =
    seedLines === 'all'
      ? {
          name: 'seeds',
          data: {
            values: perSeries.flatMap(({ label, seeds }) =>
              seeds.flatMap((line, seed) => shrink(line, perLine).map((p) => ({ ...p, run: label, seed }))),
            ),
          },
          mark: { type: 'line', strokeWidth: 1, opacity: 0.3, clip },
          encoding: { x, y: { ...y, field: 'value' }, color, detail: { field: 'seed', type: 'nominal' } },
        }
      : {
          name: 'band',
          data: { values: perSeries.flatMap(({ label, band }) => shrinkBand(band, perLine).map((p) => ({ ...p, run: label }))) },
          mark: { type: 'area', opacity: bandOpacity(series.filter(hasSeeds).length), clip },
          encoding: { x, y: { ...y, field: 'min' }, y2: { field: 'max' }, color },
        };
  return {
    ...frame(size),
    layer: [
      ...(bands || seedLines === 'all' ? [spread] : []),
      { name: 'mean', data: { values: means }, mark: lineMark(series.length, 2, clip), encoding: { x, y: { ...y, field: 'value' }, color } },
    ],
  } as TopLevelSpec;
}

/** The color scale every layer of a line figure shares, and its legend of labels (none past MAX_LABELLED_LINES). */
function colorOf(series: LineSeries[], size: FigureSize) {
  const labels = series.map((s) => s.label);
  // with seeds, a line in the legend, as for one seed: the band layer would make it a dot
  const extra = series.some(hasSeeds) ? { symbolType: 'stroke', symbolStrokeWidth: 2 } : {};
  return {
    field: 'run',
    type: 'nominal',
    title: null,
    scale: { domain: labels, range: drawnColors(series.map((s) => s.color)).map((c) => c.light) },
    legend: series.length > MAX_LABELLED_LINES ? null : legendOf(size, labels, extra),
  } as const;
}

/**
 * A line figure's frame without its lines: axes over the given domains and
 * the legend, as lineSpec draws them at this size. The narrow drawing is this
 * frame around the wide drawing's lines, scaled to fit (figure.ts), so a page
 * carries each line's points once and vega lays out no line twice.
 */
export function lineFrameSpec(
  { series, metric, yTitle, size = 'narrow' }: LineSpecInput,
  domains: { x: [number, number]; y: [number, number] },
): TopLevelSpec {
  return labelledUnscaled({
    ...frame(size),
    layer: [
      {
        name: 'lines',
        data: { values: [] },
        mark: { type: 'line' },
        encoding: {
          x: { field: 'step', type: 'quantitative', ...STEP_AXIS, scale: { nice: false, domain: domains.x } },
          y: { field: 'value', type: 'quantitative', title: axisTitle(yTitle ?? metricInfo(metric).title), scale: { zero: false, nice: false, domain: domains.y } },
          color: colorOf(series, size),
        },
      },
    ],
  } as TopLevelSpec, valueScale(series));
}

/**
 * What a line figure's values are multiplied by to be drawn: 1, or ½ when
 * their extent is wider than a double holds (−1e308 to 1e308: max − min is
 * Infinity, and vega labelled the axis "NaN"). Halved values span at most the
 * largest double; labelledUnscaled labels the axis with the values logged.
 */
export function valueScale(series: LineSeries[]): 1 | 0.5 {
  let low = Infinity;
  let high = -Infinity;
  for (const s of series) {
    for (const { values } of [s.logged, ...(s.seeds ?? [])]) {
      // An indexed loop: for-of over every value of a figure's every line was 3.5x slower (~4 s of a 1,000-run build).
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v < low) low = v;
        if (v > high) high = v;
      }
    }
  }
  return high - low === Infinity && Number.isFinite(low) && Number.isFinite(high) ? 0.5 : 1;
}

function scaledSeries(s: LineSeries, k: number): LineSeries {
  const scaled = ({ steps, values }: Series): Series => ({ steps, values: values.map((v) => v * k) });
  return { ...s, logged: scaled(s.logged), ...(s.seeds ? { seeds: s.seeds.map(scaled) } : {}) };
}

/** A spec of values drawn multiplied by k, its y axis labelled with the values before. */
function labelledUnscaled(spec: TopLevelSpec, k: number): TopLevelSpec {
  if (k === 1) return spec;
  const layers = (spec as { layer: { encoding: { y: object } }[] }).layer;
  for (const layer of layers) layer.encoding.y = { ...layer.encoding.y, axis: { labelExpr: `format(datum.value / ${k}, '~g')` } };
  return spec;
}

/** A band shrunk as its lines would be: min and max each by bucket means (one row per bucket); gaps left out. */
function shrinkBand({ steps, min, max }: SeedBand, buckets: number): { step: number; min: number; max: number }[] {
  const shrunk = (values: Float64Array) => (steps.length > 2 * buckets ? bucketMeans({ steps, values }, buckets * 2) : pointsOf({ steps, values }));
  const lows = shrunk(min);
  const highs = shrunk(max);
  return lows.flatMap((low, i) => (isFiniteValue(low.value) && isFiniteValue(highs[i].value) ? [{ step: low.step, min: low.value, max: highs[i].value as number }] : []));
}
