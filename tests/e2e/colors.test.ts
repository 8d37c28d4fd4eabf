// Issue 26 in Chromium, from what the page draws. Item 1: in both themes
// every line of a 6-value figure (the KL report's first sweep's colors,
// orange and yellow among them) has 3:1 against the page, every pair of
// lines is CIEDE2000 MIN_DISTANCE apart (MIN_CVD_DISTANCE with simulated
// protanopia, deuteranopia, tritanopia), and each value has one color on the
// page: line, legend, ::final point, runs-table and generations swatches.
// Item 2, the bands' rule: where all of a figure's bands overlap the page
// still shows through at least 1 - MAX_BAND_COVER (60%), yet each band alone
// stays visible (ΔE00 2 or more from the page); soloing a value draws its
// band at 0.2.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { MAX_BAND_COVER } from '../../src/charts/band';
import { contrast, parseHex } from '../../src/charts/contrast';
import { ciede2000, MIN_CVD_DISTANCE, MIN_DISTANCE, seen, VISIONS } from '../../src/charts/palette';
import { sweepUnits } from '../../src/runner/plan';
import { RunWriter, type Sweep } from '../../src/runs';
import { pageErrors, servedFixtureSite } from '../fixtures/served-site';

const COLORS = ['red', 'orange', 'yellow', 'green', 'blue', 'violet'];
const BETAS = [0, 0.01, 0.1, 1, 10, 100];
const SEEDS = [0, 1, 2, 3];
const SWEEP: Sweep = {
  id: 'colors',
  file: 'colors.yaml',
  title: 'Six values',
  vary: 'beta',
  search: 'values',
  varied: ['beta'],
  runs: 'trained',
  seeds: SEEDS,
  config: {},
  values: BETAS.map((value, i) => ({ value, params: { beta: value }, label: `beta=${value}`, color: COLORS[i] })),
};
const REPORT = `---
title: Colors
date: 2024-11-01
description: Six values, four seeds.
---

::figure{sweep="colors" metric="raw_reward"}

::final{sweeps="colors" metric="raw_reward"}

::runs{sweep="colors"}

::generations{sweep="colors" last=1}
`;

const site = servedFixtureSite(
  'colors',
  ({ runsDir, contentDir }) => {
    mkdirSync(join(contentDir, 'sweeps'), { recursive: true });
    mkdirSync(join(contentDir, 'reports'), { recursive: true });
    writeFileSync(join(contentDir, 'sweeps', 'colors.yaml'), `title: Six values\nvary: beta\nseeds: [${SEEDS.join(', ')}]\nvalues:\n${SWEEP.values.map((v) => `  - { value: ${v.value}, label: "${v.label}", color: ${v.color} }`).join('\n')}\n`);
    writeFileSync(join(contentDir, 'reports', 'colors.md'), REPORT);
    const steps = 60;
    for (const unit of sweepUnits(SWEEP, false)) {
      const index = BETAS.indexOf(unit.params.beta as number);
      const writer = RunWriter.create(runsDir, { sweep: 'colors', params: unit.params, label: unit.label, color: unit.color, seed: unit.seed, config: unit.config, totalSteps: steps, generationsCapacity: 5 });
      for (let step = 1; step <= steps; step++) {
        // overlapping rises; beta=0.01's seeds spread over most of the plot, as in the KL report
        const spread = index === 1 ? 0.6 * unit.seed : 0.05 * unit.seed;
        writer.logMetrics(step, { raw_reward: (step / steps) * (1 + spread) / (1 + 0.2 * index), kl: step / (1 + index) });
      }
      writer.logGeneration(steps, `Once upon a time ${unit.label} seed ${unit.seed}.`);
      writer.finish('completed');
    }
  },
  { timeout: 120_000 },
);

const hex = ([r, g, b]: number[]) => `#${[r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('')}`;

describe('colors and bands as drawn', () => {
  test('item 1: every line 3:1 on the page and every pair told apart, with and without a color-vision deficiency; one color per value on the page', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await site.browser.newPage({ colorScheme, viewport: { width: 1280, height: 900 } });
      const errors = pageErrors(page);
      expect((await page.goto(`${site.url}/reports/colors/`))?.status()).toBe(200);
      const drawn = await page.evaluate(() => {
        const canvas = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
        const rgb = (color: string) => {
          canvas.clearRect(0, 0, 1, 1);
          canvas.fillStyle = color;
          canvas.fillRect(0, 0, 1, 1);
          return [...canvas.getImageData(0, 0, 1, 1).data.slice(0, 3)];
        };
        const svg = document.querySelector('figure.metric-figure svg.chart-wide')!;
        const lines = [...svg.querySelectorAll<SVGPathElement>('.mean_pathgroup .mark-line path')].map((p) => rgb(getComputedStyle(p).stroke));
        const legend = [...svg.querySelectorAll<SVGPathElement>('.role-legend-symbol path')].map((p) => rgb(getComputedStyle(p).stroke));
        const points = [...document.querySelectorAll<SVGElement>('figure.final-figure svg.chart-wide g.ends_marks circle')].map((p) => rgb(getComputedStyle(p).fill));
        const swatches = (selector: string) => [...document.querySelectorAll<HTMLElement>(selector)].map((s) => rgb(getComputedStyle(s).backgroundColor));
        return { page: rgb(getComputedStyle(document.body).backgroundColor), lines, legend, points, table: swatches('.runs-table td.color .swatch'), valueCells: swatches('.runs-table td.value .swatch'), generations: swatches('.generations-label .swatch') };
      });
      const lines = drawn.lines.map(hex);
      expect(lines).toHaveLength(6);
      const pageRgb = parseHex(hex(drawn.page));
      for (const line of lines) expect(contrast(parseHex(line), pageRgb), `${line} on the ${colorScheme} page`).toBeGreaterThanOrEqual(3);
      const labs = lines.map((line) => seen(parseHex(line)));
      for (let i = 0; i < lines.length; i++)
        for (let j = 0; j < i; j++)
          VISIONS.forEach((vision, v) => {
            const floor = v === 0 ? MIN_DISTANCE : MIN_CVD_DISTANCE;
            expect(ciede2000(labs[i][v], labs[j][v]), `${COLORS[j]} and ${COLORS[i]}, ${vision}, ${colorScheme}`).toBeGreaterThanOrEqual(floor);
          });
      // one color per value: legend, ::final points, runs table and generations swatches as the lines
      expect(drawn.legend.map(hex), 'legend').toEqual(lines);
      expect(drawn.points.map(hex), '::final points').toEqual(lines);
      expect(drawn.table.map(hex), 'runs table').toEqual(lines);
      expect(drawn.valueCells.map(hex), 'runs table value cells (the swatch phones show)').toEqual(lines);
      expect(drawn.generations.map(hex), 'generations').toEqual(lines);
      expect(errors).toEqual([]);
      await page.close();
    }
  }, 120_000);

  test('item 2: all bands together cover at most 40% of the page, each alone stays visible, and a soloed value\'s band is drawn at 0.2', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await site.browser.newPage({ colorScheme, viewport: { width: 1280, height: 900 } });
      expect((await page.goto(`${site.url}/reports/colors/`))?.status()).toBe(200);
      const bands = () =>
        page.evaluate(() => {
          const canvas = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
          const rgb = (color: string) => {
            canvas.clearRect(0, 0, 1, 1);
            canvas.fillStyle = color;
            canvas.fillRect(0, 0, 1, 1);
            return [...canvas.getImageData(0, 0, 1, 1).data.slice(0, 3)];
          };
          const svg = document.querySelector('figure.metric-figure svg.chart-wide')!;
          const paths = [...svg.querySelectorAll<SVGPathElement>('.mark-area path, .chart-client path[fill]:not([fill="none"])')].filter((p) => getComputedStyle(p).display !== 'none' && getComputedStyle(p.parentElement!).display !== 'none');
          return {
            page: rgb(getComputedStyle(document.body).backgroundColor),
            bands: paths.map((p) => ({ fill: rgb(getComputedStyle(p).fill), alpha: Number(getComputedStyle(p).opacity) * Number(getComputedStyle(p).fillOpacity) })),
          };
        });
      const before = await bands();
      expect(before.bands).toHaveLength(6);
      const through = before.bands.reduce((left, band) => left * (1 - band.alpha), 1);
      expect(through, `the page through all six bands, ${colorScheme}`).toBeGreaterThanOrEqual(1 - MAX_BAND_COVER - 1e-4); // vega rounds opacities
      const pageLab = seen(parseHex(hex(before.page)))[0];
      for (const { fill, alpha } of before.bands) {
        const over = fill.map((c, i) => Math.round(alpha * c + (1 - alpha) * before.page[i]));
        expect(ciede2000(seen(parseHex(hex(over)))[0], pageLab), `band ${hex(fill)} alone, ${colorScheme}`).toBeGreaterThanOrEqual(2);
      }
      // the reader asks for one value's spread: double-click its legend entry
      const box = (await page.locator('figure.metric-figure svg.chart-wide .role-legend-entry .role-scope > g').nth(1).boundingBox())!;
      await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
      await page.waitForFunction(() => document.querySelectorAll('figure.metric-figure svg.chart-wide .chart-client path[stroke-width="2"]').length === 1);
      const solo = await bands();
      expect(solo.bands).toHaveLength(1);
      expect(solo.bands[0].alpha).toBeCloseTo(0.2, 5);
      await page.close();
    }
  }, 120_000);
});
