import type { TopLevelSpec } from 'vega-lite';
import { bandOpacity } from './band';
import { bucketMeans, downsample } from './downsample';
import { acrossSeeds, drawnSeeds, seedBand, type SeedBand } from './seed-bands';
import { smooth } from './smooth';
import { drawnColors, type ValueColor } from './palette';
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

/** One run's summary point: its swept value and how the metric ended. */
export interface FinalMetricRun {
  label: string;
  color: ValueColor;
  x: number;
  /** With several seeds, their mean. */
  value: number | null;
  /** A value trained with several seeds: how each seed's run ended (drawn small beside the mean, with a min–max bar). */
  seeds?: (number | null)[];
}

export interface FinalMetricSpecInput {
  /** Several sweeps may share a figure; each becomes one series, connected unless `joined` is false. */
  sweeps: { name: string; runs: FinalMetricRun[]; joined?: boolean }[];
  xTitle: string;
  yTitle: string;
  /** As LineSpecInput.size. */
  size?: FigureSize;
}

/**
 * A final metric against the swept value: a point per run in the run's color
 * (outlined, so light colors stay visible), joined per sweep. The x axis is
 * logarithmic when the values span orders of magnitude, symlog if one is 0 so
 * beta = 0 still has a place.
 */
export function finalMetricSpec({ sweeps, xTitle, yTitle, size = 'wide' }: FinalMetricSpecInput): TopLevelSpec {
  // each sweep's values colored as a sweep's (palette.ts); two sweeps tell apart by their points' shapes
  const colors = sweeps.map(({ runs }) => drawnColors(runs.map((r) => r.color)));
  const rows = sweeps.flatMap(({ name, runs }, s) =>
    runs.map((r, i) => ({ sweep: name, label: r.label, color: colors[s][i].light, x: r.x, value: isFiniteValue(r.value) ? r.value : null })),
  );
  const unjoined = sweeps.filter(({ joined }) => joined === false).map(({ name }) => name);
  const oneColor = sweeps.length > 1 && colors.every((ofSweep) => ofSweep.every((color) => color.light === ofSweep[0].light));
  const seriesColors = oneColor ? colors.map((ofSweep) => ofSweep[0].light) : undefined;
  const seeded = sweeps.flatMap(({ name, runs }, s) =>
    runs.flatMap((r, i) => {
      const spread = r.seeds && r.seeds.length > 1 ? acrossSeeds(r.seeds) : null;
      if (!spread) return [];
      const color = colors[s][i].light;
      const seeds = r.seeds!.filter(isFiniteValue).map((value) => ({ sweep: name, color, x: r.x, value }));
      return [{ bar: { sweep: name, color, x: r.x, min: spread.min, max: spread.max }, seeds }];
    }),
  );
  const xs = [...new Set(rows.map((r) => r.x))].sort((a, b) => a - b);
  // a grid's series (one per value of a param) can be many: in rows, as many to a row as fit
  const names = sweeps.map((s) => s.name);
  const showSweeps =
    sweeps.length > 1 ? ({ title: null, orient: 'top', labelLimit: 400, ...(size === 'narrow' ? { direction: 'vertical' } : { columns: legendColumns(size, names) }) } as const) : null;
  const encoding = {
    x: { field: 'x', type: 'quantitative', title: axisTitle(xTitle), ...sweptValueAxis(xs, size) },
    y: { field: 'value', type: 'quantitative', title: axisTitle(yTitle), scale: { zero: false, padding: 12 } },
  };
  // With seeds: a min–max bar in the value's color behind its mean, and each seed a small point beside it.
  const seedLayers =
    seeded.length === 0
      ? []
      : [
          {
            name: 'seed_range',
            data: { values: seeded.map((s) => s.bar) },
            mark: { type: 'rule', strokeWidth: 2, opacity: 0.8 },
            encoding: { x: encoding.x, y: { ...encoding.y, field: 'min' }, y2: { field: 'max' }, color: { field: 'color', type: 'nominal', scale: null } },
          },
          {
            name: 'seeds',
            data: { values: seeded.flatMap((s) => s.seeds) },
            mark: { type: 'point', filled: true, size: 22, opacity: 0.8, xOffset: 9, stroke: 'currentColor', strokeWidth: 0.5 },
            encoding: { x: encoding.x, y: encoding.y, fill: { field: 'color', type: 'nominal', scale: null } },
          },
        ];
  return {
    ...frame(size),
    data: { values: rows },
    layer: [
      ...seedLayers,
      {
        name: 'joins',
        ...(unjoined.length > 0 ? { transform: [{ filter: `indexof(${JSON.stringify(unjoined)}, datum.sweep) < 0` }] } : {}),
        mark: { type: 'line', color: 'currentColor', opacity: 0.35, strokeWidth: 1.5 },
        encoding: { ...encoding, detail: { field: 'sweep' } },
      },
      {
        name: 'ends',
        mark: { type: 'point', filled: true, size: 110, opacity: 1, stroke: 'currentColor', strokeWidth: 0.75 },
        encoding: {
          ...encoding,
          // series of one color each (a grid's, one per value of a param) tell apart by it, the legend in their colors; others by shape
          ...(seriesColors
            ? { fill: { field: 'sweep', type: 'nominal', scale: { domain: names, range: seriesColors }, legend: showSweeps } }
            : { fill: { field: 'color', type: 'nominal', scale: null }, shape: { field: 'sweep', type: 'nominal', scale: { domain: names }, legend: showSweeps } }),
        },
      },
    ],
  } as TopLevelSpec;
}

/**
 * Ticks sit exactly at the swept values. The domain gets 5% room either side
 * in the scale's own (log or symlog) space, so end points are not cut by the
 * axes. A label too close to one already placed to print beside it goes a
 * row lower, up to LABEL_ROWS; one that fits no row is left out, its tick
 * kept (see labelRows).
 */
function sweptValueAxis(xs: number[], size: FigureSize) {
  const positive = xs.filter((x) => x > 0);
  const spansDecades = positive.length >= 2 && positive[positive.length - 1] / positive[0] >= 100;
  const type = !spansDecades ? 'linear' : xs[0] > 0 ? 'log' : 'symlog';
  // symlog is linear within ±constant: the smallest positive value keeps every positive value log-spaced.
  const constant = positive[0];
  const [toScale, fromScale]: [(x: number) => number, (t: number) => number] =
    type === 'linear'
      ? [(x) => x, (t) => t]
      : type === 'log'
        ? [Math.log10, (t) => 10 ** t]
        : [(x) => Math.sign(x) * Math.log1p(Math.abs(x) / constant), (t) => Math.sign(t) * Math.expm1(Math.abs(t)) * constant];
  const ts = xs.map(toScale);
  const span = ts[ts.length - 1] - ts[0] || 1;
  const domain = [fromScale(ts[0] - 0.05 * span), fromScale(ts[ts.length - 1] + 0.05 * span)];
  // The plot is the figure less the y axis (labels and title, ~70 px) and padding.
  const plotWidth = SIZES[size].width - 80;
  const at = ts.map((t) => ((t - ts[0]) / span) * 0.9 * plotWidth);
  const rows = labelRows(xs.map((x, i) => ({ at: at[i], width: 7 * formatLabel(x).length })), LABEL_ROWS[size]);
  const inRow = (row: number) => xs.filter((_, i) => rows[i] === row);
  const conditions = [1, 2, 3].filter((row) => inRow(row).length > 0).map((row) => ({ test: `indexof(${JSON.stringify(inRow(row))}, datum.value) >= 0`, value: 2 + 14 * row }));
  const labelled = xs.filter((_, i) => rows[i] !== null);
  return {
    scale: { type, domain, ...(type === 'symlog' ? { constant } : {}) },
    axis: {
      values: xs,
      // A precision of its own: vega's default for '~r' follows the tick step, printing 15 as "20" on a 10-100 axis.
      format: '.12~r',
      grid: false,
      labelAngle: 0,
      // vega's own overlap rule could drop the last value's label; labelRows keeps the first and last.
      labelOverlap: false,
      labelPadding: conditions.length ? { condition: conditions, value: 2 } : 2,
      ...(labelled.length < xs.length ? { labelExpr: `indexof(${JSON.stringify(labelled)}, datum.value) >= 0 ? datum.label : ''` } : {}),
    },
  };
}

/**
 * How many rows of tick labels a swept-value axis may take. The desktop
 * drawing keeps every value's label in up to four; a phone's keeps one row,
 * as any axis, since three rows of numbers crammed between 10 and 100 read as
 * none (the values are in the runs table, and a tap on a point gives it).
 */
const LABEL_ROWS: Record<FigureSize, number> = { wide: 4, narrow: 1 };

/** Roughly d3-format's "~r", to estimate a label's width in characters. */
function formatLabel(x: number): string {
  return String(Number(x.toPrecision(12)));
}

/**
 * The row (0 = just below the axis) each label prints in, or null for one
 * left out: the first and the last value first, so the axis shows its
 * extent, then left to right, each in the first row where it clears every
 * label already there by 4 px.
 */
export function labelRows(labels: { at: number; width: number }[], maxRows: number): (number | null)[] {
  const placed: { from: number; to: number }[][] = Array.from({ length: maxRows }, () => []);
  const rows: (number | null)[] = labels.map(() => null);
  const order = labels.length === 0 ? [] : [...new Set([0, labels.length - 1, ...labels.keys()])];
  for (const i of order) {
    const from = labels[i].at - labels[i].width / 2;
    const to = labels[i].at + labels[i].width / 2;
    const row = placed.findIndex((row) => row.every((other) => other.to + 4 <= from || to + 4 <= other.from));
    if (row < 0) continue;
    placed[row].push({ from, to });
    rows[i] = row;
  }
  return rows;
}
