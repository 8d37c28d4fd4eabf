// What the site calls: a figure's inline markup, rendered at build time.
//
// Each figure is drawn twice by vega, in the same 12 px text: 'wide' for the
// desktop column and 'narrow' for a phone's (site.css shows one by a media
// query). What figure.client.ts needs for hover and the reader's controls
// (where each drawing's plot is, and the data) is one JSON that the page
// fetches on first use (options.dataFile writes it), not in the page: it
// weighed a fifth of a report.
import type { TopLevelSpec } from 'vega-lite';
import { decodeColumn, encodeColumn, exponentFor } from './columns';
import { darkColorStyle } from './contrast';
import { drawnColors } from './palette';
import { binMeans, sampledSteps } from './hover';
import { metricName, metricTitle } from './metrics';
import { escapeXml, renderChart, type PlotArea } from './render';
import { relativePath } from './path-data';
import { drawnSeeds, seedBand, type SeedBand } from './seed-bands';
import { isComplete, parallelScales, parallelSpec, type ParallelSpecInput } from './parallel';
import { scatterSpec, type ScatterSpecInput } from './scatter';
import { finalMetricSpec, type FinalMetricSpecInput } from './final-spec';
import { lineFrameSpec, lineSpec, MANY_LINES, MAX_LABELLED_LINES, valueScale, type LineSpecInput } from './spec';
import type { FigureSize } from './theme';
import { hasSeeds, isFiniteValue } from './types';

export interface LineFigureOptions extends LineSpecInput {
  /** Unique per figure on a page, e.g. "fig-3". */
  idPrefix: string;
  /** For screen readers; defaults to a sentence naming the metric and the runs. */
  description?: string;
  /** See RenderOptions.cacheDir. */
  cacheDir?: string;
  /**
   * Keeps the client's data (LineFigureData, as JSON) where the page can fetch
   * it; returns its address (the site's: writeFigureData). Without it the
   * figure stays as drawn: no hover, no controls.
   */
  dataFile?: DataFile;
}

/** Writes the JSON of a figure's client data where the page can fetch it, named by its content; returns its address. */
export type DataFile = (json: string) => string;

/** A figure's markup, and the wide spec it was drawn from (for its downloads). */
export interface RenderedFigure {
  html: string;
  spec: TopLevelSpec;
}

const SIZE_NAMES: FigureSize[] = ['wide', 'narrow'];

/**
 * The client's data for a line figure (see figure.client.ts). Numbers go in
 * columns (columns.ts): whole multiples of a power of ten, as differences.
 */
export interface LineFigureData {
  kind: 'line';
  plots: Record<FigureSize, PlotArea>;
  /** Steps the pointer snaps to, and the client redraws at: a column of exponent 0. */
  steps: number[];
  /** Logged steps per sampled step: the client smooths its samples with smooth ** stride per sample. */
  stride: number;
  /** Every value column's exponent: a thousandth to a ten-thousandth of the y axis. */
  exponent: number;
  series: {
    label: string;
    color: string;
    dark: string;
    /**
     * Unsmoothed means of the logged values around each step, which the client
     * smooths for hover and redraws. (Smoothed values are not shipped as well:
     * they would double the data; at one step per sample they are exact, and
     * close at more.)
     */
    raw: (number | null)[];
    /** With seeds: the means of the lowest and of the highest seed's values around each step; null where either is. */
    low?: (number | null)[];
    high?: (number | null)[];
  }[];
}

/** The client's data for a ::final figure: each point, and where it is drawn in each size. */
export interface FinalFigureData {
  kind: 'final';
  plots: Record<FigureSize, PlotArea>;
  points: { label: string; sweep: string; color: string; dark: string; value: number; range?: [number, number]; at: Record<FigureSize, [number, number]> }[];
}

/** A ::scatter figure's: its end points as ::final's (value: y), each with its x, and the axes' titles the tip names them by. */
export interface ScatterFigureData {
  kind: 'scatter';
  plots: Record<FigureSize, PlotArea>;
  titles: { x: string; y: string };
  points: (FinalFigureData['points'][number] & { x: { value: number; range?: [number, number] } })[];
}

/**
 * A ::parallel figure's: each point's end on each metric axis, as ::final's
 * points (`sweep` names the axis), which the tip shows all of for the line it is on.
 */
export interface ParallelFigureData {
  kind: 'parallel';
  plots: Record<FigureSize, PlotArea>;
  points: FinalFigureData['points'];
}

/**
 * The SVGs of a line figure, wrapped with where the client script fetches its
 * data, and what it needs before (to offer the controls: the figure's smoothing,
 * and data-log when every value is above zero, so a log scale can show them):
 * `<div class="chart" data-chart="line" data-src="/figures/….json" data-smooth="0.6" data-log><svg class="chart-wide"…/><svg class="chart-narrow"…/></div>`.
 */
export async function renderLineFigure(options: LineFigureOptions): Promise<string> {
  return (await renderLineFigureWithSpec(options)).html;
}

export async function renderLineFigureWithSpec(options: LineFigureOptions): Promise<RenderedFigure> {
  const { series, metric, smooth = 0, idPrefix, cacheDir, dataFile } = options;
  const title = metricTitle(metric);
  const description =
    options.description ??
    (series.some(hasSeeds)
      ? `Line chart of ${title} against step for ${series.length} values, each the mean over its seeds ` +
        `(${options.seedLines === 'all' ? "each seed's line faint" : series.length > MANY_LINES ? 'no band of their range' : 'a band from their lowest to highest value'}): `
      : `Line chart of ${title} against step for ${series.length} runs: `) +
    series.map((s) => s.label).join(', ') +
      (smooth > 0 ? `; smoothed lines (EMA weight ${smooth}) over faint raw lines.` : '.');
  const colors = drawnColors(series.map((s) => s.color));
  const spec = lineSpec({ ...options, size: 'wide' });
  const wide = await renderChart(spec, { idPrefix, description, cacheDir });
  // The narrow drawing: its own axes and legend, around the wide drawing's lines (see narrowLines).
  const frame = lineFrameSpec({ ...options, size: 'narrow' }, { x: wide.plot.xDomain, y: wide.plot.yDomain });
  const narrow = await renderChart(frame, { idPrefix: `${idPrefix}-narrow`, description, cacheDir });
  const wideLines = series.length > MANY_LINES ? mergedLines(wide.svg) : wide.svg;
  const drawn = [{ ...wide, svg: linesWithIds(wideLines, idPrefix) }, { ...narrow, svg: narrowLines(narrow.svg, wideLines, idPrefix, wide.plot, narrow.plot) }];
  const svgs = drawn.map(({ svg }, i) => sized(svg, SIZE_NAMES[i], i === 0 ? darkColorStyle(colors) : '')).join('');
  // Halved values (valueScale) would hover as half what was logged: such a figure stays as drawn.
  if (series.length > MAX_LABELLED_LINES || !dataFile || valueScale(series) !== 1) return { html: `<div class="chart">${svgs}</div>`, spec };

  const hover = sampledSteps(series, drawn[0].plot);
  // With seeds: the unsmoothed mean and range over seeds (the client smooths them, as EMA of a mean is the mean of EMAs).
  const bands: (SeedBand | null)[] = series.map((s) => (hasSeeds(s) ? seedBand(drawnSeeds(s, 0)) : null));
  const exponent = exponentFor(...wide.plot.yDomain);
  const data: LineFigureData = {
    kind: 'line',
    plots: { wide: drawn[0].plot, narrow: drawn[1].plot },
    steps: encodeColumn(hover.steps, 0) as number[],
    stride: Math.max(1, hover.logged / Math.max(1, hover.steps.length)),
    exponent,
    series: series.map((s, i) => {
      const band = bands[i];
      const raw = band ? binMeans(band.steps, band.mean, hover.steps) : binMeans(s.logged.steps, s.logged.values, hover.steps);
      const column = (values: (number | null)[]) => encodeColumn(values, exponent);
      const { light: color, dark } = colors[i];
      if (!band) return { label: s.label, color, dark, raw: column(raw) };
      const lows = binMeans(band.steps, band.min, hover.steps);
      const highs = binMeans(band.steps, band.max, hover.steps);
      const both = (k: number) => lows[k] !== null && highs[k] !== null;
      return {
        label: s.label,
        color,
        dark,
        raw: column(raw),
        low: column(lows.map((low, k) => (both(k) ? low : null))),
        high: column(highs.map((high, k) => (both(k) ? high : null))),
      };
    }),
  };
  // as the client reads them back: a value that rounds to 0 there cannot go on a log axis
  const positive = data.series.every((s) => [s.raw, s.low ?? [], s.high ?? []].every((column) => decodeColumn(column, exponent).every((v) => v === null || v > 0)));
  const attributes = `data-chart="line" data-src="${escapeXml(dataFile(JSON.stringify(data)))}" data-smooth="${smooth}"${positive ? ' data-log' : ''}`;
  return { html: `<div class="chart" ${attributes}>${svgs}</div>`, spec };
}

export interface FinalMetricFigureOptions extends FinalMetricSpecInput {
  idPrefix: string;
  description?: string;
  cacheDir?: string;
  /** As LineFigureOptions.dataFile, for FinalFigureData. */
  dataFile?: DataFile;
}

/** The SVGs of a final-metric-against-swept-value figure (see finalMetricSpec), wrapped like renderLineFigure's. */
export async function renderFinalMetricFigure(options: FinalMetricFigureOptions): Promise<string> {
  return (await renderFinalMetricFigureWithSpec(options)).html;
}

export async function renderFinalMetricFigureWithSpec(options: FinalMetricFigureOptions): Promise<RenderedFigure> {
  const { sweeps, xTitle, yTitle, idPrefix, cacheDir, dataFile } = options;
  const description =
    options.description ??
    `Chart of ${yTitle} against ${xTitle}, one point per value` +
    (sweeps.some((s) => s.runs.some((r) => (r.seeds?.length ?? 0) > 1)) ? ' (the mean over its seeds, with a bar from lowest to highest and each seed small beside it)' : '') +
      (sweeps.length > 1 ? `, for sweeps ${sweeps.map((s) => s.name).join(' and ')}.` : '.');
  const colors = sweeps.map(({ runs }) => drawnColors(runs.map((r) => r.color)));
  const points = sweeps.flatMap(({ name, runs }, s) =>
    runs.flatMap((r, i) => {
      if (!isFiniteValue(r.value)) return [];
      const finite = (r.seeds ?? []).filter(isFiniteValue);
      const range: [number, number] | undefined = finite.length > 1 ? [round(Math.min(...finite)), round(Math.max(...finite))] : undefined;
      const { light, dark } = colors[s][i];
      return [{ label: r.label, sweep: name, color: light, dark, x: r.x, value: round(r.value), ...(range ? { range } : {}) }];
    }),
  );
  const specs = SIZE_NAMES.map((size) => finalMetricSpec({ ...options, size }));
  const probe = points.map((p) => ({ x: p.x, y: p.value }));
  const drawn = await Promise.all(
    specs.map((spec, i) => renderChart(spec, { idPrefix: i === 0 ? idPrefix : `${idPrefix}-${SIZE_NAMES[i]}`, description, cacheDir, probe })),
  );
  const svgs = drawn.map(({ svg }, i) => sized(svg, SIZE_NAMES[i], i === 0 ? darkColorStyle(colors.flat()) : '')).join('');
  if (!dataFile) return { html: `<div class="chart">${svgs}</div>`, spec: specs[0] };
  const data: FinalFigureData = {
    kind: 'final',
    plots: { wide: drawn[0].plot, narrow: drawn[1].plot },
    points: points.map(({ x: _x, ...p }, i) => ({ ...p, at: { wide: drawn[0].probed[i], narrow: drawn[1].probed[i] } })),
  };
  return { html: `<div class="chart" data-chart="final" data-src="${escapeXml(dataFile(JSON.stringify(data)))}">${svgs}</div>`, spec: specs[0] };
}

export interface ScatterFigureOptions extends ScatterSpecInput {
  idPrefix: string;
  /** The paths' EMA weight, for the description. */
  smooth?: number;
  description?: string;
  cacheDir?: string;
  /** As LineFigureOptions.dataFile, for ScatterFigureData. */
  dataFile?: DataFile;
}

/**
 * The SVGs of a ::scatter figure (see scatterSpec), wrapped like ::final's:
 * the client's hover is ::final's, over the end points (the paths have none).
 */
export async function renderScatterFigureWithSpec(options: ScatterFigureOptions): Promise<RenderedFigure> {
  const { values, x, y, smooth = 0, idPrefix, cacheDir, dataFile } = options;
  const seeded = values.some((v) => v.paths.length > 1);
  const description =
    options.description ??
    `Chart of ${metricTitle(y)} against ${metricTitle(x)} for ${values.length} values: ` +
      `${seeded ? "each seed's run" : 'each run'}'s path through training${smooth > 0 ? ` (smoothed, EMA weight ${smooth})` : ''}, ` +
      `and a large point where the value ended${seeded ? ', the mean over its seeds with bars from lowest to highest in both directions' : ''}: ` +
      `${values.map((v) => v.label).join(', ')}.`;
  const specs = SIZE_NAMES.map((size) => scatterSpec({ ...options, size }));
  const colors = drawnColors(values.map((v) => v.color));
  const ends = values.flatMap(({ label, end }, i) => (end ? [{ label, color: colors[i], end }] : []));
  const probe = ends.map(({ end }) => ({ x: end.x.mean, y: end.y.mean }));
  const drawn = await Promise.all(
    specs.map((spec, i) => renderChart(spec, { idPrefix: i === 0 ? idPrefix : `${idPrefix}-${SIZE_NAMES[i]}`, description, cacheDir, probe })),
  );
  const svgs = drawn.map(({ svg }, i) => sized(svg, SIZE_NAMES[i], i === 0 ? darkColorStyle(colors) : '')).join('');
  if (!dataFile) return { html: `<div class="chart">${svgs}</div>`, spec: specs[0] };
  const range = (spread: { min: number; max: number; seeds: number }): { range?: [number, number] } => (spread.seeds > 1 ? { range: [round(spread.min), round(spread.max)] } : {});
  const data: ScatterFigureData = {
    kind: 'scatter',
    plots: { wide: drawn[0].plot, narrow: drawn[1].plot },
    titles: { x: metricName(x), y: metricName(y) },
    points: ends.map(({ label, color, end }, i) => {
      const { light, dark } = color;
      return { label, sweep: '', color: light, dark, value: round(end.y.mean), ...range(end.y), x: { value: round(end.x.mean), ...range(end.x) }, at: { wide: drawn[0].probed[i], narrow: drawn[1].probed[i] } };
    }),
  };
  return { html: `<div class="chart" data-chart="scatter" data-src="${escapeXml(dataFile(JSON.stringify(data)))}">${svgs}</div>`, spec: specs[0] };
}

export interface ParallelFigureOptions extends ParallelSpecInput {
  idPrefix: string;
  /** Per point (as `points`), per axis: the lowest and highest seed's final, where it has several; for hover. */
  ranges?: (([number, number] | null)[] | undefined)[];
  description?: string;
  cacheDir?: string;
  /** As LineFigureOptions.dataFile, for ParallelFigureData. */
  dataFile?: DataFile;
}

/**
 * The SVGs of a ::parallel figure (see parallelSpec), wrapped like ::final's:
 * hover finds the nearest end on a metric axis, as ::final's nearest point
 * (a param's axis has no hover: a grid's lines meet there).
 */
export async function renderParallelFigureWithSpec(options: ParallelFigureOptions): Promise<RenderedFigure> {
  const { axes, ranges = [], idPrefix, cacheDir, dataFile } = options;
  const drawn = options.points.map((point, i) => ({ point, ranges: ranges[i] })).filter(({ point }) => isComplete(point));
  const names = axes.map((a) => (a.unit ? `${a.name} (${a.unit})` : a.name));
  const description =
    options.description ??
    `Parallel coordinates of ${names.join(', ')}: one line per point of the sweep across the axes` +
      (drawn.length <= MAX_LABELLED_LINES ? `: ${drawn.map(({ point }) => point.label).join('; ')}.` : `, ${drawn.length} points.`);
  const colors = drawnColors(drawn.map(({ point }) => point.color));
  const specs = SIZE_NAMES.map((size) => parallelSpec({ ...options, size }));
  const probes = SIZE_NAMES.map((size) => {
    const scales = parallelScales({ ...options, size });
    return drawn.flatMap(({ point }) => axes.flatMap((axis, i) => (axis.metric ? [{ x: i, y: scales[i].position(point.values[i]!) }] : [])));
  });
  const rendered = await Promise.all(
    specs.map((spec, i) => renderChart(spec, { idPrefix: i === 0 ? idPrefix : `${idPrefix}-${SIZE_NAMES[i]}`, description, cacheDir, probe: probes[i] })),
  );
  const many = drawn.length > MANY_LINES;
  const svgs = rendered.map(({ svg }, i) => sized(many ? mergedLines(svg) : svg, SIZE_NAMES[i], i === 0 ? darkColorStyle(colors) : '')).join('');
  if (!dataFile) return { html: `<div class="chart">${svgs}</div>`, spec: specs[0] };
  let k = 0;
  const data: ParallelFigureData = {
    kind: 'parallel',
    plots: { wide: rendered[0].plot, narrow: rendered[1].plot },
    points: drawn.flatMap(({ point, ranges }, p) =>
      axes.flatMap((axis, i) => {
        if (!axis.metric) return [];
        const range = ranges?.[i];
        const at = { wide: rendered[0].probed[k], narrow: rendered[1].probed[k++] };
        return [{ label: point.label, sweep: names[i], color: colors[p].light, dark: colors[p].dark, value: round(point.values[i] as number), ...(range ? { range: [round(range[0]), round(range[1])] as [number, number] } : {}), at }];
      }),
    ),
  };
  return { html: `<div class="chart" data-chart="parallel" data-src="${escapeXml(dataFile(JSON.stringify(data)))}">${svgs}</div>`, spec: specs[0] };
}

/** A line as vega draws it, one mark group each: its layer, its path's data, and its stroke and opacity. */
const LINE = /<g><g><g class="mark-line role-mark (\w+)"><path d="([^"]*)"((?: (?:stroke|opacity|stroke-width)="[^"]*")*)\/><\/g><\/g><\/g>/g;
/** Past this a line is in whole pixels, its points dropped within half a pixel: 1 px faint lines show no tenth of one. */
const MANY_LINES_TOLERANCE = 0.5;

/**
 * Past MANY_LINES, each layer's lines of one color and opacity are one path
 * (its lines subpaths of it, in whole pixels): a line's own mark groups and
 * attributes weighed as much as its points (a 1,000-line figure: 370 KB). The
 * lines of a sweep of that many values are on a ramp of RAMP_STEPS colors
 * (palette.ts), so a layer has that many paths at most.
 */
export function mergedLines(svg: string): string {
  return svg.replace(/(?:<g><g><g class="mark-line role-mark \w+"><path [^>]*\/><\/g><\/g><\/g>)+/g, (run) => {
    const lines = [...run.matchAll(LINE)];
    if (lines.map(([line]) => line).join('') !== run) return run; // a line with more to it: left as drawn
    const merged = new Map<string, { layer: string; attributes: string; d: string }>();
    for (const [, layer, d, attributes] of lines) {
      const key = `${layer}${attributes}`;
      const entry = merged.get(key) ?? { layer, attributes, d: '' };
      entry.d += absolutePath(d);
      merged.set(key, entry);
    }
    return [...merged.values()]
      .map(({ layer, attributes, d }) => `<g><g><g class="mark-line role-mark ${layer}"><path d="${relativePath(d, MANY_LINES_TOLERANCE, 1)}"${attributes}/></g></g></g>`)
      .join('');
  });
}

/** A path of M/L/m/l moves (relativePath's, or vega's) as absolute M and L points. */
function absolutePath(d: string): string {
  let out = '';
  let [x, y, startX, startY] = [0, 0, 0, 0];
  let command = 'M';
  let pending: number | null = null;
  for (const [, letter, number] of d.matchAll(/([MLmlZz])|(-?(?:\d*\.)?\d+(?:e[-+]?\d+)?)/g)) {
    if (letter) {
      if (letter === 'z' || letter === 'Z') [x, y] = [startX, startY];
      command = letter;
      continue;
    }
    if (pending === null) {
      pending = Number(number);
      continue;
    }
    const [a, b] = [pending, Number(number)];
    pending = null;
    const relative = command === 'm' || command === 'l';
    [x, y] = relative ? [x + a, y + b] : [a, b];
    const move = command === 'M' || command === 'm';
    if (move) [startX, startY] = [x, y];
    out += `${move ? 'M' : 'L'}${x},${y}`;
    // after a move's first point its further points are lines, as SVG reads them
    if (command === 'M') command = 'L';
    else if (command === 'm') command = 'l';
  }
  return out;
}

/** Each layer's lines in the wide drawing get an id, `${idPrefix}-lines-raw`, for the narrow drawing to show them by. */
function linesWithIds(svg: string, idPrefix: string): string {
  return svg
    .replace(/<g class="mark-group role-scope (\w+)_pathgroup"/g, `<g id="${idPrefix}-lines-$1" class="mark-group role-scope $1_pathgroup"`)
    .replace(/(<g class="mark-line role-mark[^"]*"><path) /g, '$1 vector-effect="non-scaling-stroke" ');
}

/**
 * The narrow drawing's lines are the wide drawing's, shown by <use> and
 * scaled from its plot onto the narrow plot (both span the same domains), so
 * their points are on the page once. Strokes keep their width: line paths'
 * vector-effect is non-scaling-stroke.
 */
function narrowLines(frame: string, wide: string, idPrefix: string, widePlot: PlotArea, narrowPlot: PlotArea): string {
  const scale = `scale(${round4(narrowPlot.width / widePlot.width)},${round4(narrowPlot.height / widePlot.height)})`;
  const uses = [...wide.matchAll(/<g class="mark-group role-scope (\w+)_pathgroup"/g)].map(([, layer]) => `<use href="#${idPrefix}-lines-${layer}" transform="${scale}"/>`).join('');
  // Lines clipped at the plot's edge (KL at 0) clip here again: a clip path in the hidden wide drawing clips nothing.
  const clipId = `${idPrefix}-narrow-clip`;
  const clip = / clip-path="url\(#/.test(wide) ? ` clip-path="url(#${clipId})"><clipPath id="${clipId}"><rect width="${narrowPlot.width}" height="${narrowPlot.height}"/></clipPath>` : '>';
  return frame.replace(/<g class="mark-group role-scope lines_pathgroup"(\/>|><\/g>)/, `<g class="mark-group role-scope lines_pathgroup"${clip}${uses}</g>`);
}

function round4(value: number): number {
  return Number(value.toPrecision(4));
}

/**
 * Marks each drawing with its size, which site.css shows or hides, and adds
 * `style` (the dark theme's colors; a style applies to the page from inside an
 * SVG even while that SVG is hidden).
 */
function sized(svg: string, size: FigureSize, style: string): string {
  return svg.replace(/ class="marks"/, ` class="marks chart-${size}"`).replace(/<\/svg>$/, `${style}</svg>`);
}

function round(value: number): number {
  return Number(value.toPrecision(4));
}
