// Figures as a reader meets them (issue 12), in Chromium: legible text on a
// 390 px phone, lines that stand out from the page in light and dark, named
// axes with whole steps and no KL below zero, hover and tap on line and
// ::final figures, numbered figures and cross-references, downloads, and the
// reader's controls (legend hide/solo, smoothing, log scale), also by touch.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { compile } from 'vega-lite';
import { describe, expect, test } from 'vitest';
import { axeViolations, pageErrors, servedFixtureSite } from '../fixtures/served-site';
import { FIXTURE_SWEEP, SWEEP_YAML, writeFixtureContent, writeFixtureRun } from '../fixtures/site-fixture';

const PAGE = '/reports/fixture-report/';
// Six logged steps, as a --quick run logs: steps must not get ticks at 1.5.
const STEPS = 6;
const REPORT = `---
title: Fixture report
date: 2024-11-01
description: Figures as readers meet them.
---

The reward rises (:ref{#fig-reward}) while the KL grows (:ref[the KL figure]{#fig-kl}); :ref{#fig-end} shows where runs end.

::figure{#fig-reward sweep="${FIXTURE_SWEEP}" metric="raw_reward" caption="Reward against steps" smooth=0.6}

::figure{#fig-kl sweep="${FIXTURE_SWEEP}" metric="kl"}

::final{#fig-end sweeps="${FIXTURE_SWEEP}" metric="repetition"}
`;

// beta=1 drawn in yellow, which has 1.1:1 contrast on the light page; rewards above zero (a log scale can show them);
// the KL estimate of beta=10 dips below zero.
const site = servedFixtureSite(
  'figures',
  ({ runsDir, contentDir }) => {
    for (const index of [0, 1, 2]) writeFixtureRun(runsDir, index, { steps: STEPS, rewardShift: 1, klShift: index === 2 ? -0.5 : 0 });
    writeFixtureContent(contentDir, REPORT);
    writeFileSync(join(contentDir, 'sweeps', `${FIXTURE_SWEEP}.yaml`), SWEEP_YAML.replace('color: green', 'color: yellow'));
  },
  { timeout: 120_000 },
);

const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 900 } };

/** Opens the report, failing the test on any console error. */
async function open(options: BrowserContextOptions): Promise<{ page: Page; errors: string[] }> {
  const context = await site.browser.newContext(options);
  const page = await context.newPage();
  const errors = pageErrors(page);
  expect((await page.goto(site.url + PAGE))?.status()).toBe(200);
  return { page, errors };
}

/** The drawing of the nth figure that the screen shows (wide or narrow). */
function shownSvg(page: Page, figure: number) {
  return page.locator('figure').nth(figure).locator('svg.marks:visible');
}

describe('figures at phone width, in dark mode and by touch', () => {
  test('every figure text is at least 11 CSS px at 390 px (and at 1280 px), without sideways scrolling', async () => {
    for (const options of [PHONE, DESKTOP]) {
      const { page, errors } = await open(options);
      const sizes = await page.$$eval('figure svg.marks', (svgs) =>
        svgs
          .filter((svg) => svg.getBoundingClientRect().width > 0)
          .flatMap((svg) => {
            const scale = svg.getBoundingClientRect().width / (svg as SVGSVGElement).viewBox.baseVal.width;
            return [...svg.querySelectorAll('text')].map((text) => ({ text: text.textContent, px: parseFloat(getComputedStyle(text).fontSize) * scale }));
          }),
      );
      expect(sizes.length).toBeGreaterThan(20);
      const small = sizes.filter((size) => size.px < 11);
      expect(small, `text under 11 px at ${options.viewport!.width} px`).toEqual([]);
      // one drawing shown per figure: the narrow one on the phone
      expect(await page.locator('figure svg.marks:visible').count()).toBe(3);
      expect(await page.locator(`figure svg.chart-${options === PHONE ? 'narrow' : 'wide'}:visible`).count()).toBe(3);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(options.viewport!.width);
      expect(errors).toEqual([]);
      await page.context().close();
    }
  });

  test('every line has at least 3:1 contrast with the page, light and dark, each run in its own color', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const options of [DESKTOP, PHONE]) {
        const { page } = await open({ ...options, colorScheme });
        const ratios = await page.evaluate(() => {
          const rgb = (color: string) => {
            const canvas = document.createElement('canvas').getContext('2d')!;
            canvas.fillStyle = color;
            canvas.fillRect(0, 0, 1, 1);
            return [...canvas.getImageData(0, 0, 1, 1).data.slice(0, 3)].map((c) => c / 255);
          };
          const luminance = (color: string) => {
            const [r, g, b] = rgb(color).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
            return 0.2126 * r + 0.7152 * g + 0.0722 * b;
          };
          const page = luminance(getComputedStyle(document.body).backgroundColor);
          // the lines of the drawings the screen shows: a narrow one shows the wide one's lines through <use>
          const shown = [...document.querySelectorAll<SVGSVGElement>('figure.metric-figure svg.marks')].filter((svg) => svg.getBoundingClientRect().width > 0);
          const drawn = shown.flatMap((svg) => [svg, ...[...svg.querySelectorAll('use')].map((use) => document.querySelector(use.getAttribute('href')!)!)]);
          const lines = drawn.flatMap((root) => [...root.querySelectorAll<SVGPathElement>('.mark-line path')]).filter((path) => getComputedStyle(path).opacity === '1');
          return lines.map((path) => {
            const line = luminance(getComputedStyle(path).stroke);
            return { stroke: getComputedStyle(path).stroke, ratio: (Math.max(line, page) + 0.05) / (Math.min(line, page) + 0.05) };
          });
        });
        expect(ratios.length).toBeGreaterThanOrEqual(6);
        for (const { stroke, ratio } of ratios) expect(ratio, `${stroke} on the ${colorScheme} page`).toBeGreaterThanOrEqual(3);
        // three values, three colors: yellow, darkened on the light page, moves from red's (palette.ts; tests/e2e/colors.test.ts)
        expect(new Set(ratios.map((r) => r.stroke)).size).toBe(3);
        await page.context().close();
      }
    }
  });

  test('axes: metric names with units, whole steps, KL not below zero, every ::final label', async () => {
    for (const options of [DESKTOP, PHONE]) {
      const { page } = await open(options);
      const texts = async (figure: number) => shownSvg(page, figure).locator('text').allTextContents();
      expect(await texts(0)).toContain('Raw reward (alliteration)');
      const kl = await texts(1);
      expect(kl).toContain('KL (nats)');
      expect(kl).toContain('Step');
      const numbers = kl.filter((t) => /^-?[\d.]+$/.test(t)).map(Number);
      expect(numbers.filter((n) => n < 0)).toEqual([]);
      // the x labels (1 to 6) are whole steps
      const xLabels = await shownSvg(page, 1).locator('.role-axis-label text[text-anchor="middle"], .role-axis-label text[text-anchor="end"]').allTextContents();
      expect(xLabels.filter((t) => /^[\d.]+$/.test(t)).every((t) => Number.isInteger(Number(t)))).toBe(true);
      const final = await texts(2);
      expect(final).toContain('Repetition (share of words)');
      for (const label of ['0', '1', '10']) expect(final).toContain(label);
      await page.context().close();
    }
  });

  test('hover on line and ::final figures; tap on a phone shows the values, a tap elsewhere hides them', async () => {
    const { page, errors } = await open(DESKTOP);
    // the values are not in the page: each figure fetches its data on first use
    const fetched: string[] = [];
    page.on('request', (request) => /\/figures\/[0-9a-f]{20}\.json$/.test(request.url()) && fetched.push(request.url()));
    expect(await page.locator('figure script').count()).toBe(0);
    await page.waitForTimeout(300);
    expect(fetched).toEqual([]);
    const tip = page.locator('.chart-tip');
    const line = (await shownSvg(page, 0).boundingBox())!;
    await page.mouse.move(line.x + line.width / 2, line.y + line.height / 2);
    expect(await tip.textContent()).toMatch(/Step.*beta=0.*beta=1.*beta=10/s);
    expect(fetched).toHaveLength(1);
    // ::final: the point under the pointer, named, with its value
    const point = await finalPointAt(page);
    await page.mouse.move(point.x, point.y);
    expect(await tip.textContent()).toMatch(/^beta=\d+\s*[\d.]+$/);
    expect(errors).toEqual([]);
    await page.context().close();

    const phone = await open(PHONE);
    const phoneTip = phone.page.locator('.chart-tip');
    await shownSvg(phone.page, 1).scrollIntoViewIfNeeded();
    const box = (await shownSvg(phone.page, 1).boundingBox())!;
    await phone.page.touchscreen.tap(box.x + box.width * 0.6, box.y + box.height / 2);
    await phoneTip.waitFor();
    expect(await phoneTip.textContent()).toMatch(/Step.*beta=0/s);
    const finalPoint = await finalPointAt(phone.page);
    await phone.page.touchscreen.tap(finalPoint.x, finalPoint.y);
    expect(await phoneTip.textContent()).toMatch(/^beta=\d+/);
    await phone.page.touchscreen.tap(10, 10);
    expect(await phoneTip.count()).toBe(0);
    expect(phone.errors).toEqual([]);
    await phone.page.context().close();
  });

  test('numbered figures, cross-references that link them, and their data and spec to download', async () => {
    const { page } = await open(DESKTOP);
    const captions = await page.locator('figcaption').allTextContents();
    expect(captions.map((c) => c.split(':')[0])).toEqual(['Figure 1', 'Figure 2', 'Figure 3']);
    expect(captions[0]).toBe('Figure 1: Reward against steps. Smoothed with an EMA of weight 0.60; the values as logged are faint.');
    const refs = await page.locator('article p a[href^="#fig-"]').evaluateAll((links) => links.map((a) => [a.textContent, a.getAttribute('href')]));
    expect(refs).toEqual([
      ['Figure 1', '#fig-reward'],
      ['the KL figure', '#fig-kl'],
      ['Figure 3', '#fig-end'],
    ]);
    await page.click('a[href="#fig-end"]');
    expect(new URL(page.url()).hash).toBe('#fig-end');
    expect(await page.locator('#fig-end').evaluate((figure) => figure.tagName)).toBe('FIGURE');

    const downloads = await page.locator('.chart-downloads a').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
    expect(downloads).toHaveLength(6);
    for (const href of downloads) {
      const response = await fetch(href);
      expect(response.status, href).toBe(200);
      const text = await response.text();
      if (href.endsWith('.csv')) expect(text.split('\r\n')[0]).toMatch(/^layer,/);
      else compile(JSON.parse(text)); // a vega-lite spec the Vega editor opens: it compiles
    }
    const csv = readFileSync(join(site.outDir, new URL(downloads[0]).pathname), 'utf8');
    expect(csv.split('\r\n')[0]).toBe('layer,step,value,run');
    expect(csv).toContain('\r\nsmoothed,');
    await page.context().close();
  });

  test('reader controls: legend click hides a run, double-click solos it, smoothing and log scale redraw; by touch too', async () => {
    for (const options of [DESKTOP, PHONE]) {
      const { page, errors } = await open(options);
      const figure = page.locator('figure').nth(0);
      const svg = shownSvg(page, 0);
      const entries = svg.locator('.role-legend-entry .role-scope > g');
      const drawnLines = () => svg.locator('.chart-client path[stroke-width="2"]').count();
      await svg.scrollIntoViewIfNeeded();
      const click = async (index: number, double = false) => {
        // apart from the click before: two quick clicks are a double-click
        await page.waitForTimeout(600);
        const box = (await entries.nth(index).boundingBox())!;
        if (options.hasTouch && !double) await page.touchscreen.tap(box.x + box.width / 2, box.y + box.height / 2);
        else if (double) await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
        else await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      };

      await click(1);
      await expect.poll(drawnLines).toBe(2); // once the figure's data is fetched
      // its mark and label fade (the entry's box stays, for the keyboard's focus ring)
      expect(await entries.nth(1).evaluate((entry) => getComputedStyle(entry.lastElementChild!).opacity)).toBe('0.35');
      await click(1);
      await expect.poll(() => svg.locator('.chart-client').count()).toBe(0); // back to the figure as built
      await click(2, true);
      await expect.poll(drawnLines).toBe(1);
      await click(2, true);
      await expect.poll(() => svg.locator('.chart-client').count()).toBe(0);

      // smoothing: the slider's value redraws the lines
      const slider = figure.locator('.chart-controls input[type="range"]');
      expect(await slider.inputValue()).toBe('0.6');
      await slider.fill('0');
      const firstLine = svg.locator('.chart-client path[stroke-width="2"]').first();
      const raw = await firstLine.getAttribute('d');
      await slider.fill('0.9');
      await expect.poll(() => firstLine.getAttribute('d')).not.toBe(raw);
      expect(await figure.locator('.chart-controls output').textContent()).toBe('0.90');
      await slider.fill('0.6');

      // log scale: its own y labels (rewards 1 to 1.2 here: 1, 1.1, 1.2), in place of vega's
      await figure.locator('.chart-controls input[type="checkbox"]').check();
      await expect.poll(() => svg.locator('.chart-client text').count()).toBeGreaterThanOrEqual(2);
      const labels = (await svg.locator('.chart-client text').allTextContents()).map(Number);
      expect(labels.length).toBeGreaterThanOrEqual(2);
      expect(labels.every((label) => label > 0)).toBe(true);
      expect(await svg.locator('.role-axis-label:visible').count()).toBe(1); // the x labels only
      // hover follows what is drawn
      const box = (await svg.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      expect(await page.locator('.chart-tip').textContent()).toMatch(/beta=10/);
      // KL dips below zero: no log scale offered for it
      expect(await page.locator('figure').nth(1).locator('.chart-controls input[type="checkbox"]').count()).toBe(0);
      expect(errors).toEqual([]);
      await page.context().close();
    }
  });

  test("the caption says how the lines are smoothed and follows the slider; a double-click solo selects no text; the hover tip never covers the legend", async () => {
    const { page, errors } = await open(DESKTOP);
    const figure = page.locator('figure').nth(0);
    const note = figure.locator('figcaption .smoothing-note');
    expect(await note.textContent()).toBe('Smoothed with an EMA of weight 0.60; the values as logged are faint.');
    // a figure drawn as logged says nothing of smoothing until the reader smooths it
    expect(await page.locator('figure').nth(1).locator('figcaption .smoothing-note').count()).toBe(0);
    const slider = figure.locator('.chart-controls input[type="range"]');
    await slider.fill('0');
    await expect.poll(() => note.textContent()).toBe('Not smoothed: the values as logged.');
    await slider.fill('0.9');
    await expect.poll(() => note.textContent()).toBe('Smoothed with an EMA of weight 0.90; the values as logged are faint.');

    const svg = shownSvg(page, 0);
    await svg.scrollIntoViewIfNeeded();
    const entry = svg.locator('.role-legend-entry .role-scope > g').nth(2);
    const entryBox = (await entry.boundingBox())!;
    await page.mouse.dblclick(entryBox.x + entryBox.width / 2, entryBox.y + entryBox.height / 2);
    expect(await page.evaluate(() => window.getSelection()?.toString() ?? '')).toBe('');
    await page.mouse.dblclick(entryBox.x + entryBox.width / 2, entryBox.y + entryBox.height / 2);

    // pointer on the plot, left of the legend, at the legend's height: the tip goes where the legend is not
    const legend = (await svg.locator('.role-legend').boundingBox())!;
    const overlaps = (a: { x: number; y: number; width: number; height: number }, b: typeof a) =>
      a.x < b.x + b.width && a.x + a.width > b.x && a.y < b.y + b.height && a.y + a.height > b.y;
    // (the legend stands 22 px right of the plot: the pointer stays on the plot)
    for (let x = legend.x - 160; x < legend.x - 26; x += 15) {
      await page.mouse.move(x, legend.y + legend.height / 2);
      const tip = page.locator('.chart-tip');
      await expect.poll(() => tip.isVisible()).toBe(true);
      const tipBox = (await tip.boundingBox())!;
      expect(overlaps(tipBox, legend), `tip at pointer x=${x}: ${JSON.stringify(tipBox)} over legend ${JSON.stringify(legend)}`).toBe(false);
    }
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('keyboard: Tab reaches a legend entry named "Hide beta=0", Enter hides the line, Shift+Enter solos; the focus shows; axe clean', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page, errors } = await open({ ...DESKTOP, colorScheme });
      const figure = page.locator('figure').nth(0);
      const svg = shownSvg(page, 0);
      const drawnLines = () => svg.locator('.chart-client path[stroke-width="2"]').count();
      const focusedName = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent ?? '');
      // from the top of the page, past the links before the figure
      for (let i = 0; i < 30 && (await focusedName()) !== 'Hide beta=0'; i++) await page.keyboard.press('Tab');
      expect(await focusedName()).toBe('Hide beta=0');
      // a button in the accessibility tree (not hidden inside an image), with a ring around it
      expect(await figure.getByRole('button', { name: 'Hide beta=0' }).count()).toBe(1);
      const ring = await page.evaluate(() => {
        const box = document.activeElement!.querySelector(':scope > .background')!;
        return { stroke: getComputedStyle(box).stroke, width: getComputedStyle(box).strokeWidth, opacity: getComputedStyle(document.activeElement!).opacity };
      });
      expect(ring.stroke).not.toBe('none');
      expect(ring).toMatchObject({ width: '2px', opacity: '1' });

      await page.keyboard.press('Enter');
      await expect.poll(drawnLines).toBe(2); // once the figure's data is fetched
      expect(await focusedName()).toBe('Show beta=0');
      await page.keyboard.press('Tab');
      expect(await focusedName()).toBe('Hide beta=1');
      await page.keyboard.press('Shift+Enter');
      await expect.poll(drawnLines).toBe(1);
      expect(await figure.getByRole('button', { name: /^Show / }).count()).toBe(2);
      await page.keyboard.press('Shift+Enter'); // again: all shown, the figure as built
      await expect.poll(() => svg.locator('.chart-client').count()).toBe(0);
      const scrolled = await page.evaluate(() => window.scrollY);
      await page.keyboard.press(' ');
      await expect.poll(drawnLines).toBe(2);
      expect(await page.evaluate(() => window.scrollY), 'Space scrolled the page').toBe(scrolled);
      expect(await focusedName()).toBe('Show beta=1');

      expect(await axeViolations(page), colorScheme).toEqual([]);
      expect(errors).toEqual([]);
      await page.context().close();
    }
  });

  // 5 KB was the figures' alone; the runs table's sort and filter (issue 28) came to 0.3 KB over it.
  test("a report's scripts stay within their budget: 5.5 KB gzipped (the figures' and the runs table's)", async () => {
    const { page } = await open(DESKTOP);
    const scripts = await page.locator('script[type="module"][src]').evaluateAll((nodes) => nodes.map((node) => (node as HTMLScriptElement).src));
    expect(scripts.length).toBeGreaterThan(0);
    let gzipped = 0;
    for (const src of scripts) gzipped += gzipSync(Buffer.from(await (await fetch(src)).arrayBuffer()), { level: 9 }).length;
    expect(gzipped).toBeLessThanOrEqual(5_500);
    await page.context().close();
  });

  test('no axe violations with the controls in place, light and dark, desktop and phone', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const options of [DESKTOP, PHONE]) {
        const { page } = await open({ ...options, colorScheme });
        expect(await axeViolations(page), `${colorScheme} ${options.viewport!.width}`).toEqual([]);
        await page.context().close();
      }
    }
  });
});

/** Where the ::final figure's first point is on the screen. */
async function finalPointAt(page: Page): Promise<{ x: number; y: number }> {
  const svg = shownSvg(page, 2);
  await svg.scrollIntoViewIfNeeded();
  return svg.evaluate((element) => {
    const point = element.querySelector('.ends_marks circle')!.getBoundingClientRect();
    return { x: point.x + point.width / 2, y: point.y + point.height / 2 };
  });
}
