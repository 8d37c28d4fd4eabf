// A run page's figures each show one run: five metrics, two drawings each,
// ~1000 vega layouts in a 100-run site (~5 ms each, a third of its build).
// Such a figure's layout depends only on its axes' domains, its titles and
// the length of its one legend label (vega, without a canvas, sizes text by
// its length), so figures share it: vega lays out a stand-in (a placeholder
// label and color, and a level line across the plot) once per layout, and
// each figure sets its label, color and points into that View's scenegraph,
// from which vega writes the SVG. The domains are the ones vega gives the
// figure's data (see domainOf), given to the stand-in explicitly. The SVG is
// vega's for the figure alone (tests compare) but in one respect: the layout
// leaves out the line's own stroke, which vega counts where a line touches the
// plot's top or bottom edge (a plot 1 px shorter there, in a few figures).
// A line's points do not go through vega at all: it would write each number
// to 3 decimals, for render.ts to read back and write in tenths (~1 s of the
// 100-run bench site's 6-8 s of pages). The line mark gets one item, which
// vega writes as a path at a place no line is, and linePath's path of the
// points replaces it.
import * as vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { linePath } from './path-data';
import { viewOf } from './spec-templates';

type Row = { step: number; value: number; run: string } & Record<string, unknown>;

interface Layer {
  name?: string;
  mark?: { type?: string } | string;
  data?: { values?: Row[] };
  encoding?: {
    x?: { field?: string; scale?: Record<string, unknown> };
    y?: { field?: string; scale?: Record<string, unknown> };
    color?: { field?: string; scale?: { domain?: unknown[]; range?: unknown[] } };
    [channel: string]: unknown;
  };
}

/** Stand-ins no figure's label or color would be: the label one character repeated, which vega sizes as any text of its length. */
const LABEL_CHAR = '\uE000';
// vega exports it; its types leave it out
const { textMetrics } = vega as unknown as { textMetrics: { width: unknown; estimateWidth: unknown } };
const COLOR = '#010203';

interface SceneItem {
  datum?: unknown;
  text?: unknown;
  items?: SceneMark[];
  [property: string]: unknown;
}

interface SceneMark {
  marktype: string;
  name: string;
  items: SceneItem[];
}

/** A laid-out stand-in: its View, where the placeholders landed, and each line mark with the item its points copy. */
interface Layout {
  view: vega.View;
  labels: SceneItem[];
  colored: [SceneItem, string][];
  lines: Map<string, { mark: SceneMark; template: SceneItem }>;
  /** Figures drawn from this layout one at a time: each sets the scenegraph, then vega writes it. */
  queue: Promise<unknown>;
}

const layouts = new Map<string, Promise<Layout>>();
const MAX_LAYOUTS = 200;

/** What a figure puts into its shared layout. */
interface Figure {
  key: string;
  standIn: TopLevelSpec;
  label: string;
  color: string;
  rows: Map<string, Row[]>;
}

/** Where a line's one item goes: vega writes the line's path as `M${PLACEHOLDER_X},${the line's index}Z`, which no figure draws. */
const PLACEHOLDER_X = -1e6;

/**
 * Draws the spec from a layout it shares with figures of other runs, if it is
 * a line figure of one run (any number of line layers, every point a number):
 * passes the View, as set for this figure, to `finish`, and gives back what
 * that made, its SVG with the lines' paths put in; null otherwise.
 */
export async function drawShared<T extends { svg: string }>(spec: TopLevelSpec, finish: (view: vega.View) => Promise<T>): Promise<T | null> {
  const figure = figureOf(spec);
  if (!figure) return null;
  let pending = layouts.get(figure.key);
  if (!pending) {
    pending = layOut(figure.standIn);
    if (layouts.size >= MAX_LAYOUTS) {
      const [oldest, evicted] = layouts.entries().next().value!;
      layouts.delete(oldest);
      void evicted.then((layout) => layout.queue.then(() => layout.view.finalize()));
    }
    layouts.set(figure.key, pending);
  }
  const layout = await pending;
  const drawn = layout.queue.then(async () => {
    for (const item of layout.labels) item.text = figure.label;
    for (const [item, property] of layout.colored) item[property] = figure.color;
    const x = layout.view.scale('x');
    const y = layout.view.scale('y');
    const paths: string[] = [];
    for (const [name, { mark, template }] of layout.lines) {
      const rows = figure.rows.get(name) ?? [];
      if (rows.length < 2) {
        mark.items = rows.map((row) => ({ ...template, datum: row, x: x(row.step), y: y(row.value), defined: true }));
        continue;
      }
      const points = new Float64Array(2 * rows.length);
      rows.forEach((row, i) => {
        points[2 * i] = x(row.step);
        points[2 * i + 1] = y(row.value);
      });
      // A line is drawn with its first item's style: this one's.
      mark.items = [{ ...template, datum: rows[0], x: PLACEHOLDER_X, y: paths.length, defined: true }];
      paths.push(linePath(points));
    }
    const made = await finish(layout.view);
    return { ...made, svg: paths.reduce((svg, path, i) => svg.replace(` d="M${PLACEHOLDER_X},${i}Z"`, ` d="${path}"`), made.svg) };
  });
  layout.queue = drawn.catch(() => {});
  return drawn;
}

async function layOut(standIn: TopLevelSpec): Promise<Layout> {
  const view = viewOf(standIn);
  await view.runAsync();
  const layout: Layout = { view, labels: [], colored: [], lines: new Map(), queue: Promise.resolve() };
  const visit = (mark: SceneMark) => {
    if (mark.marktype === 'line' && mark.name.endsWith('_marks') && mark.items.length > 0) {
      layout.lines.set(mark.name.slice(0, -'_marks'.length), { mark, template: mark.items[0] });
    }
    for (const item of mark.items) {
      if (typeof item.text === 'string' && item.text.startsWith(LABEL_CHAR)) layout.labels.push(item);
      for (const property of ['stroke', 'fill']) if (item[property] === COLOR) layout.colored.push([item, property]);
      for (const child of item.items ?? []) visit(child);
    }
  };
  // vega's types leave out the scenegraph's root
  visit((view.scenegraph() as unknown as { root: SceneMark }).root);
  return layout;
}

/** The figure's layout (its stand-in spec, by which figures share it) and what the figure puts in it; null if it is not a one-run line figure. */
function figureOf(spec: TopLevelSpec): Figure | null {
  // A canvas would size text by its glyphs: then labels of one length differ in width.
  if (textMetrics.width !== textMetrics.estimateWidth) return null;
  const layers = (spec as { layer?: Layer[] }).layer;
  if (!Array.isArray(layers) || layers.length === 0) return null;
  const first = layers[0].encoding;
  const labels = first?.color?.scale?.domain;
  const colors = first?.color?.scale?.range;
  if (!labels || !colors || labels.length !== 1 || colors.length !== 1 || typeof labels[0] !== 'string' || typeof colors[0] !== 'string') return null;
  const [label, color] = [labels[0], colors[0]];
  const rows = new Map<string, Row[]>();
  const steps = { low: Infinity, high: -Infinity };
  const values = { low: Infinity, high: -Infinity };
  for (const layer of layers) {
    const type = typeof layer.mark === 'string' ? layer.mark : layer.mark?.type;
    const { encoding, data, name } = layer;
    if (type !== 'line' || !encoding || !data?.values || encoding.x?.field !== 'step' || encoding.y?.field !== 'value' || encoding.color?.field !== 'run') return null;
    if (Object.keys(encoding).some((channel) => !['x', 'y', 'color'].includes(channel))) return null;
    if (JSON.stringify(encoding.color.scale) !== JSON.stringify(first.color!.scale)) return null;
    if (JSON.stringify([encoding.x.scale, encoding.y.scale]) !== JSON.stringify([first.x?.scale, first.y?.scale])) return null;
    // One pass over the rows (a thousand a line): each checked, and the extents taken.
    for (const { run, step, value } of data.values) {
      if (run !== label || !Number.isFinite(step) || !Number.isFinite(value)) return null;
      steps.low = Math.min(steps.low, step);
      steps.high = Math.max(steps.high, step);
      values.low = Math.min(values.low, value);
      values.high = Math.max(values.high, value);
    }
    if (data.values.length > 0) {
      if (!name) return null;
      rows.set(name, data.values);
    }
  }
  const xDomain = domainOf(first.x?.scale, steps, false);
  const yDomain = domainOf(first.y?.scale, values, true);
  if (!xDomain || !yDomain) return null;
  // level across the middle: a line's own stroke is no part of the layout
  const standInRow = (i: 0 | 1) => ({ step: xDomain[i], value: (yDomain[0] + yDomain[1]) / 2, run: LABEL_CHAR.repeat(label.length) });
  const standIn = {
    ...spec,
    layer: layers.map((layer) => ({
      ...layer,
      data: { values: layer.data!.values!.length > 0 ? [standInRow(0), standInRow(1)] : [] },
      encoding: {
        ...layer.encoding,
        x: { ...layer.encoding!.x, scale: { nice: false, domain: xDomain } },
        y: { ...layer.encoding!.y, scale: { zero: false, nice: false, domain: yDomain } },
        color: { ...layer.encoding!.color, scale: { domain: [LABEL_CHAR.repeat(label.length)], range: [COLOR] } },
      },
    })),
  } as TopLevelSpec;
  return { key: JSON.stringify(standIn), standIn, label, color, rows };
}

/**
 * The domain vega gives a linear scale of values of this extent, for the
 * scales line figures use: a domain given as is (not made nice); else the
 * extent, from domainMin if given, made nice as vega does (for y; x scales say
 * nice: false). null for any other scale, or no extent (no values, or one).
 */
function domainOf(scale: Record<string, unknown> | undefined, extent: { low: number; high: number }, nice: boolean): [number, number] | null {
  const { domain, domainMin, ...rest } = scale ?? {};
  if (Array.isArray(domain)) {
    const literal = domain as unknown[];
    const fixed = [{ nice: false }, { zero: false, nice: false }].some((shape) => JSON.stringify(shape) === JSON.stringify(rest));
    return fixed && domainMin === undefined && literal.length === 2 && literal.every(Number.isFinite) ? (literal as [number, number]) : null;
  }
  const known = nice ? [{ zero: false }, { zero: false, nice: true }] : [{ nice: false }];
  if (!known.some((shape) => JSON.stringify(shape) === JSON.stringify(rest))) return null;
  if (domainMin !== undefined && (!nice || typeof domainMin !== 'number')) return null;
  const low = typeof domainMin === 'number' ? domainMin : extent.low;
  const high = extent.high;
  if (!(low < high)) return null;
  if (!nice) return [low, high];
  const niced = vega.scale('linear')().domain([low, high]).nice().domain() as [number, number];
  return [niced[0], niced[1]];
}

/** How many layouts are kept now (for tests: which figures shared one). */
export function layoutsKept(): number {
  return layouts.size;
}
