// The sweep page of a sweep of many values (issue 28: a sweep page of 1,000
// runs stays usable), here 150 × 1 seed of 60 steps (scripts/many-runs-site.ts
// builds 1,000): its first paragraph names the first and last value, not every
// label; each figure draws thin faint lines, a path per ramp color, with the
// ramp under it and no legend; the table lists every run and sorts; and the
// page stays within 2 KB a value (1,000 values: under 2 MB).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { RAMP_STEPS } from '../../src/charts/palette';
import { axeViolations, pageErrors, servedFixtureSite } from '../fixtures/served-site';
import { MANY_SWEEP, manyValues, writeManyRuns } from '../fixtures/many-runs-fixture';

const VALUES = 150;
const site = servedFixtureSite('many-values', ({ runsDir, contentDir }) => writeManyRuns(runsDir, contentDir, { values: VALUES, steps: 60 }), { timeout: 600_000 });
const PAGE = `/sweeps/${MANY_SWEEP}/`;

describe('the sweep page of 150 values', () => {
  test('its markup: the first and last value named, thin lines a path per ramp color, the ramp under each figure, every run in the table, within 2 KB a value', () => {
    const html = readFileSync(join(site.outDir, 'sweeps', MANY_SWEEP, 'index.html'), 'utf8');
    expect(html.length / VALUES).toBeLessThan(2000);
    const [first, last] = [manyValues(VALUES)[0], manyValues(VALUES).at(-1)];
    expect(html.replace(/<[^>]+>/g, '')).toMatch(new RegExp(`varies lr over 150 values,\\s*lr=${first} to\\s*lr=${last}; the table of runs lists them`));
    const figures = html.match(/<figure class="metric-figure"[\s\S]*?<\/figure>/g)!;
    expect(figures.length).toBeGreaterThan(0);
    for (const figure of figures) {
      expect(figure).not.toContain('role-legend');
      expect(figure).toContain('<p class="ramp-legend">Colors, in the sweep\'s order: lr=');
      const lines = figure.match(/<g class="mark-line role-mark \w+"><path [^>]*>/g)!;
      expect(lines.length).toBeLessThanOrEqual(RAMP_STEPS);
      for (const line of lines) expect(line).toMatch(/stroke-width="1"|opacity="0.5"/);
    }
    const table = html.slice(html.indexOf('<table class="runs-table"'), html.indexOf('</table>'));
    expect(table.split('<tr>').length - 2).toBe(VALUES);
  });

  test('in Chromium: the figures are drawn, the table sorts by a metric, no errors, no axe violations', async () => {
    const page = await site.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = pageErrors(page);
    expect((await page.goto(`${site.url}${PAGE}`))?.status()).toBe(200);
    expect(await page.locator('figure.metric-figure svg.chart-wide').first().isVisible()).toBe(true);
    expect(await page.locator('.table-filter-count').first().textContent()).toBe(`${VALUES} of ${VALUES} runs`);
    await page.locator('th', { hasText: 'raw_reward' }).first().getByRole('button').click();
    const sorted = await page.evaluate(() => {
      const table = document.querySelector('table.runs-table') as HTMLTableElement;
      const index = [...table.tHead!.rows[0].cells].findIndex((cell) => cell.textContent!.includes('raw_reward'));
      return [...table.tBodies[0].rows].map((row) => Number(row.cells[index].dataset.sort));
    });
    expect(sorted).toEqual([...sorted].sort((a, b) => a - b));
    expect(errors).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
