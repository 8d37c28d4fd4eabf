// A runs table in Chromium: each column head a button that sorts the rows
// (numbers by their unrounded value, a value with nothing last either way,
// again to reverse, aria-sort on the head), a filter above it that hides the
// rows that do not match and says how many are shown; with several seeds the
// rows sort by the mean. Without JavaScript the page's table is the static
// one: every row in the HTML, no buttons, no filter.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { loadSweep, RunWriter } from '../../src/runs';
import { sweepUnits } from '../../src/runner/plan';
import { axeViolations, pageErrors, servedFixtureSite } from '../fixtures/served-site';
import { FIXTURE_SWEEP, writeFixtureContent, writeFixtureRun } from '../fixtures/site-fixture';

const SWEEP = 'sortable';
// 100 is in the sweep file but never trained: its row says so and has no numbers
const VALUES = [10, 15, 20, 30, 50, 70, 100];
const TRAINED = VALUES.slice(0, -1);
const YAML = `title: Sortable
vary: beta
seed: 0
values:
${VALUES.map((value) => `  - { value: ${value}, label: "beta=${value}" }`).join('\n')}
`;
/** Raw reward: highest at beta=30, so its order is not the values'; 30's (1000.03) and 20's (999.62) both print as 1000. */
const reward = (beta: number) => 1000 - (beta - 30) ** 2 / 100 + beta / 1000 + (beta === 20 ? 0.6 : 0);

const REPORT = `---
title: Sortable report
date: 2024-11-01
description: Runs tables that sort and filter.
---

::runs{sweep="${SWEEP}"}

Two seeds:

::runs{sweep="${FIXTURE_SWEEP}"}
`;

const site = servedFixtureSite('sortable-table', ({ runsDir, contentDir }) => {
  for (const seed of [1, 2]) for (const index of [0, 1, 2]) writeFixtureRun(runsDir, index, { seed });
  writeFixtureContent(contentDir, REPORT, [1, 2]);
  const file = join(contentDir, 'sweeps', `${SWEEP}.yaml`);
  writeFileSync(file, YAML);
  for (const { params, label, color, seed, config } of sweepUnits(loadSweep(file), false)) {
    const beta = params.beta as number;
    if (!TRAINED.includes(beta)) continue;
    const writer = RunWriter.create(runsDir, { sweep: SWEEP, params: { beta }, label, color, seed, config, totalSteps: 20, generationsCapacity: 2 });
    for (let step = 1; step <= 20; step++) writer.logMetrics(step, { raw_reward: reward(beta), kl: 400 / beta, total_reward: 1, repetition: 0.2, diversity: 0.01 });
    writer.finish('completed');
  }
});

const PAGE = '/reports/fixture-report/'; // writeFixtureContent names the report file so

/** The column's cells' text, in the order the rows show, of the rows shown. */
async function column(table: Locator, index: number): Promise<string[]> {
  return table.evaluate(
    (element, i) => [...(element as HTMLTableElement).tBodies[0].rows].filter((row) => !row.hidden).map((row) => row.cells[i].textContent!.trim()),
    index,
  );
}

/** Each shown row's value (the second column), as a number. */
const values = async (table: Locator) => (await column(table, 1)).map((text) => Number(text.replace(/^\D+/, '')));

async function open(page: Page) {
  expect((await page.goto(`${site.url}${PAGE}`))?.status()).toBe(200);
  return page.locator('table.runs-table').first();
}

describe('a runs table sorts and filters in the browser', () => {
  test('the static HTML has every row; without JavaScript the table is only that', async () => {
    const html = await (await fetch(`${site.url}${PAGE}`)).text();
    const first = html.slice(html.indexOf('<table class="runs-table"'), html.indexOf('</table>'));
    for (const value of VALUES) expect(first).toMatch(new RegExp(`</span>${value}</td>`));
    expect(first.split('<tr').length - 2).toBe(VALUES.length);
    expect(html).not.toContain('table-filter');

    const context = await site.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const table = await open(page);
    expect(await page.locator('.table-filter').count()).toBe(0);
    expect(await table.locator('th button').count()).toBe(0);
    expect(await values(table)).toEqual(VALUES);
    await context.close();
  });

  test('a metric sorts by its unrounded number both ways, the untrained value last; the value column numerically', async () => {
    const page = await site.browser.newPage();
    const errors = pageErrors(page);
    const table = await open(page);
    const head = table.locator('th', { hasText: 'raw_reward' });
    const button = head.getByRole('button');
    expect(await head.getAttribute('aria-sort')).toBeNull();

    await button.click();
    expect(await head.getAttribute('aria-sort')).toBe('ascending');
    const ascending = [...TRAINED].sort((a, b) => reward(a) - reward(b));
    expect(await values(table)).toEqual([...ascending, 100]);

    // from the keyboard: the same button, Enter
    await button.focus();
    await page.keyboard.press('Enter');
    expect(await head.getAttribute('aria-sort')).toBe('descending');
    expect(await values(table)).toEqual([...ascending].reverse().concat(100));
    // 30 and 20 both print as 1000: they sort apart by data-sort (in the page's order 20 comes first)
    expect((await values(table)).slice(0, 2)).toEqual([30, 20]);

    // the value column: 100 after 70, not after 10 as text would sort it; only one head says it is sorted
    const valueHead = table.locator('th', { hasText: /^beta$/ });
    await valueHead.getByRole('button').click();
    expect(await values(table)).toEqual(VALUES);
    expect(await head.getAttribute('aria-sort')).toBeNull();
    await valueHead.getByRole('button').click();
    expect(await values(table)).toEqual([...VALUES].reverse());
    expect(await table.locator('th[aria-sort]').count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('the filter hides the rows that do not match and says how many are shown', async () => {
    const page = await site.browser.newPage();
    const table = await open(page);
    const filter = page.getByRole('searchbox', { name: 'Filter runs' }).first();
    const count = page.locator('.table-filter-count').first();
    expect(await count.getAttribute('role')).toBe('status');
    expect(await count.textContent()).toBe('7 of 7 runs');

    for (const [text, shown] of [
      ['beta=20', [20]],
      ['completed', TRAINED],
      ['not trained', [100]],
      ['beta>=30 completed', [30, 50, 70]],
      ['kl<10', [50, 70]],
      ['BETA=15', [15]],
      ['nothing-like-this', []],
      ['', VALUES],
    ] as const) {
      await filter.fill(text);
      expect(await values(table), `filter "${text}"`).toEqual(shown);
      expect(await count.textContent()).toBe(`${shown.length} of 7 runs`);
    }
    // a sort keeps the filter's rows hidden
    await filter.fill('completed');
    await table.locator('th', { hasText: 'raw_reward' }).getByRole('button').click();
    expect((await values(table)).sort((a, b) => a - b)).toEqual(TRAINED);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  test('several seeds: one row per value sorts by the mean over its seeds; the filter counts values', async () => {
    const page = await site.browser.newPage();
    await open(page);
    const table = page.locator('table.seeded-runs');
    const head = table.locator('th', { hasText: 'raw_reward' });
    await head.getByRole('button').click();
    const means = await table.evaluate((element) => {
      const heads = [...(element as HTMLTableElement).tHead!.rows[0].cells];
      const index = heads.findIndex((cell) => cell.textContent!.includes('raw_reward'));
      return [...(element as HTMLTableElement).tBodies[0].rows].map((row) => Number(row.cells[index].dataset.sort));
    });
    expect(means).toHaveLength(3);
    expect(means).toEqual([...means].sort((a, b) => a - b));
    await head.getByRole('button').click();
    expect(await values(table)).toEqual([0, 1, 10]); // raw reward falls with beta
    const filter = page.getByRole('searchbox', { name: 'Filter values' });
    await filter.fill('beta=1');
    expect(await values(table)).toEqual([1]);
    expect(await page.locator('.table-filter-count').nth(1).textContent()).toBe('1 of 3 values');
    await page.close();
  });

  test('on a 390 px phone the filter fits and the first metric still shows beside the value', async () => {
    const page = await site.browser.newPage({ viewport: { width: 390, height: 900 } });
    const table = await open(page);
    const filter = (await page.locator('.table-filter').first().boundingBox())!;
    expect(filter.x + filter.width).toBeLessThanOrEqual(390);
    const input = (await page.getByRole('searchbox').first().boundingBox())!;
    expect(input.x + input.width).toBeLessThanOrEqual(390);
    const metric = (await table.locator('th.metric').first().boundingBox())!;
    expect(metric.x).toBeLessThan(390 - 40);
    await table.locator('th.metric').first().getByRole('button').click();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.close();
  });
});
