// A sweep with four seeds, built and opened in Chromium: bands in each
// value's color, hover with mean and range, error bars, inline values, and no
// console errors or axe-core violations; the sweep page's runs table, each
// metric a mean and range, fits a 1,100 px window and scrolls in its own box
// on a phone.
import { describe, expect, test } from 'vitest';
import { axeViolations, pageErrors, servedFixtureSite } from '../fixtures/served-site';
import { FIXTURE_SWEEP, writeFixtureContent, writeFixtureRun } from '../fixtures/site-fixture';

const REPORT = `---
title: Seeded report
date: 2024-11-01
description: A sweep with three seeds.
---

At beta=1 the reward ended at :value{sweep="${FIXTURE_SWEEP}" at="beta=1" metric="raw_reward"}.

::figure{sweep="${FIXTURE_SWEEP}" metric="raw_reward" smooth=0.6}

::final{sweeps="${FIXTURE_SWEEP}" metric="raw_reward"}

::runs{sweep="${FIXTURE_SWEEP}"}

::generations{sweep="${FIXTURE_SWEEP}"}
`;

const SEEDS = [1, 2, 3, 4];
const site = servedFixtureSite('seeds', ({ runsDir, contentDir }) => {
  // numbers as wide as real runs' in the runs table: 1,300-odd rewards, KL in the hundreds, five metrics
  for (const seed of SEEDS) for (const index of [0, 1, 2]) writeFixtureRun(runsDir, index, { seed, rewardShift: 1300, klShift: 400, diversity: true });
  writeFixtureContent(contentDir, REPORT, SEEDS);
});

describe('a report of a sweep with four seeds', () => {
  test('bands in each value\'s color, hover with mean and range, error bars, an inline value; no errors or axe violations', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await site.browser.newPage({ colorScheme });
      const errors = pageErrors(page);
      const response = await page.goto(`${site.url}/reports/fixture-report/`);
      expect(response?.status()).toBe(200);

      // in the drawing the screen shows (each figure has a wide and a narrow one)
      const bands = await page.$$eval('figure.metric-figure svg.chart-wide g.mark-area path', (paths) => paths.map((path) => path.getAttribute('fill')));
      expect(bands).toEqual(['red', 'green', 'blue']);
      const bars = await page.$$eval('figure.final-figure svg.chart-wide g.mark-rule.role-mark line', (lines) => lines.map((line) => line.getAttribute('stroke')));
      expect(bars).toEqual(['red', 'green', 'blue']);

      const svg = page.locator('figure.metric-figure svg').first();
      const box = (await svg.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      const tip = page.locator('.chart-tip');
      await tip.waitFor();
      // each value: its mean, then its seeds' range in brackets
      expect(await tip.textContent()).toMatch(/Step.*beta=0-?[\d.]+ \(-?[\d.]+–-?[\d.]+\)beta=1-?[\d.]+ \(-?[\d.]+–-?[\d.]+\)beta=10/s);
      await page.mouse.move(0, 0);

      expect(await page.locator('.inline-value').textContent()).toMatch(/^[\d.]+ \([\d.]+–[\d.]+\)$/);
      expect(await page.locator('.generation-meta').count()).toBe(12);

      expect.soft(await axeViolations(page), colorScheme).toEqual([]);
      expect(errors, colorScheme).toEqual([]);
      await page.close();
    }
  }, 120_000);

  test('the sweep page\'s runs table fits a 1,100 px window; on a 390 px phone it scrolls in its own box, the page does not', async () => {
    for (const width of [1100, 390]) {
      const page = await site.browser.newPage({ viewport: { width, height: 900 } });
      expect((await page.goto(`${site.url}/sweeps/${FIXTURE_SWEEP}/`))?.status()).toBe(200);
      const box = page.locator('.table-scroll').first();
      const table = box.locator('table.seeded-runs');
      expect(await table.locator('thead th').count()).toBe(5 + 5); // runs, beta, color, status, steps, five metrics
      const { clientWidth, scrollWidth } = await box.evaluate((element) => ({ clientWidth: element.clientWidth, scrollWidth: element.scrollWidth }));
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `page at ${width} px`).toBeLessThanOrEqual(width);
      const last = table.locator('thead th').last();
      if (width === 1100) {
        expect(scrollWidth, 'the table is wider than its box').toBeLessThanOrEqual(clientWidth);
        expect((await last.boundingBox())!.x + (await last.boundingBox())!.width).toBeLessThanOrEqual(width);
      } else {
        // the last column is there, a swipe away inside the table's box
        await box.evaluate((element) => (element.scrollLeft = element.scrollWidth));
        const head = (await last.boundingBox())!;
        expect(head.x + head.width).toBeLessThanOrEqual(width);
        expect(head.x).toBeGreaterThanOrEqual(0);
      }
      await page.close();
    }
  });

  test('the sweep page names metrics as readers know them, in table heads and captions, with the name directives take; axe clean', async () => {
    const page = await site.browser.newPage();
    await page.goto(`${site.url}/sweeps/${FIXTURE_SWEEP}/`);
    const head = page.locator('table.seeded-runs thead th').nth(5);
    expect(await head.textContent()).toBe('Raw reward (alliteration) raw_reward');
    expect(await head.locator('code').textContent()).toBe('raw_reward');
    const captions = await page.locator('figure.metric-figure figcaption').allTextContents();
    expect(captions.some((caption) => caption.includes('Raw reward against training step'))).toBe(true);
    expect(captions.some((caption) => caption.includes('KL against training step'))).toBe(true);
    expect(captions.join(' ')).not.toMatch(/\b(raw_reward|kl|total_reward)\b/);
    // seeds drawn as a mean and band: the caption says so, and nothing that contradicts it
    expect(captions.join(' ')).not.toContain('one line per run');
    expect(captions.every((caption) => caption.includes("Each value's line is the mean over its"))).toBe(true);
    // the seed links are named for what they open: "Run of seed 1"
    expect(await page.getByRole('link', { name: 'Run of seed 1' }).count()).toBe(3);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
