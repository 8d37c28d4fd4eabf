import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { decodeColumn, encodeColumn, exponentFor } from '../src/charts/columns';
import { renderFinalMetricFigure, renderLineFigure } from '../src/charts/figure';
import { valueColors } from '../src/charts/palette';
import { relativePath, simplify } from '../src/charts/path-data';
import { renderSvg } from '../src/charts/render';
import { seriesFrom, type LineSeries } from '../src/charts/types';

const COLORS = ['red', 'orange', 'yellow', 'green', 'blue', 'violet'];
const BETAS = [0, 0.01, 0.1, 1, 10, 100];
const sweep: LineSeries[] = COLORS.map((color, k) => ({
  label: `beta=${BETAS[k]}`,
  color,
  logged: seriesFrom(Array.from({ length: 300 }, (_, step) => ({ step, value: 1 - k / 10 + Math.sin(step + k) / 5 }))),
}));

/** The desktop drawing of a figure (figure.ts draws a narrow one for phones after it). */
function wideOf(html: string): string {
  const narrow = html.indexOf('<svg', html.indexOf('chart-wide'));
  return narrow < 0 ? html : html.slice(0, narrow);
}

/** A figure's markup and the client data it had written (figure.ts's dataFile), at a made-up address. */
async function withData<O>(render: (options: O) => Promise<string>, options: O, address = '/figures/data.json') {
  let json = '';
  const html = await render({ ...options, dataFile: (text: string) => ((json = text), address) });
  return { html, data: JSON.parse(json) };
}

/** The <path>s drawn inside a line mark's group of the wide drawing, i.e. one per drawn line. */
function linePaths(html: string): string[] {
  const groups = wideOf(html).match(/<g class="mark-line[^"]*"[^>]*>(.*?)<\/g>/g) ?? [];
  return groups.flatMap((g) => g.match(/<path [^>]*>/g) ?? []);
}

describe('renderLineFigure', () => {
  it('draws one line per run in the run colors, with a legend of the labels', async () => {
    const html = await renderLineFigure({ series: sweep, metric: 'raw_reward', idPrefix: 'fig-1' });
    const paths = linePaths(html);
    expect(paths).toHaveLength(6);
    for (const { light } of valueColors(COLORS)) expect(paths.some((p) => p.includes(`stroke="${light}"`))).toBe(true);
    const legend = wideOf(html).slice(html.indexOf('role-legend'));
    const labelsInOrder = [...legend.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(labelsInOrder).toEqual(sweep.map((s) => s.label));
    expect(html).toContain('>Step</text>');
    expect(html).toContain('>Raw reward (alliteration)</text>');
  });

  it('with smoothing, adds a faint raw line under each smoothed line, legend not doubled', async () => {
    const html = await renderLineFigure({ series: sweep, metric: 'raw_reward', smooth: 0.8, idPrefix: 'fig-1' });
    const paths = linePaths(html);
    expect(paths).toHaveLength(12);
    const faint = paths.filter((p) => /opacity="0\.25"/.test(p));
    expect(faint).toHaveLength(6);
    const legendLabels = wideOf(html).slice(html.indexOf('role-legend')).match(/role-legend-label/g);
    expect(legendLabels).toHaveLength(6);
  });

  it('makes ids unique per figure, references included', async () => {
    // Clipped marks are what make vega write ids (clip1, clip2, ... in every figure).
    const clipped: TopLevelSpec = {
      data: { values: [{ step: 0, value: 1 }, { step: 1, value: 3 }] },
      mark: { type: 'line', clip: true },
      encoding: { x: { field: 'step', type: 'quantitative' }, y: { field: 'value', type: 'quantitative', scale: { domain: [0, 2] } } },
    };
    const a = await renderSvg(clipped, { idPrefix: 'fig-1', description: 'a' });
    const b = await renderSvg(clipped, { idPrefix: 'fig-2', description: 'b' });
    const ids = (html: string) => [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids(a).length).toBeGreaterThan(0);
    expect(ids(a).every((id) => id.startsWith('fig-1-'))).toBe(true);
    expect(ids(a).filter((id) => ids(b).includes(id))).toEqual([]);
    const refs = [...a.matchAll(/url\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(ids(a)).toContain(ref);
  });

  it('is an accessible image whose text follows the page color', async () => {
    const html = await renderLineFigure({ series: sweep, metric: 'kl', idPrefix: 'fig-1' });
    expect(html).toMatch(/<svg[^>]* role="img" aria-label="Line chart of KL \(nats\) against step for 6 runs: beta=0, [^"]*"><title>/);
    expect(wideOf(html).match(/ role="/g)).toHaveLength(1); // inner roles without names fail axe's svg-img-alt
    expect(html).toContain('fill="currentColor"');
    expect(html).not.toMatch(/fill="(#000|black|white)"/);
  });

  it('keeps the hover data out of the page: the figure says where to fetch it, and what its controls need before', async () => {
    const evil = [{ label: '</script><b>x', color: 'red', logged: seriesFrom([{ step: 0, value: 1 }, { step: 1, value: 2 }]) }];
    const { html, data } = await withData(renderLineFigure, { series: evil, metric: 'kl', idPrefix: 'fig-1', smooth: 0.6 }, '/figures/a"b.json');
    expect(html).not.toContain('<script');
    expect(html).toMatch(/^<div class="chart" data-chart="line" data-src="\/figures\/a&#34;b.json" data-smooth="0.6" data-log>/);
    expect(data.series[0].label).toBe('</script><b>x');
    expect(html).toContain('&#60;/script&#62;&#60;b&#62;x');
    // a value at or below zero (after rounding to the data's columns): no log scale offered
    const zero = [{ ...evil[0], logged: seriesFrom([{ step: 0, value: 0.00001 }, { step: 1, value: 2 }]) }];
    expect((await withData(renderLineFigure, { series: zero, metric: 'kl', idPrefix: 'fig-1' })).html).not.toContain('data-log');
    // without a place for the data, a static figure
    expect(await renderLineFigure({ series: evil, metric: 'kl', idPrefix: 'fig-1' })).toMatch(/^<div class="chart"><svg/);
  });

  it('keeps a 20,000-step figure small by downsampling', async () => {
    const long = sweep.map((s) => ({ ...s, logged: seriesFrom(Array.from({ length: 20_000 }, (_, step) => ({ step, value: Math.sin(step) }))) }));
    const html = await renderLineFigure({ series: long, metric: 'kl', idPrefix: 'fig-1' });
    for (const path of linePaths(html)) expect(path.split(/[LlMm]/).length).toBeLessThanOrEqual(2003);
  });

  it('draws the narrow drawing (phones) around the wide drawing\'s lines, so their points are on the page once', async () => {
    const { html, data: hover } = await withData(renderLineFigure, { series: sweep, metric: 'raw_reward', smooth: 0.8, idPrefix: 'fig-1' });
    const narrow = html.slice(html.indexOf('<svg', html.indexOf('chart-wide')));
    expect(narrow).toContain('chart-narrow');
    expect(narrow).not.toContain('class="mark-line');
    const uses = [...narrow.matchAll(/<use href="#([^"]+)" transform="scale\(([\d.]+),([\d.]+)\)"\/>/g)];
    expect(uses.map((m) => m[1])).toEqual(['fig-1-lines-raw', 'fig-1-lines-smoothed']);
    // each refers to the wide drawing's group of that layer's lines, scaled down onto the smaller plot
    for (const [, id, sx, sy] of uses) {
      expect(wideOf(html)).toMatch(new RegExp(`<g id="${id}" class="mark-group role-scope \\w+_pathgroup"`));
      expect(Number(sx)).toBeLessThan(1);
      expect(Number(sy)).toBeLessThan(1);
    }
    // the narrow axes span the wide drawing's domains, and keep their own labels
    expect(hover.plots.narrow.xDomain).toEqual(hover.plots.wide.xDomain);
    expect(hover.plots.narrow.yDomain).toEqual(hover.plots.wide.yDomain);
    expect(narrow).toContain('>Step</text>');
    expect([...narrow.matchAll(/role-legend-label/g)]).toHaveLength(6);
    // scaled lines keep their stroke width
    expect(linePaths(html).every((path) => path.includes('vector-effect="non-scaling-stroke"'))).toBe(true);
  });

  it('draws a figure the same whatever was drawn before it (vega counts clip paths across figures)', async () => {
    const dips = [{ label: 'a', color: 'red', logged: seriesFrom(Array.from({ length: 50 }, (_, step) => ({ step, value: Math.sin(step / 5) }))) }];
    const first = await renderLineFigure({ series: dips, metric: 'kl', idPrefix: 'fig-1' });
    expect(first).toContain('url(#fig-1-clip1)');
    await renderLineFigure({ series: dips, metric: 'kl', idPrefix: 'fig-2' });
    expect(await renderLineFigure({ series: dips, metric: 'kl', idPrefix: 'fig-1' })).toBe(first);
  });

  it('clips the narrow drawing\'s lines at its own plot where the wide drawing clips (KL below zero)', async () => {
    const dips = [{ label: 'a', color: 'red', logged: seriesFrom(Array.from({ length: 50 }, (_, step) => ({ step, value: Math.sin(step / 5) }))) }];
    const html = await renderLineFigure({ series: dips, metric: 'kl', idPrefix: 'fig-1' });
    const narrow = html.slice(html.indexOf('<svg', html.indexOf('chart-wide')));
    // a clip path inside the hidden wide drawing would clip nothing on a phone
    expect(narrow).toMatch(/<g class="mark-group role-scope lines_pathgroup" clip-path="url\(#fig-1-narrow-clip\)"><clipPath id="fig-1-narrow-clip"><rect width="[\d.]+" height="[\d.]+"\/><\/clipPath><use /);
    const unclipped = await renderLineFigure({ series: sweep, metric: 'raw_reward', idPrefix: 'fig-2' });
    expect(unclipped).not.toContain('narrow-clip');
  });

  it('writes no markup that draws nothing: backgrounds only on legend entries (their click box and focus ring), no hidden labels, an axis grid as one path', async () => {
    const html = await renderLineFigure({ series: sweep, metric: 'raw_reward', idPrefix: 'fig-1' });
    for (const svg of html.match(/<svg.*?<\/svg>/g)!) {
      expect(svg.match(/class="background"/g)).toHaveLength(6);
      expect(svg.match(/class="background" d="[^"]*"\/><g><g class="mark-symbol role-legend-symbol"/g)).toHaveLength(6);
      expect(svg).not.toMatch(/<text[^>]* opacity="0"/);
      const grids = [...svg.matchAll(/<g class="mark-rule role-axis-grid"[^>]*>(.*?)<\/g>/g)].map((m) => m[1]);
      expect(grids).toHaveLength(2);
      for (const grid of grids) expect(grid).toMatch(/^<path d="(M[\d.-]+,[\d.-]+[hv][\d.-]+)+"\/>$/);
    }
  });

  it('rejects two runs with the same label, which one legend entry could not tell apart', async () => {
    await expect(renderLineFigure({ series: [sweep[0], sweep[0]], metric: 'kl', idPrefix: 'f' })).rejects.toThrow(/distinct/);
  });
});

describe('renderFinalMetricFigure', () => {
  const runs = BETAS.map((x, k) => ({ label: `beta=${x}`, color: COLORS[k], x, value: 1 - k / 10 }));

  it('draws a point per run in its color, beta = 0 included, on a symlog axis', async () => {
    const html = await renderFinalMetricFigure({ sweeps: [{ name: 'first', runs }], xTitle: 'beta', yTitle: 'Final raw reward', idPrefix: 'fig-4' });
    const points = html.match(/<g class="mark-symbol[^"]*"[^>]*>(.*?)<\/g>/)![1].match(/<circle [^>]*>/g)!;
    expect(points).toHaveLength(6);
    // each in its color, made dark enough for the light page where it was not (yellow, orange, violet)
    for (const { light } of valueColors(COLORS)) expect(points.some((p) => p.includes(`fill="${light}"`))).toBe(true);
    const tickLabels = [...html.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    for (const label of ['0', '0.01', '0.1', '1', '10', '100']) expect(tickLabels).toContain(label);
  });

  it('shows two sweeps together with a legend naming them', async () => {
    const second = [10, 30, 100].map((x) => ({ label: `beta=${x}`, color: 'teal', x, value: 0.3 }));
    const html = await renderFinalMetricFigure({
      sweeps: [{ name: 'kl-first', runs }, { name: 'kl-second', runs: second }],
      xTitle: 'beta',
      yTitle: 'Final raw reward',
      idPrefix: 'fig-5',
    });
    expect(html).toContain('>kl-first</text>');
    expect(html).toContain('>kl-second</text>');
    expect(linePaths(html)).toHaveLength(2);
  });
});

describe('the figure cache', () => {
  it('draws a spec it kept the same as vega does, and a changed spec anew', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'sweepbook-figures-'));
    try {
      const fresh = await renderLineFigure({ series: sweep, metric: 'kl', idPrefix: 'fig-1' });
      expect(await renderLineFigure({ series: sweep, metric: 'kl', idPrefix: 'fig-1', cacheDir })).toBe(fresh);
      expect(readdirSync(cacheDir)).toHaveLength(2); // the wide and the narrow drawing
      // Drawn from the cache now: the same markup, with this call's ids.
      expect(await renderLineFigure({ series: sweep, metric: 'kl', idPrefix: 'fig-1', cacheDir })).toBe(fresh);
      expect(await renderLineFigure({ series: sweep, metric: 'kl', idPrefix: 'fig-2', cacheDir })).toBe(
        await renderLineFigure({ series: sweep, metric: 'kl', idPrefix: 'fig-2' }),
      );
      expect(readdirSync(cacheDir)).toHaveLength(2);

      // One value changed: a new drawing, not the kept one.
      const changed = sweep.map((s, k) => (k === 0 ? { ...s, logged: { steps: s.logged.steps, values: s.logged.values.map((value, i) => (i === 10 ? 5 : value)) } } : s));
      const redrawn = await renderLineFigure({ series: changed, metric: 'kl', idPrefix: 'fig-1', cacheDir });
      expect(redrawn).not.toBe(fresh);
      expect(redrawn).toBe(await renderLineFigure({ series: changed, metric: 'kl', idPrefix: 'fig-1' }));
      expect(readdirSync(cacheDir)).toHaveLength(4);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  it('draws anew a kept drawing this build cannot verify (a poisoned cache on shared storage), and keeps the new one', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'sweepbook-figures-'));
    try {
      const fresh = await renderLineFigure({ series: sweep, metric: 'kl', idPrefix: 'fig-1', cacheDir });
      // Another user of the cache puts a script into every kept drawing, as valid JSON of the same shape.
      for (const name of readdirSync(cacheDir)) {
        const file = join(cacheDir, name);
        writeFileSync(file, readFileSync(file, 'utf8').replace('</svg>', '<script>alert(1)</script></svg>'));
      }
      const drawn = await renderLineFigure({ series: sweep, metric: 'kl', idPrefix: 'fig-1', cacheDir });
      expect(drawn).not.toContain('<script');
      expect(drawn).toBe(fresh);
      for (const name of readdirSync(cacheDir)) expect(readFileSync(join(cacheDir, name), 'utf8')).not.toContain('<script');
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});

describe('line paths', () => {
  it('drop the points a line passes within a third of a pixel of, and keep the rest and the ends', () => {
    // a straight run of points, a 2 px spike, a 0.2 px wiggle; in tenths of a pixel
    const points = [0, 0, 10, 10, 20, 20, 30, 50, 40, 40, 50, 52, 60, 60];
    expect(simplify(points, 3.5)).toEqual([0, 0, 20, 20, 30, 50, 40, 40, 60, 60]);
    expect(simplify(points, 0)).toEqual(points);
    expect(relativePath('M0,0L1,1L2,2L3,5L4,4L5,5.2L6,6')).toBe('M0,0l2,2l1,3l1,-1l2,2'.replace(',-', '-'));
  });

  it('keep gaps (a move starts a new piece) and closed outlines', () => {
    expect(relativePath('M0,0L1,1L2,2M5,5L6,6')).toBe('M0,0l2,2m3,3l1,1');
    expect(relativePath('M0,0L1,0L2,0L2,1L0,1Z')).toBe('M0,0l2,0l0,1l-2,0z');
  });
});

describe('hover data columns', () => {
  it('read back each value to a thousandth of the y axis or finer, gaps included', () => {
    const values = [0.1234, 0.1301, null, 0.0999, -0.25, 1.75];
    const exponent = exponentFor(-0.25, 1.75); // a span of 2: steps of 0.001
    expect(exponent).toBe(-3);
    const column = encodeColumn(values, exponent);
    expect(column).toEqual([123, 7, null, -30, -350, 2000]);
    expect(decodeColumn(column, exponent)).toEqual([0.123, 0.13, null, 0.1, -0.25, 1.75]);
    expect(decodeColumn(encodeColumn([1797, 2001, 12], 0), 0)).toEqual([1797, 2001, 12]);
    expect(decodeColumn(encodeColumn([120_000, 123_456], exponentFor(0, 200_000)), exponentFor(0, 200_000))).toEqual([120_000, 123_500]);
  });

  it('carry the unsmoothed means and seed ranges a figure draws', async () => {
    const seeds = [0, 1, 2].map((seed) => seriesFrom(Array.from({ length: 50 }, (_, step) => ({ step, value: step / 10 + seed }))));
    const seeded = [{ label: 'a', color: 'red', logged: seeds[0], seeds }];
    const { data } = await withData(renderLineFigure, { series: seeded, metric: 'kl', idPrefix: 'fig-1' });
    expect(decodeColumn(data.steps, 0)).toEqual(Array.from({ length: 50 }, (_, step) => step));
    const [raw, low, high] = ['raw', 'low', 'high'].map((key) => decodeColumn(data.series[0][key], data.exponent));
    expect(raw[10]).toBeCloseTo(2, 2);
    expect(low[10]).toBeCloseTo(1, 2);
    expect(high[10]).toBeCloseTo(3, 2);
  });
});
