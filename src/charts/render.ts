import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vega from 'vega';
import { version as vegaLiteVersion, type TopLevelSpec } from 'vega-lite';
import { cacheMac, isCacheMac } from './cache-key';
import { withExtremePoints } from './line-points';
import { FILL_SIMPLIFY_PX, relativePath, SIMPLIFY_PX } from './path-data';
import { drawShared } from './shared-layouts';
import { writeAside } from '../write-behind';
import { viewOf } from './spec-templates';

export interface RenderOptions {
  /** Prefix for every id in the SVG, unique per figure on a page, e.g. "fig-3". */
  idPrefix: string;
  /** What the figure shows, for screen readers (role="img"). */
  description: string;
  /** A folder keeping what vega drew for each spec, so a later render of the same spec skips vega (see drawCached). */
  cacheDir?: string;
  /** Data points whose place in the SVG the caller needs (hover on ::final's points): drawn through the x and y scales. */
  probe?: { x: number; y: number }[];
  /** A one-run line figure is drawn from a layout shared with other runs' (see shared-layouts.ts) unless this is false (then vega draws it alone, and nothing is kept in cacheDir: tests compare the two). */
  shareLayout?: boolean;
}

/** Where the data rectangle sits in the SVG, and the step range it spans. */
export interface PlotArea {
  left: number;
  top: number;
  width: number;
  height: number;
  xDomain: [number, number];
  /** The y scale's domain, bottom to top (linear figures; the client draws log scales itself from it). */
  yDomain: [number, number];
}

/** Renders a vega-lite spec to inline SVG markup at build time (no browser, no canvas). */
export async function renderSvg(spec: TopLevelSpec, options: RenderOptions): Promise<string> {
  return (await renderChart(spec, options)).svg;
}

/** renderSvg, plus where the plot landed, which the hover script needs. */
export async function renderChart(
  spec: TopLevelSpec,
  { idPrefix, description, cacheDir, probe = [], shareLayout = true }: RenderOptions,
): Promise<{ svg: string; plot: PlotArea; probed: [number, number][] }> {
  const { svg, plot, probed } = cacheDir && shareLayout ? await drawCached(spec, probe, cacheDir) : await draw(spec, probe, shareLayout);
  return { svg: compact(roundPathData(accessible(prefixIds(svg, idPrefix), description))), plot, probed };
}

/** What vega draws for a spec: its SVG as vega writes it, where the plot landed, and where the probed points are. */
interface Drawing {
  svg: string;
  plot: PlotArea;
  probed: [number, number][];
}

async function draw(full: TopLevelSpec, probe: { x: number; y: number }[], shareLayout: boolean): Promise<Drawing> {
  if (probe.length === 0 && shareLayout) {
    const shared = await drawShared(full, (view) => drawingOf(view, probe));
    if (shared) return shared;
  }
  const { spec, setPoints } = withExtremePoints(full);
  const view = viewOf(spec);
  await view.runAsync();
  setPoints(view);
  const drawing = await drawingOf(view, probe);
  view.finalize();
  return drawing;
}

/** The View's SVG, where its plot is, and where the probed points are. */
async function drawingOf(view: vega.View, probe: { x: number; y: number }[]): Promise<Drawing> {
  const svg = await view.toSVG();
  // toSVG offsets the plot by the view's origin plus its padding.
  const [originX, originY] = view.origin();
  const padding = view.padding() as { left: number; top: number };
  const left = originX + padding.left;
  const top = originY + padding.top;
  const x = view.scale('x');
  const y = view.scale('y');
  const plot = { left, top, width: view.width(), height: view.height(), xDomain: x.domain() as [number, number], yDomain: y.domain() as [number, number] };
  const probed = probe.map((p): [number, number] => [round1(left + x(p.x)), round1(top + y(p.y))]);
  return { svg, plot, probed };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** How draw lays figures out; a change that moves what it draws names a new one, so no kept drawing mixes with new ones. */
const DRAWINGS = 'shared layouts, lines written from their points, kept with their HMAC';

/**
 * draw, kept in cacheDir by a digest of the spec (data included) and the vega
 * and vega-lite versions: the same spec always draws the same SVG, so a kept
 * drawing is never stale, and a site's figures whose runs did not change
 * (~15 ms of vega each, hundreds per site) are not drawn again.
 */
async function drawCached(spec: TopLevelSpec, probe: { x: number; y: number }[], cacheDir: string): Promise<Drawing> {
  const key = createHash('sha256').update(`${DRAWINGS}\0vega ${vega.version}\0vega-lite ${vegaLiteVersion}\0${JSON.stringify(spec)}\0${JSON.stringify(probe)}`).digest('hex');
  const file = join(cacheDir, `${key}.json`);
  try {
    // Kept as {drawing, mac}: a drawing goes into pages as markup, so only one this user's builds kept (see cache-key.ts).
    const kept = JSON.parse(readFileSync(file, 'utf8')) as { drawing?: unknown; mac?: unknown };
    const text = JSON.stringify(kept.drawing);
    if (typeof text === 'string' && isCacheMac(key, text, kept.mac)) return JSON.parse(text) as Drawing;
  } catch {
    // Not drawn yet (or a torn file from a killed build): draw it.
  }
  const drawing = await draw(spec, probe, true);
  const mac = cacheMac(key, JSON.stringify(drawing));
  if (mac === null) return drawing;
  mkdirSync(cacheDir, { recursive: true });
  // Written aside and renamed, so a build running at the same time never reads half a drawing.
  writeAside(file, `${file}.${process.pid}.${randomUUID()}.tmp`, JSON.stringify({ drawing, mac }));
  return drawing;
}

/**
 * Ids made the figure's own: prefixed, as two figures on a page would
 * collide, and numbered from 1 in each figure in the order they appear, as
 * vega numbers clip paths from a counter kept across figures (a figure drawn
 * after others, or on another thread, would get other ids).
 */
export function prefixIds(svg: string, prefix: string): string {
  const renamed = new Map<string, string>();
  const rename = (id: string) => {
    let name = renamed.get(id);
    if (!name) renamed.set(id, (name = `${prefix}-${id.replace(/\d+$/, '')}${renamed.size + 1}`));
    return name;
  };
  return svg.replace(/\bid="([^"]+)"|url\(#([^)]+)\)|href="#([^"]+)"/g, (match, id?: string, url?: string, href?: string) =>
    id ? `id="${rename(id)}"` : url ? `url(#${rename(url)})` : `href="#${rename(href!)}"`,
  );
}

/**
 * The figure is one image with a description. Vega's own ARIA roles on groups
 * and marks (some left unnamed, which axe rejects) are dropped.
 */
function accessible(svg: string, description: string): string {
  const text = escapeXml(description);
  return svg
    .replace(/ (role|aria-roledescription|aria-label|aria-hidden)="[^"]*"/g, '')
    .replace(/^<svg\b([^>]*)>/, `<svg$1 role="img" aria-label="${text}"><title>${text}</title>`);
}

/**
 * Drops what vega writes but draws nothing, a third of a figure's markup
 * besides its paths: hidden foreground paths, empty backgrounds, default
 * values (opacity 1, stroke-width 1, translate(0,0)), pointer-events (the
 * figure takes pointer events as a whole) and the font on every text, which
 * site.css sets once (.chart svg). Backgrounds stay: a legend entry's is
 * where a click lands.
 */
function compact(svg: string): string {
  return shorterMarks(
    hoistShared(
      svg
        .replace(/<path class="foreground"[^>]*\/>|<path class="background" d="M0,0h0v0h0Z"[^>]*\/>/g, '')
        .replace(/ (opacity="1"|stroke-width="1"|transform="translate\(0,0\)"|pointer-events="none"|font-family="[^"]*"|x2="0"|y2="0")/g, '')
        .replace(/ (x2|y2)="(-?\d*\.\d+)"/g, (_, name: string, n: string) => ` ${name}="${roundNumber(n)}"`),
    ),
  );
}

/**
 * The same drawing in fewer bytes (a third of a report's frames and points):
 * groups' backgrounds with no fill or stroke draw nothing (a legend entry's
 * stays: site.css fills it for clicks and the focus ring); labels vega hid
 * for overlapping (opacity 0) and empty ones (::final's left-out labels) go; an axis's grid lines or ticks become one
 * path; a label's translate becomes its x and y; a circle symbol (::final's
 * points) becomes a <circle> instead of a path of two arcs.
 */
function shorterMarks(svg: string): string {
  return svg
    .replace(/<path class="background" d="[^"]*"\/>(?!<g><g class="mark-symbol role-legend-symbol")/g, '')
    .replace(/<text[^>]* opacity="0"[^>]*>[^<]*<\/text>|<text\b[^>]*(?:\/>|><\/text>)/g, '')
    .replace(/(<g class="mark-rule role-axis-(?:grid|tick)"[^>]*>)((?:<line[^>]*\/>)+)<\/g>/g, (group, open: string, lines: string) => {
      let d = '';
      for (const [, attributes] of lines.matchAll(/<line([^>]*)\/>/g)) {
        const parts = /^(?: transform="translate\((-?[\d.]+),(-?[\d.]+)\)")?(?: x2="(-?[\d.]+)")?(?: y2="(-?[\d.]+)")?$/.exec(attributes);
        if (!parts) return group; // a line with its own stroke or the like: left as drawn
        const [, x = '0', y = '0', dx, dy] = parts;
        d += `M${x},${y}${dx ? `h${dx}` : ''}${dy ? `v${dy}` : ''}`;
      }
      return `${open}<path d="${d}"/></g>`;
    })
    .replace(/(<text\b[^>]*?) transform="translate\((-?[\d.]+),(-?[\d.]+)\)"/g, '$1 x="$2" y="$3"')
    .replace(/<path transform="translate\((-?[\d.]+),(-?[\d.]+)\)" d="M([\d.]+),0A\3,\3,0,1,1,-\3,0A\3,\3,0,1,1,\3,0"/g, '<circle cx="$1" cy="$2" r="$3"')
    .replace(/(<circle [^>]*?)(\/>|><\/path>)/g, '$1/>');
}

/** Presentation attributes an element inherits from its group (text-anchor stays on each label: tests and CSS select by it). */
const INHERITED = new Set(['fill', 'stroke', 'stroke-width', 'stroke-opacity', 'fill-opacity', 'font-size', 'font-weight']);

/**
 * What every element of a mark group shares (grid lines' stroke, labels'
 * font size and color, points' outline) is written once, on the group, which
 * they inherit it from: a fifth of a figure's markup besides its lines.
 */
function hoistShared(svg: string): string {
  return svg.replace(/(<g class="mark-[^"]*"[^>]*)>((?:<(?:path|line|text)\b[^>]*?(?:\/>|>[^<]*<\/(?:path|line|text)>))+)<\/g>/g, (group, open: string, children: string) => {
    const elements = [...children.matchAll(/<(path|line|text)\b([^>]*?)(\/>|>[^<]*<\/\1>)/g)];
    if (elements.length < 2) return group;
    const attributes = elements.map(([, , list]) => new Map([...list.matchAll(/ ([\w-]+)="([^"]*)"/g)].map(([, name, value]) => [name, value])));
    const shared = [...attributes[0]].filter(([name, value]) => INHERITED.has(name) && attributes.every((a) => a.get(name) === value));
    if (shared.length === 0) return group;
    const written = shared.map(([name, value]) => ` ${name}="${value}"`);
    const without = (list: string) => written.reduce((rest, attribute) => rest.replace(attribute, ''), list);
    return `${open}${written.join('')}>${elements.map(([, tag, list, end]) => `<${tag}${without(list)}${end}`).join('')}</g>`;
  });
}

/**
 * Line and area paths carry up to 2000 points: written with one decimal (sub-
 * pixel digits beyond it only add bytes), each point relative to the one
 * before (\`l4.2-1.3\` is shorter than \`L123.4,56.7\`), from the rounded
 * points, so no error adds up, and without the points that lie within
 * SIMPLIFY_PX (an area: FILL_SIMPLIFY_PX) of the line through their neighbours (see simplify). Other
 * paths (symbols' arcs) are only rounded. Numbers in transforms get one decimal too.
 * Paths with relative moves are already written so (by linePath: see
 * shared-layouts.ts); vega writes absolute ones only.
 */
function roundPathData(svg: string): string {
  return svg
    .replace(/<path\b[^>]*>/g, (path) =>
      path.replace(/ d="([^"]*)"/, (_, d: string) => {
        if (/^M[^lm]*l/.test(d)) return ` d="${d}"`;
        if (!/^[ML\d.,eZ-]+$/.test(d)) return ` d="${d.replace(/-?\d*\.\d+/g, roundNumber)}"`;
        // a band (a faint fill, no outline) has no edge to see a pixel's move in: its points in whole pixels
        return ` d="${/ stroke="/.test(path) ? relativePath(d, SIMPLIFY_PX) : relativePath(d, FILL_SIMPLIFY_PX, 1)}"`;
      }),
    )
    .replace(/ transform="([^"]*)"/g, (_, t: string) => ` transform="${t.replace(/-?\d*\.\d+(e-?\d+)?/g, roundNumber)}"`);
}

function roundNumber(n: string): string {
  return String(Math.round(Number(n) * 10) / 10);
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
