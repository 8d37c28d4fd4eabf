// The built site in Chromium: every page loads without console errors, its
// links and footnote anchors resolve, each figure draws one line per run, it
// has no axe-core (WCAG 2 A/AA) violations in light or dark mode, and a
// generation holding a <script> tag shows as text.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { resolveInSite } from '../../src/site/static-server';
import { axeViolations, pageErrors, servedFixtureSite } from '../fixtures/served-site';
import { SCRIPT_GENERATION, writeFixtureContent, writeFixtureRun, writeFixtureRuns } from '../fixtures/site-fixture';

const RUN_COLORS = ['blue', 'green', 'red'];

const site = servedFixtureSite('site', ({ runsDir, contentDir }) => {
  writeFixtureRuns(runsDir);
  // Runs the sweep page lists without drawing them: they add no line to any figure.
  writeFixtureRun(runsDir, 1, { steps: 10, status: 'interrupted' });
  writeFixtureRun(runsDir, 2, { quick: true });
  writeFixtureContent(contentDir);
});

function htmlPages(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('index.html'))
    .map((file) => `/${relative(dir, join(dir, file)).replace(/index\.html$/, '')}`)
    .sort();
}

/** Opens a page, failing on any console error or uncaught exception. */
async function open(path: string, colorScheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; errors: string[] }> {
  const page = await site.browser.newPage({ colorScheme });
  const errors = pageErrors(page);
  page.on('dialog', (dialog) => {
    errors.push(`dialog opened: ${dialog.message()}`);
    void dialog.dismiss();
  });
  const response = await page.goto(site.url + path);
  expect(response?.status(), path).toBe(200);
  return { page, errors };
}

describe('the built fixture site', () => {
  test('has the pages a reader expects', () => {
    const pages = htmlPages(site.outDir);
    expect(pages).toContain('/');
    expect(pages).toContain('/reports/fixture-report/');
    expect(pages).toContain('/sweeps/fixture-sweep/');
    // Every run has its page, drawn or only listed.
    expect(pages.filter((page) => page.startsWith('/runs/'))).toHaveLength(5);
  });

  test('every page: no console errors, links and anchors resolve, one line per run, no axe violations', async () => {
    for (const path of htmlPages(site.outDir)) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const { page, errors } = await open(path, colorScheme);

        // Links inside the site point at files that exist, and anchors at ids that exist.
        const links = await page.$$eval('a[href]', (anchors) => anchors.map((a) => (a as HTMLAnchorElement).href));
        for (const href of links) {
          const url = new URL(href);
          if (url.origin !== site.url) continue;
          expect(resolveInSite(site.outDir, url.pathname), `${path} links to ${href}`).toBeDefined();
          if (url.hash && url.pathname === new URL(page.url()).pathname) {
            const id = decodeURIComponent(url.hash.slice(1));
            expect(await page.locator(`[id="${id}"]`).count(), `${path} anchor ${url.hash}`).toBe(1);
          }
        }

        const ids = await page.$$eval('[id]', (nodes) => nodes.map((node) => node.id));
        expect(ids.filter((id, index) => ids.indexOf(id) !== index), `${path} duplicate ids`).toEqual([]);

        // Each figure is an SVG drawing a line in each run's color.
        const figures = await page.$$eval('figure.metric-figure', (nodes) =>
          nodes.map((figure) => ({
            svgs: figure.querySelectorAll('svg').length,
            strokes: [...new Set([...figure.querySelectorAll('g.mark-line path')].map((path) => path.getAttribute('stroke')))].sort(),
          })),
        );
        const expectedColors = path.startsWith('/runs/') ? 1 : RUN_COLORS.length;
        for (const figure of figures) {
          expect(figure.svgs, path).toBe(2); // wide and narrow (phones)
          expect(figure.strokes, path).toHaveLength(expectedColors);
          if (expectedColors > 1) expect(figure.strokes).toEqual(RUN_COLORS);
        }
        if (path === '/reports/fixture-report/' || path.startsWith('/sweeps/')) expect(figures.length).toBeGreaterThanOrEqual(2);

        expect.soft(await axeViolations(page), `${path} (${colorScheme})`).toEqual([]);
        expect(errors, `${path} (${colorScheme})`).toEqual([]);
        await page.close();
      }
    }
  }, 180_000);

  test('footnotes link to their notes and back, numbered together', async () => {
    const { page } = await open('/reports/fixture-report/');
    const refs = await page.$$eval('a[data-footnote-ref]', (anchors) => anchors.map((a) => ({ text: a.textContent, href: a.getAttribute('href'), id: a.id })));
    expect(refs.map((ref) => ref.text)).toEqual(['1', '2']);
    for (const ref of refs) {
      await page.click(`a[href="${ref.href}"]`);
      const note = page.locator(`[id="${ref.href!.slice(1)}"]`);
      await expect(note.isVisible()).resolves.toBe(true);
      const back = note.locator('a[data-footnote-backref]');
      expect(await back.getAttribute('href')).toBe(`#${ref.id}`);
    }
    const notes = await page.locator('.footnotes li').allTextContents();
    expect(notes[1]).toMatch(/reservoir sample.*kept 5 of the 40/s);
    await page.close();
  });

  test('a generation holding a <script> tag shows as text and does not run', async () => {
    for (const path of ['/reports/fixture-report/', ...htmlPages(site.outDir).filter((p) => p.startsWith('/runs/'))]) {
      const { page, errors } = await open(path);
      const texts = await page.locator('.generation-text').allTextContents();
      if (path.startsWith('/reports/') || texts.some((text) => text.includes('<script>'))) {
        expect(texts, path).toContain(SCRIPT_GENERATION);
      }
      expect(await page.locator('.generations script').count()).toBe(0);
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  test('hovering a figure shows each run\'s value at that step', async () => {
    const { page, errors } = await open('/reports/fixture-report/');
    const svg = page.locator('figure.metric-figure svg').first();
    const box = (await svg.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tip = page.locator('.chart-tip');
    await tip.waitFor();
    expect(await tip.textContent()).toMatch(/Step.*beta=0.*beta=1.*beta=10/s);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('directive-like text that is not a sweepbook directive stays as written', async () => {
    const { page } = await open('/reports/fixture-report/');
    const text = await page.locator('article').textContent();
    expect(text).toContain('It is 10:30, a ratio of 3:1, and :smile: stays text');
    expect(text).toContain('::foo{bar=1}');
    await page.close();
  });
});
