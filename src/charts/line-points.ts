// Vega passes every point of a line through its dataflow, ~5 µs a point, for
// what is in the end a list of x and y: half of a run page's figure time. A
// line's layout (scales' domains, axes, legend, bounds) depends only on its
// extreme points, so vega lays the figure out from those, and each line's
// points are set in its scenegraph afterwards, through the scales vega made,
// as its encoding would have: vega draws the same SVG.
import type * as vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';

type Row = Record<string, unknown>;
/** A scale of a View: a function of a value. */
type Scale = (value: unknown) => number;

interface LineLayer {
  name: string;
  rows: Row[];
  /** Each line's rows (their indices), by the fields naming a row's line (color, detail). */
  lines: Map<string, number[]>;
  keys: string[];
  x: string;
  y: string;
}

interface Layer {
  name?: string;
  mark?: { type?: string } | string;
  data?: { values?: Row[] };
  encoding?: Record<string, { field?: string } | undefined>;
}

/**
 * The spec with each line layer's data cut to the rows that set its extent
 * (per line: first and last step, lowest and highest value), and what puts
 * each line's points back into a View of it once it has run.
 */
export function withExtremePoints(spec: TopLevelSpec): { spec: TopLevelSpec; setPoints: (view: vega.View) => void } {
  const layers = ((spec as { layer?: Layer[] }).layer ?? []).map((layer) => ({ layer, line: lineLayer(layer) }));
  const lines = layers.flatMap(({ line }) => (line ? [line] : []));
  if (lines.length === 0) return { spec, setPoints: () => {} };
  const cut = layers.map(({ layer, line }) => (line ? { ...layer, data: { values: extremes(line) } } : layer));
  return {
    spec: { ...spec, layer: cut } as TopLevelSpec,
    setPoints: (view) => {
      const x = view.scale('x');
      const y = view.scale('y');
      const byName = new Map(lines.map((line) => [`${line.name}_marks`, line]));
      // vega's types leave out the scenegraph's root
      forEachMark((view.scenegraph() as unknown as { root: SceneMark }).root, (mark) => {
        const line = byName.get(mark.name);
        if (line && mark.marktype === 'line' && mark.items.length > 0) setLinePoints(mark, line, x, y);
      });
    },
  };
}

function lineLayer(layer: Layer): LineLayer | null {
  const type = typeof layer.mark === 'string' ? layer.mark : layer.mark?.type;
  const { encoding = {}, data, name } = layer;
  const x = encoding.x?.field;
  const y = encoding.y?.field;
  if (type !== 'line' || !name || !data?.values || !x || !y) return null;
  const keys = [encoding.color?.field, encoding.detail?.field].filter((field): field is string => field !== undefined);
  const rows = data.values;
  const lines = new Map<string, number[]>();
  rows.forEach((row, i) => {
    const key = keyOf(row, keys);
    const line = lines.get(key);
    if (line) line.push(i);
    else lines.set(key, [i]);
  });
  return { name, rows, lines, keys, x, y };
}

function keyOf(row: Row, keys: string[]): string {
  return keys.length === 1 ? String(row[keys[0]]) : JSON.stringify(keys.map((key) => row[key]));
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Per line, the rows holding its first and last step and its lowest and highest value, in the rows' order. */
function extremes({ rows, lines, x, y }: LineLayer): Row[] {
  const kept = new Set<number>();
  const value = (i: number, field: string) => rows[i][field] as number;
  for (const indices of lines.values()) {
    let [first, last, low, high] = [indices[0], indices[0], -1, -1];
    for (const i of indices) {
      if (value(i, x) < value(first, x)) first = i;
      if (value(i, x) >= value(last, x)) last = i;
      if (!isNumber(rows[i][y])) continue;
      if (low < 0 || value(i, y) < value(low, y)) low = i;
      if (high < 0 || value(i, y) > value(high, y)) high = i;
    }
    for (const i of [first, last, low, high]) if (i >= 0) kept.add(i);
  }
  return rows.filter((_, i) => kept.has(i));
}

interface SceneMark {
  marktype: string;
  name: string;
  items: SceneItem[];
}

interface SceneItem {
  datum: Row;
  x?: number;
  y?: number;
  defined?: boolean;
  items?: SceneMark[];
  [property: string]: unknown;
}

function forEachMark(mark: SceneMark, visit: (mark: SceneMark) => void): void {
  visit(mark);
  for (const item of mark.items) for (const child of item.items ?? []) forEachMark(child, visit);
}

/** The line's items, one per row of its line, as vega-lite's line encoding makes them: x and y through the scales, defined where both are numbers. */
function setLinePoints(mark: SceneMark, { rows, lines, keys, x: xField, y: yField }: LineLayer, x: Scale, y: Scale): void {
  const template = mark.items[0];
  const indices = lines.get(keyOf(template.datum, keys)) ?? [];
  mark.items = indices.map((i) => {
    const row = rows[i];
    return { ...template, datum: row, x: x(row[xField]), y: y(row[yField]), defined: isNumber(row[xField]) && isNumber(row[yField]) };
  });
}
