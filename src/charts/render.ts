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
}

/** Where the data rectangle sits in the SVG, and the step range it spans. */
export interface PlotArea {
  left: number;
  top: number;
  width: number;
  height: number;
  xDomain: [number, number];
}

/** Renders a vega-lite spec to inline SVG markup at build time (no browser, no canvas). */
export async function renderSvg(spec: TopLevelSpec, options: RenderOptions): Promise<string> {
  return (await renderChart(spec, options)).svg;
}

/** renderSvg, plus where the plot landed, which the hover script needs. */
export async function renderChart(spec: TopLevelSpec, { idPrefix, description, cacheDir }: RenderOptions): Promise<{ svg: string; plot: PlotArea }> {
  const { svg, plot } = cacheDir ? await drawCached(spec, cacheDir) : await draw(spec);
  return { svg: roundPathData(accessible(prefixIds(svg, idPrefix), description)), plot };
}

/** What vega draws for a spec: its SVG as vega writes it, and where the plot landed. */
interface Drawing {
  svg: string;
  plot: PlotArea;
}

async function draw(spec: TopLevelSpec): Promise<Drawing> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  // toSVG offsets the plot by the view's origin plus its padding.
  const [originX, originY] = view.origin();
  const padding = view.padding() as { left: number; top: number };
  const xDomain = view.scale('x').domain() as [number, number];
  const plot = { left: originX + padding.left, top: originY + padding.top, width: view.width(), height: view.height(), xDomain };
  view.finalize();
  return { svg, plot };
}

/**
 * draw, kept in cacheDir by a digest of the spec (data included) and the vega
 * and vega-lite versions: the same spec always draws the same SVG, so a kept
 * drawing is never stale, and a site's figures whose runs did not change
 * (~15 ms of vega each, hundreds per site) are not drawn again.
 */
async function drawCached(spec: TopLevelSpec, cacheDir: string): Promise<Drawing> {
  const key = createHash('sha256').update(`vega ${vega.version}\0vega-lite ${vegaLiteVersion}\0${JSON.stringify(spec)}`).digest('hex');
  const file = join(cacheDir, `${key}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Drawing;
  } catch {
    // Not drawn yet (or a torn file from a killed build): draw it.
  }
  const drawing = await draw(spec);
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

/** Line paths carry up to 2000 points; sub-pixel digits beyond one decimal only add bytes. */
function roundPathData(svg: string): string {
  return svg.replace(/ d="([^"]*)"/g, (_, d: string) => ` d="${d.replace(/-?\d*\.\d+/g, (n) => String(Math.round(Number(n) * 10) / 10))}"`);
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
