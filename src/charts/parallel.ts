// Parallel coordinates (::parallel): one vertical axis per param, then one
// per final metric, and each point of a sweep one line across them in its
// color, so which params lead where reads off one figure, as TensorBoard's
// HParams dashboard and W&B's sweep page show it. Each axis spans its values
// (low at the bottom); its position for each value is worked out here, so
// vega draws the lines on one 0–1 scale and the axes' labels are ours.
import type { TopLevelSpec } from 'vega-lite';
import { drawnColors, type ValueColor } from './palette';
import { frame, legendColumns, legendOf, MANY_LINES, MAX_LABELLED_LINES } from './spec';
import { SIZES, type FigureSize } from './theme';

/** A param's value (number, text or true/false) or a metric's final value; null where the point has none. */
export type AxisValue = number | string | boolean | null;

export interface ParallelAxis {
  /** A param's name or a metric's display name. */
  name: string;
  /** A metric's unit, printed under its name. */
  unit?: string;
  /** A metric's axis: its values are finals, which hover shows (figure.ts). */
  metric?: boolean;
}

/** One point of the sweep: its label, color, the legend entry its color stands for, and its value on each axis. */
export interface ParallelPoint {
  label: string;
  color: ValueColor;
  legend: string;
  values: AxisValue[];
}

export interface ParallelSpecInput {
  axes: ParallelAxis[];
  points: ParallelPoint[];
  /** As LineSpecInput.size. */
  size?: FigureSize;
}

/** An axis as drawn: log or not, each value's height on it (0 bottom, 1 top), and its labelled ticks. */
export interface AxisScale {
  kind: 'linear' | 'log' | 'ordinal';
  position: (value: number | string | boolean) => number;
  ticks: { at: number; label: string }[];
}

/** A point with a value on every axis; the others are left out (the caption names them). */
export function isComplete(point: ParallelPoint): boolean {
  return point.values.every((value) => value !== null && (typeof value !== 'number' || Number.isFinite(value)));
}

/** Past this many distinct values an axis labels its ends alone: a random search's draws (0.00337, 0.00341...) read as noise. */
const MAX_TICKS = 10;
/** Labels closer than this (px) overlap at 12 px text. */
const TICK_GAP = 15;
/** The axis names take up to three lines above the plot, of this height in px. */
const TITLE_ROOM = 60;
const TITLE_LINE = 15;
/** A character's width at 12 px, about (vega's own estimate, 9.6 px without a canvas, cut names that fit). */
const CHAR_PX = 6.5;

/**
 * An axis over these values: numbers on a linear axis, or a log one when
 * all are above 0 and span two decades or more (a learning rate); any text
 * or true/false makes it ordinal, its values evenly spaced in the order they
 * first come (the sweep's). Ticks at each value while they are few and clear
 * each other (a grid's), else, or with `ends`, at the ends: a metric's every
 * final labelled would be a column of numbers hover gives better.
 */
export function axisScale(values: (number | string | boolean)[], size: FigureSize = 'wide', ends = false): AxisScale {
  const numbers = values.every((v): v is number => typeof v === 'number');
  let kind: AxisScale['kind'] = 'ordinal';
  let position: AxisScale['position'];
  let distinct: (number | string | boolean)[];
  if (numbers) {
    const sorted = [...new Set(values)].sort((a, b) => a - b);
    const [low, high] = [sorted[0], sorted.at(-1)!];
    kind = low > 0 && high / low >= 100 ? 'log' : 'linear';
    const t = kind === 'log' ? Math.log10 : (v: number) => v;
    const span = t(high) - t(low);
    position = (v) => (span > 0 ? (t(v as number) - t(low)) / span : 0.5);
    distinct = sorted;
  } else {
    const keys = [...new Set(values.map(String))];
    position = (v) => (keys.length > 1 ? keys.indexOf(String(v)) / (keys.length - 1) : 0.5);
    distinct = keys;
  }
  const candidates = distinct.length <= MAX_TICKS && !ends ? distinct : [distinct[0], distinct.at(-1)!];
  const height = SIZES[size].height - TITLE_ROOM;
  // the ends first, so the axis always shows its extent
  const order = [...new Set([0, candidates.length - 1, ...candidates.keys()])];
  const kept: number[] = [];
  for (const i of order) {
    const at = position(candidates[i]);
    if (kept.every((k) => Math.abs(position(candidates[k]) - at) * height >= TICK_GAP)) kept.push(i);
  }
  const ticks = kept.sort((a, b) => a - b).map((i) => ({ at: position(candidates[i]), label: tickLabel(candidates[i]) }));
  return { kind, position, ticks };
}

function tickLabel(value: number | string | boolean): string {
  return typeof value === 'number' ? String(Number(value.toPrecision(3))) : String(value);
}

/** Each axis's scale, over the points drawn. */
export function parallelScales({ axes, points, size = 'wide' }: ParallelSpecInput): AxisScale[] {
  const drawn = points.filter(isComplete);
  return axes.map((axis, i) => axisScale(drawn.map((p) => p.values[i] as number | string | boolean), size, axis.metric));
}

/** A legend row's height in px (as scatter.ts's). */
const LEGEND_ROW = 18;

/**
 * The axes left to right, each a vertical line with its name above and its
 * ticks to its left; a line per point through its value on each, in its
 * color, with a legend of the colors while they are few. Past MANY_LINES the
 * lines are thin and faint, so where most points go shows through.
 */
export function parallelSpec(input: ParallelSpecInput): TopLevelSpec {
  const { axes, size = 'wide' } = input;
  const points = input.points.filter(isComplete);
  const scales = parallelScales(input);
  const lines = points.flatMap(({ label, legend, values }) =>
    values.map((value, axis) => ({ point: label, color: legend, axis, value, y: scales[axis].position(value as number | string | boolean) })),
  );
  const ticks = scales.flatMap(({ ticks }, axis) => ticks.map(({ at, label }) => ({ axis, y: at, label })));
  const keys = [...new Set(points.map((p) => p.legend))];
  const colors = drawnColors(keys.map((key) => points.find((p) => p.legend === key)!.color));
  const legend = keys.length <= MAX_LABELLED_LINES;
  const many = points.length > MANY_LINES;
  // Room between two axes (the plot is the figure less the ticks' labels and a legend beside it), less a gap: a name wider wraps.
  const beside = legend && size === 'wide' ? 40 + 7.5 * Math.max(...keys.map((key) => key.length)) : 0;
  const spacing = (SIZES[size].width - 70 - beside) / Math.max(1, axes.length - 1);
  const titles = axes.flatMap((axis, i) => titleLines(axis, spacing - 8).map((text, line, all) => ({ axis: i, y: 1, text, above: all.length - 1 - line })));
  const x = {
    field: 'axis',
    type: 'quantitative',
    scale: { domain: [0, axes.length - 1], nice: false, zero: false },
    // the grid lines are the axes; names and ticks are marks of their own
    axis: { title: null, values: axes.map((_, i) => i), labels: false, domain: false, ticks: false, grid: true, gridOpacity: 0.45 },
  };
  const y = { field: 'y', type: 'quantitative', scale: { domain: [0, 1], nice: false, zero: false }, axis: null };
  const nameLines = Math.max(...titles.map((t) => t.above)) + 1;
  const legendRows = legend && size === 'narrow' ? Math.ceil(keys.length / legendColumns(size, keys)) : 0;
  return {
    ...frame(size),
    height: SIZES[size].height + LEGEND_ROW * legendRows,
    layer: [
      {
        name: 'lines',
        data: { values: lines },
        mark: many ? { type: 'line', strokeWidth: 1, opacity: manyOpacity(points.length) } : { type: 'line', strokeWidth: 1.5, opacity: 0.8 },
        encoding: {
          x,
          y,
          detail: { field: 'point', type: 'nominal' },
          order: { field: 'axis', type: 'quantitative' },
          color: {
            field: 'color',
            type: 'nominal',
            title: null,
            scale: { domain: keys, range: colors.map((c) => c.light) },
            // a legend above the plot goes above the names too, which vega does not count as the plot's
            legend: legend ? legendOf(size, keys, { symbolType: 'stroke', symbolStrokeWidth: 2, ...(size === 'narrow' ? { offset: 12 + TITLE_LINE * nameLines } : {}) }) : null,
          },
        },
      },
      {
        name: 'ticks',
        data: { values: ticks },
        mark: { type: 'tick', orient: 'horizontal', size: 7, thickness: 1, color: 'currentColor', opacity: 0.6 },
        encoding: { x, y },
      },
      {
        name: 'tick_labels',
        data: { values: ticks },
        mark: { type: 'text', align: 'right', baseline: 'middle', dx: -6, fontSize: 12, color: 'currentColor' },
        encoding: { x, y, text: { field: 'label', type: 'nominal' } },
      },
      // a layer per line of the names, bottom line first: vega's own multi-line text would not survive render.ts's compaction
      ...Array.from({ length: nameLines }, (_, above) => ({
        name: `names_${above}`,
        data: { values: titles.filter((t) => t.above === above) },
        mark: { type: 'text', baseline: 'bottom', dy: -12 - TITLE_LINE * above, fontSize: 12, color: 'currentColor' },
        encoding: { x, y, text: { field: 'text', type: 'nominal' } },
      })),
    ],
  } as TopLevelSpec;
}

/**
 * An axis's name in lines of at most `width` px, broken after spaces and
 * underscores (reward_scale), two at most, then its unit on a line of its
 * own; a line still too wide is cut with "…".
 */
function titleLines({ name, unit }: ParallelAxis, width: number): string[] {
  const chars = Math.max(3, Math.floor(width / CHAR_PX));
  const lines: string[] = [];
  for (const word of name.split(/(?<=[ _])/)) {
    const last = lines.at(-1);
    if (last !== undefined && (last.length + word.trimEnd().length <= chars || lines.length === 2)) lines[lines.length - 1] = last + word;
    else lines.push(word);
  }
  const cut = (line: string) => (line.trimEnd().length > chars ? `${line.slice(0, chars - 1).trimEnd()}…` : line.trimEnd());
  return [...lines, ...(unit ? [`(${unit})`] : [])].map(cut);
}

/** Lines' opacity past MANY_LINES: half at 100 lines, fading to a sixth at 1,000, so overlaps build up before they blot. */
function manyOpacity(lines: number): number {
  return Math.max(0.15, Number((0.5 * Math.sqrt(MANY_LINES / lines)).toFixed(2)));
}
