import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vega from 'vega';
import { compile, version as vegaLiteVersion, type TopLevelSpec } from 'vega-lite';

export interface RenderOptions {
  /** Prefix for every id in the SVG, unique per figure on a page, e.g. "fig-3". */
  idPrefix: string;
  /** What the figure shows, for screen readers (role="img"). */
  description: string;
  /** A folder keeping what vega drew for each spec, so a later render of the same spec skips vega (see drawCached). */
  cacheDir?: string;
  /** Data points whose place in the SVG the caller needs (hover on ::final's points): drawn through the x and y scales. */
  probe?: { x: number; y: number }[];
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
  { idPrefix, description, cacheDir, probe = [] }: RenderOptions,
): Promise<{ svg: string; plot: PlotArea; probed: [number, number][] }> {
  const { svg, plot, probed } = cacheDir ? await drawCached(spec, probe, cacheDir) : await draw(spec, probe);
  return { svg: compact(roundPathData(accessible(prefixIds(svg, idPrefix), description))), plot, probed };
}

/** What vega draws for a spec: its SVG as vega writes it, where the plot landed, and where the probed points are. */
interface Drawing {
  svg: string;
  plot: PlotArea;
  probed: [number, number][];
}

async function draw(spec: TopLevelSpec, probe: { x: number; y: number }[]): Promise<Drawing> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
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
  view.finalize();
  return { svg, plot, probed };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/**
 * draw, kept in cacheDir by a digest of the spec (data included) and the vega
 * and vega-lite versions: the same spec always draws the same SVG, so a kept
 * drawing is never stale, and a site's figures whose runs did not change
 * (~15 ms of vega each, hundreds per site) are not drawn again.
 */
async function drawCached(spec: TopLevelSpec, probe: { x: number; y: number }[], cacheDir: string): Promise<Drawing> {
  const key = createHash('sha256').update(`vega ${vega.version}\0vega-lite ${vegaLiteVersion}\0${JSON.stringify(spec)}\0${JSON.stringify(probe)}`).digest('hex');
  const file = join(cacheDir, `${key}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Drawing;
  } catch {
    // Not drawn yet (or a torn file from a killed build): draw it.
  }
  const drawing = await draw(spec, probe);
  mkdirSync(cacheDir, { recursive: true });
  // Written aside and renamed, so a build running at the same time never reads half a drawing.
  const part = `${file}.${process.pid}.tmp`;
  writeFileSync(part, JSON.stringify(drawing));
  renameSync(part, file);
  return drawing;
}

/** Vega numbers its clip paths clip1, clip2, ... in every figure; two figures on a page would collide. */
export function prefixIds(svg: string, prefix: string): string {
  return svg
    .replace(/\bid="([^"]+)"/g, `id="${prefix}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}-$1"`);
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
  return svg
    .replace(/<path class="foreground"[^>]*\/>|<path class="background" d="M0,0h0v0h0Z"[^>]*\/>/g, '')
    .replace(/ (opacity="1"|stroke-width="1"|transform="translate\(0,0\)"|pointer-events="none"|font-family="[^"]*")/g, '');
}

/**
 * Line and area paths carry up to 2000 points: written with one decimal (sub-
 * pixel digits beyond it only add bytes), each point relative to the one
 * before (\`l4.2-1.3\` is shorter than \`L123.4,56.7\`), from the rounded
 * points, so no error adds up. Other paths (symbols' arcs) are only rounded.
 * Numbers in transforms get one decimal too.
 */
function roundPathData(svg: string): string {
  return svg
    .replace(/ d="([^"]*)"/g, (_, d: string) => ` d="${/^[ML\d.,eZ-]+$/.test(d) ? relativePath(d) : d.replace(/-?\d*\.\d+/g, roundNumber)}"`)
    .replace(/ transform="([^"]*)"/g, (_, t: string) => ` transform="${t.replace(/-?\d*\.\d+(e-?\d+)?/g, roundNumber)}"`);
}

function roundNumber(n: string): string {
  return String(Math.round(Number(n) * 10) / 10);
}

/** An M/L(/Z) path as its first point and relative moves, in tenths of a pixel. */
export function relativePath(d: string): string {
  let out = '';
  let [x, y] = [0, 0];
  // after z the pen is back at its subpath's start
  let [startX, startY] = [0, 0];
  const tenths = (n: number) => String(n / 10).replace(/^(-?)0\./, '$1.');
  const pair = (a: number, b: number) => {
    const first = tenths(a);
    const second = tenths(b);
    return `${first}${second.startsWith('-') ? '' : ','}${second}`;
  };
  for (const [, command, numbers] of d.matchAll(/([MLZ])([^MLZ]*)/g)) {
    if (command === 'Z') {
      out += 'z';
      [x, y] = [startX, startY];
      continue;
    }
    const values = [...numbers.matchAll(/-?(\d*\.)?\d+(e[-+]?\d+)?/gi)].map((n) => Math.round(Number(n[0]) * 10));
    for (let i = 0; i + 1 < values.length; i += 2) {
      const [nx, ny] = [values[i], values[i + 1]];
      out += out === '' ? `M${pair(nx, ny)}` : `${command === 'M' ? 'm' : 'l'}${pair(nx - x, ny - y)}`;
      [x, y] = [nx, ny];
      if (command === 'M' && i === 0) [startX, startY] = [nx, ny];
    }
  }
  return out;
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
