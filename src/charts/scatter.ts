// One metric against another (::scatter): each run's path through training,
// and where each value ended, so a trade-off between two metrics (reward
// against KL) reads off one figure. A path is its two metrics at the steps
// where both were logged; an end is meanOfLast10Pct's (the mean of the last 10% of
// steps, as ::final and :value say) of each, over the value's seeds.
import type { TopLevelSpec } from 'vega-lite';
import { drawnColors, type ValueColor } from './palette';
import { bucketMeans } from './downsample';
import { meanOfLast10Pct } from './final';
import { metricInfo } from './metrics';
import { acrossSeeds, type SeedSpread } from './seed-bands';
import { smooth } from './smooth';
import { axisTitle, frame, legendColumns, legendOf, MAX_LABELLED_LINES, metricScale } from './spec';
import { SIZES, type FigureSize } from './theme';
import type { Series } from './types';

/** One run's two metrics, as logged. */
export interface ScatterRun {
  x: Series;
  y: Series;
}

/** One value of the figure: its label and color, and its seeds' runs. */
export interface ScatterValue {
  label: string;
  color: ValueColor;
  runs: ScatterRun[];
}

/** A run's path: its x and y at each step where both have a finite value. */
export interface MetricPath {
  steps: Float64Array;
  x: Float64Array;
  y: Float64Array;
}

/** Where a value ended, in each metric: the mean over its seeds' ends, and their lowest and highest. */
export interface ScatterEnd {
  x: SeedSpread;
  y: SeedSpread;
}

/** A value as the figure draws it: a path per seed, and its end (null when no run has a finite end in both). */
export interface DrawnValue {
  label: string;
  color: ValueColor;
  paths: MetricPath[];
  end: ScatterEnd | null;
}

/**
 * Each metric smoothed over its own logged steps first (as ::figure smooths
 * it, so a path's point at a step is where the two metrics' figures are at
 * that step), then paired at the steps both logged with finite values: an
 * imported run that logs one tag every step and the other every tenth has a
 * point every tenth step.
 */
export function metricPath(x: Series, y: Series, weight: number): MetricPath {
  const [sx, sy] = weight > 0 ? [smooth(x, weight), smooth(y, weight)] : [x, y];
  const steps: number[] = [];
  const xs: number[] = [];
  const ys: number[] = [];
  // both sets of steps ascend: walk them together
  for (let i = 0, j = 0; i < sx.steps.length && j < sy.steps.length; ) {
    if (sx.steps[i] < sy.steps[j]) i++;
    else if (sx.steps[i] > sy.steps[j]) j++;
    else {
      if (Number.isFinite(sx.values[i]) && Number.isFinite(sy.values[j])) {
        steps.push(sx.steps[i]);
        xs.push(sx.values[i]);
        ys.push(sy.values[j]);
      }
      i++;
      j++;
    }
  }
  return { steps: Float64Array.from(steps), x: Float64Array.from(xs), y: Float64Array.from(ys) };
}

/**
 * Where a value's runs ended: each run's meanOfLast10Pct of x and of y (unsmoothed,
 * over all steps each logged, so the numbers are :value's), summarised over
 * the seeds whose both ends are finite, so x and y average the same runs.
 */
export function scatterEnd(runs: ScatterRun[]): ScatterEnd | null {
  const ends = runs.map((run) => [meanOfLast10Pct(run.x), meanOfLast10Pct(run.y)] as const).filter(([x, y]) => x !== null && y !== null);
  const x = acrossSeeds(ends.map(([x]) => x));
  const y = acrossSeeds(ends.map(([, y]) => y));
  return x && y ? { x, y } : null;
}

/** Each value's paths (smoothed with this EMA weight) and end. */
export function drawScatter(values: ScatterValue[], weight: number): DrawnValue[] {
  return values.map(({ label, color, runs }) => ({ label, color, paths: runs.map((run) => metricPath(run.x, run.y, weight)), end: scatterEnd(runs) }));
}

/** The lowest value the figure draws on an axis (paths, end points and their bars), for refusing a log axis; Infinity when none. */
export function lowestDrawn(values: DrawnValue[], axis: 'x' | 'y'): number {
  let lowest = Infinity;
  for (const { paths, end } of values) {
    for (const path of paths) for (const v of path[axis]) lowest = Math.min(lowest, v);
    if (end) lowest = Math.min(lowest, end[axis].min);
  }
  return lowest;
}

/**
 * Points a figure's paths share, at most: ~10 bytes of SVG each, drawn twice
 * (wide and narrow), so a figure of 44 paths (11 values x 4 seeds) stays near
 * 40 KB. A smoothed path needs few points to read; a narrow drawing, fewer.
 */
const SCATTER_POINTS = 2000;
const MAX_POINTS_PER_PATH = 300;

/** Points per path for a figure of this many paths at this size. */
export function pointsPerPath(paths: number, size: FigureSize = 'wide'): number {
  const share = SIZES[size].width / SIZES.wide.width;
  return Math.max(20, Math.min(Math.round(MAX_POINTS_PER_PATH * share), Math.floor((SCATTER_POINTS * share) / Math.max(1, paths))));
}

/** A path as at most `points` rows: means of x and y over equal ranges of steps (a smoothed path has no spikes to keep). */
export function shrinkPath({ steps, x, y }: MetricPath, points: number): { step: number; x: number; y: number }[] {
  const xs = bucketMeans({ steps, values: x }, points);
  const ys = bucketMeans({ steps, values: y }, points);
  // the same steps fill the same buckets, and every value is finite: the rows line up
  return xs.map((p, i) => ({ step: p.step, x: p.value!, y: ys[i].value! }));
}

/** A legend row's height in px, its circles outlined as the end points are (see scatterSpec). */
const LEGEND_ROW = 18;

export interface ScatterSpecInput {
  values: DrawnValue[];
  /** The metrics' names: axis titles, and whether an axis may go below 0 (metricScale). */
  x: string;
  y: string;
  logx?: boolean;
  logy?: boolean;
  /** As LineSpecInput.size. */
  size?: FigureSize;
}

/**
 * y against x: per value, each seed's path in its color (faint when values
 * have several seeds, which then cross), and a large point where it ended
 * with bars from its seeds' lowest to highest end in both directions. One
 * color scale for every layer, so the legend lists each label once.
 */
export function scatterSpec({ values, x, y, logx = false, logy = false, size = 'wide' }: ScatterSpecInput): TopLevelSpec {
  const seeded = values.some((v) => v.paths.length > 1);
  const perPath = pointsPerPath(values.reduce((sum, v) => sum + v.paths.length, 0), size);
  const paths = values.flatMap(({ label, paths }) => paths.flatMap((path, seed) => shrinkPath(path, perPath).map((p) => ({ run: label, seed, ...p }))));
  const ends = values.flatMap(({ label, end }) => (end ? [{ run: label, end }] : []));
  const points = ends.map(({ run, end }) => ({ run, x: end.x.mean, y: end.y.mean }));
  const bars = ends.filter(({ end }) => end.x.seeds > 1);
  // Room around the points, so an end at the edge is not cut; but none below 0 for a metric that cannot go there (KL at -200).
  const axis = (metric: string, log: boolean, drawn: number[]) => {
    const { nonNegative } = metricInfo(metric);
    const title = axisTitle(metricInfo(metric).title);
    // a log axis made nice would reach the next power of ten: up to 9 times the highest value
    if (log) return { title, scale: { type: 'log', nice: false, padding: 10 }, clip: false };
    const { scale, clip } = metricScale(metric, drawn);
    return { title, scale: clip || nonNegative ? scale : { ...scale, padding: 10 }, clip };
  };
  const xAxis = axis(x, logx, [...paths.map((p) => p.x), ...points.map((p) => p.x)]);
  const yAxis = axis(y, logy, [...paths.map((p) => p.y), ...points.map((p) => p.y)]);
  const clip = xAxis.clip || yAxis.clip;
  const encodeX = (field: string) => ({ field, type: 'quantitative', title: xAxis.title, scale: xAxis.scale });
  const encodeY = (field: string) => ({ field, type: 'quantitative', title: yAxis.title, scale: yAxis.scale });
  const labels = values.map((v) => v.label);
  const legend = values.length <= MAX_LABELLED_LINES;
  const color = {
    field: 'run',
    type: 'nominal',
    title: null,
    scale: { domain: labels, range: drawnColors(values.map((v) => v.color)).map((c) => c.light) },
    // the theme's symbol stroke (3 px, for line figures' strokes) would space a dozen circles past the plot's height
    legend: legend ? legendOf(size, labels, { symbolType: 'circle', symbolStrokeWidth: 0.75 }) : null,
  };
  // A legend above a narrow plot takes its height from the plot: the figure grows by it instead.
  const legendRows = legend && size === 'narrow' ? Math.ceil(labels.length / legendColumns(size, labels)) : 0;
  const barLayers = bars.length
    ? [
        {
          name: 'x_range',
          data: { values: bars.map(({ run, end }) => ({ run, y: end.y.mean, min: end.x.min, max: end.x.max })) },
          mark: { type: 'rule', strokeWidth: 2, opacity: 0.8, clip },
          encoding: { x: encodeX('min'), x2: { field: 'max' }, y: encodeY('y'), color },
        },
        {
          name: 'y_range',
          data: { values: bars.map(({ run, end }) => ({ run, x: end.x.mean, min: end.y.min, max: end.y.max })) },
          mark: { type: 'rule', strokeWidth: 2, opacity: 0.8, clip },
          encoding: { x: encodeX('x'), y: encodeY('min'), y2: { field: 'max' }, color },
        },
      ]
    : [];
  return {
    ...frame(size),
    height: SIZES[size].height + LEGEND_ROW * legendRows,
    layer: [
      {
        name: 'paths',
        data: { values: paths },
        mark: { type: 'line', strokeWidth: seeded ? 1 : 1.5, opacity: seeded ? 0.35 : 0.7, clip },
        // in step order, not sorted by x as a line figure's are
        encoding: { x: encodeX('x'), y: encodeY('y'), order: { field: 'step', type: 'quantitative' }, color, detail: { field: 'seed', type: 'nominal' } },
      },
      ...barLayers,
      {
        name: 'ends',
        data: { values: points },
        // outlined, so light colors stay visible, as ::final's points
        mark: { type: 'point', filled: true, size: 110, opacity: 1, stroke: 'currentColor', strokeWidth: 0.75, clip },
        encoding: { x: encodeX('x'), y: encodeY('y'), color },
      },
    ],
  } as TopLevelSpec;
}
