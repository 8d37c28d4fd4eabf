// ::scatter in Chromium: a sweep of two seeds built as a site, its paths and
// end points drawn in each value's color, hover (and a tap on a phone) naming
// an end point's x and y, and no console errors or axe-core violations in
// either color scheme.
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { axeViolations, pageErrors, servedFixtureSite } from '../fixtures/served-site';
import { FIXTURE_SWEEP, writeFixtureContent, writeFixtureRun } from '../fixtures/site-fixture';

const REPORT = `---
title: Frontier
date: 2024-11-01
description: Reward against KL.
---

The frontier (:ref{#fig-frontier}).

::scatter{#fig-frontier sweeps="${FIXTURE_SWEEP}" x="kl" y="raw_reward" caption="Reward against KL"}
`;

const site = servedFixtureSite(
  'scatter',
  ({ runsDir, contentDir }) => {
    for (const seed of [1, 2]) for (const index of [0, 1, 2]) writeFixtureRun(runsDir, index, { seed });
    writeFixtureContent(contentDir, REPORT, [1, 2]);
  },
  { timeout: 120_000 },
);

/** Where the shown drawing's first end point (beta=0's) is on the screen. */
async function firstEnd(page: Page): Promise<{ x: number; y: number }> {
  const svg = page.locator('figure.scatter-figure svg.marks:visible');
  await svg.scrollIntoViewIfNeeded();
  return svg.evaluate((element) => {
    const point = element.querySelector('.ends_marks circle')!.getBoundingClientRect();
    return { x: point.x + point.width / 2, y: point.y + point.height / 2 };
  });
}

describe('a report with ::scatter', () => {
  test('draws a faint path per seed and a point per value; hover names the point with its x and y; no errors or axe violations', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await site.browser.newPage({ colorScheme, viewport: { width: 1280, height: 900 } });
      const errors = pageErrors(page);
      expect((await page.goto(`${site.url}/reports/fixture-report/`))?.status()).toBe(200);
      const wide = 'figure.scatter-figure svg.chart-wide';
      expect(await page.$$eval(`${wide} g.paths_marks path`, (paths) => paths.map((p) => p.getAttribute('stroke')))).toEqual(['red', 'red', 'green', 'green', 'blue', 'blue']);
      expect(await page.$$eval(`${wide} g.ends_marks circle`, (circles) => circles.map((c) => c.getAttribute('fill')))).toEqual(['red', 'green', 'blue']);
      expect(await page.locator('figure.scatter-figure .figure-number').textContent()).toBe('Figure 1:');
      expect(await page.locator('a[href="#fig-frontier"]').textContent()).toBe('Figure 1');

      const end = await firstEnd(page);
      await page.mouse.move(end.x, end.y);
      const tip = page.locator('.chart-tip');
      await tip.waitFor();
      // the value, then each metric's mean over the seeds with their range
      expect(await tip.textContent()).toMatch(/^beta=0KL[\d.]+ \([\d.]+–[\d.]+\)Raw reward[\d.]+ \([\d.]+–[\d.]+\)$/);
      await page.mouse.move(0, 0);

      expect(errors).toEqual([]);
      expect.soft(await axeViolations(page), colorScheme).toEqual([]);
      await page.close();
    }
  });

  test('on a phone: the narrow drawing, and a tap on a point shows its values', async () => {
    const context = await site.browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const errors = pageErrors(page);
    await page.goto(`${site.url}/reports/fixture-report/`);
    expect(await page.locator('figure.scatter-figure svg.marks:visible').getAttribute('class')).toContain('chart-narrow');
    const end = await firstEnd(page);
    await page.touchscreen.tap(end.x, end.y);
    await page.locator('.chart-tip').waitFor();
    expect(await page.locator('.chart-tip').textContent()).toMatch(/^beta=0KL/);
    expect(errors).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});
