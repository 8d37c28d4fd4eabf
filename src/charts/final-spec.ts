// The ::final figure's spec: where each value (or point) ended against the
// swept value, joined per sweep or series, its axis ticked at the values.
import type { TopLevelSpec } from 'vega-lite';
import { drawnColors, type ValueColor } from './palette';
import { acrossSeeds } from './seed-bands';
import { axisTitle, frame, legendColumns } from './spec';
import { SIZES, type FigureSize } from './theme';
import { isFiniteValue } from './types';

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
  // a series with nothing drawn yet has no color of its own: then none is told apart by color
  const oneColor = sweeps.length > 1 && colors.every((ofSweep) => ofSweep.length > 0 && ofSweep.every((color) => color.light === ofSweep[0].light));
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
