// A report's runs tables and ::final on a 390 px phone, in Chromium: the
// first metric column shows beside the value (the value's swatch in its own
// cell, status and steps in one), a shadow at the edge it scrolls towards says
// more columns follow, the note under each table wraps in the column instead
// of being cut, and ::final's swept values 10-100 get tick labels that do not
// overlap. Tables of four seeds (the committed report's) and of one seed
// (each row a run id), with numbers as wide as real runs'.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { loadSweep, RunWriter } from '../../src/runs';
import { sweepUnits } from '../../src/runner/plan';
import { axeViolations, servedFixtureSite } from '../fixtures/served-site';
import { FIXTURE_SWEEP, writeFixtureContent, writeFixtureRun } from '../fixtures/site-fixture';

const TENS = 'ten-to-hundred';
const TENS_VALUES = [10, 15, 20, 30, 50, 70, 100];
const TENS_YAML = `title: Ten to a hundred
vary: beta
seed: 0
values:
${TENS_VALUES.map((value, i) => `  - { value: ${value}, label: "beta=${value}", color: ${['blue', 'darkcyan', 'green', 'olive', 'darkorange', 'crimson', 'violet'][i]} }`).join('\n')}
`;

const REPORT = `---
title: Phone report
date: 2024-11-01
description: Runs tables and a final figure on a phone.
---

Four seeds:

::runs{sweep="${FIXTURE_SWEEP}"}

One seed:

::runs{sweep="${TENS}"}

::final{sweeps="${TENS}" metric="raw_reward"}
`;

/** One completed run per value of the ten-to-hundred sweep, its config as the sweep file resolves, logging the trainer's five metrics. */
function writeTensRuns(runsDir: string, contentDir: string): void {
  const file = join(contentDir, 'sweeps', `${TENS}.yaml`);
  writeFileSync(file, TENS_YAML);
  for (const { params, label, color, seed, config } of sweepUnits(loadSweep(file), false)) {
    const writer = RunWriter.create(runsDir, { sweep: TENS, params, label, color, seed, config, totalSteps: 20, generationsCapacity: 5 });
    const beta = params.beta as number;
    for (let step = 1; step <= 20; step++) {
      writer.logMetrics(step, { raw_reward: 1300 - 9 * beta + step, kl: 400 / beta, total_reward: 500 - beta, repetition: 0.2 + 0.004 * beta, diversity: 0.00514 * beta });
      writer.logGeneration(step, `Once upon a time, step ${step}.`);
    }
    writer.finish('completed');
  }
}

const SEEDS = [1, 2, 3, 4];
const site = servedFixtureSite('phone-tables', ({ runsDir, contentDir }) => {
  for (const seed of SEEDS) for (const index of [0, 1, 2]) writeFixtureRun(runsDir, index, { seed, rewardShift: 1300, klShift: 400, diversity: true });
  writeFixtureContent(contentDir, REPORT, SEEDS);
  writeTensRuns(runsDir, contentDir);
});

const WIDTH = 390;

/** The mean brightness (0-255) of a few pixels of the screen: the rectangle's. */
async function brightness(page: Page, clip: { x: number; y: number; width: number; height: number }): Promise<number> {
  const png = (await page.screenshot({ clip })).toString('base64');
  return page.evaluate(async (data) => {
    const image = new Image();
    image.src = `data:image/png;base64,${data}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    [canvas.width, canvas.height] = [image.width, image.height];
    const context = canvas.getContext('2d')!;
    context.drawImage(image, 0, 0);
    const { data: pixels } = context.getImageData(0, 0, image.width, image.height);
    let sum = 0;
    for (let i = 0; i < pixels.length; i += 4) sum += (pixels[i] + pixels[i + 1] + pixels[i + 2]) / 3;
    return sum / (pixels.length / 4);
  }, png);
}

/** A thin strip at the box's left or right edge, in its first few pixels (the head row's top padding, blank but for a shadow). */
async function edge(box: Locator, side: 'left' | 'right') {
  const { x, y, width } = (await box.boundingBox())!;
  return { x: side === 'left' ? x + 1 : x + width - 7, y: y + 1, width: 6, height: 4 };
}

describe('runs tables and ::final on a 390 px phone', () => {
  test('each runs table shows its first metric beside the value, shades the edge more columns are behind, and its note wraps in the column', async () => {
    const page = await site.browser.newPage({ viewport: { width: WIDTH, height: 900 } });
    expect((await page.goto(`${site.url}/reports/fixture-report/`))?.status()).toBe(200);
    const boxes = page.locator('.table-scroll:has(table.runs-table)');
    expect(await boxes.count()).toBe(2);
    const background = await brightness(page, { x: 0, y: 0, width: 6, height: 4 });
    for (const [index, links] of [
      [0, 'Run of seed 1'],
      [1, 'run id'],
    ] as const) {
      const box = boxes.nth(index);
      await box.scrollIntoViewIfNeeded();
      // the first metric starts on screen, with its numbers: a reader sees where the metrics are
      const metric = (await box.locator('th.metric').first().boundingBox())!;
      expect(metric.x, `table ${index}: first metric at x=${metric.x}`).toBeLessThan(WIDTH - 40);
      // the runs stay linked
      const link = links === 'run id' ? box.locator('td.run-id a').first() : box.getByRole('link', { name: links }).first();
      const linkBox = (await link.boundingBox())!;
      expect(linkBox.x + linkBox.width).toBeLessThanOrEqual(WIDTH);
      // every value keeps its color, beside it
      const swatch = box.locator('tbody tr').first().locator('td').nth(1).locator('.swatch');
      expect(await swatch.isVisible(), `table ${index}: the value's swatch`).toBe(true);

      // more columns to the right: that edge is shaded, the left one not; scrolled to the end, the other way round
      expect(await brightness(page, await edge(box, 'right')), `table ${index}: right edge shaded`).toBeLessThan(background - 8);
      expect(await brightness(page, await edge(box, 'left')), `table ${index}: left edge plain`).toBeGreaterThan(background - 3);
      await box.evaluate((element) => (element.scrollLeft = element.scrollWidth));
      expect(await brightness(page, await edge(box, 'left')), `table ${index}: left edge shaded at the end`).toBeLessThan(background - 8);
      expect(await brightness(page, await edge(box, 'right')), `table ${index}: right edge plain at the end`).toBeGreaterThan(background - 3);

      // the note under the table: all of it in the column
      const note = box.locator('xpath=following-sibling::*[1]');
      expect(await note.textContent()).toMatch(/^Metrics are each run's mean over its last 10% of steps.*\.$/);
      const noteBox = (await note.boundingBox())!;
      expect(noteBox.x).toBeGreaterThanOrEqual(0);
      expect(noteBox.x + noteBox.width).toBeLessThanOrEqual(WIDTH);
      expect(await note.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth), 'the page does not scroll sideways').toBeLessThanOrEqual(WIDTH);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  test('::final of 10, 15, 20, 30, 50, 70 and 100: its tick labels in one row, none overlapping, the first and last among them', async () => {
    const page = await site.browser.newPage({ viewport: { width: WIDTH, height: 900 } });
    await page.goto(`${site.url}/reports/fixture-report/`);
    const svg = page.locator('figure.final-figure svg.chart-narrow');
    expect(await svg.isVisible()).toBe(true);
    const labels = await svg.evaluate((element) => {
      const axis = [...element.querySelectorAll('g.role-axis')].find((group) => group.querySelector('.role-axis-title')?.textContent === 'beta')!;
      return [...axis.querySelectorAll('.role-axis-label text')].map((text) => {
        const { left, right, top, bottom } = text.getBoundingClientRect();
        return { text: text.textContent ?? '', left, right, top, bottom };
      });
    });
    expect(labels.length).toBeGreaterThanOrEqual(4);
    expect([labels[0].text, labels.at(-1)!.text]).toEqual(['10', '100']);
    // one row, as any axis reads, each value printed once as itself (not 15 rounded to "20")
    expect(new Set(labels.map((label) => Math.round(label.top))).size, 'rows of labels').toBe(1);
    expect(new Set(labels.map((label) => label.text)).size).toBe(labels.length);
    for (const a of labels) {
      expect(Number(a.text), 'each label its own value').toSatisfy((x: number) => TENS_VALUES.includes(x));
      for (const b of labels) {
        if (a === b) continue;
        const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
        expect(apart, `${a.text} and ${b.text} overlap`).toBe(true);
      }
    }
    await page.close();
  });
});
