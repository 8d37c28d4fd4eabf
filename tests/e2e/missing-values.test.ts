// A sweep trained in part, built and opened on a 390 px phone: every value of
// the sweep is in its runs table, the one whose only run failed and the one
// not trained yet saying so; figures' captions name the values they cannot
// draw; an inline value of a missing one reads n/a; and the build warns once
// per missing value, however many directives show it. A --quick run of a
// missing value is listed on the sweep page and drawn nowhere.
import { describe, expect, test } from 'vitest';
import { axeViolations, pageErrors, servedFixtureSite } from '../fixtures/served-site';
import { FIXTURE_SWEEP, writeFixtureContent, writeFixtureRun } from '../fixtures/site-fixture';

const REPORT = `---
title: Part-trained report
date: 2024-11-01
description: A sweep with a value failed and one not trained yet.
---

At beta=10 the reward ended at :value{sweep="${FIXTURE_SWEEP}" at="beta=10" metric="raw_reward"}.

::runs{sweep="${FIXTURE_SWEEP}"}

::figure{sweep="${FIXTURE_SWEEP}" metric="raw_reward"}

::figure{sweep="${FIXTURE_SWEEP}" metric="kl"}

::final{sweeps="${FIXTURE_SWEEP}" metric="raw_reward"}
`;

const NOTE = 'No results yet for beta=1 (failed) and beta=10 (not trained yet).';

let quickRun = '';
const site = servedFixtureSite('missing-values', ({ runsDir, contentDir }) => {
  writeFixtureRun(runsDir, 0);
  writeFixtureRun(runsDir, 1, { steps: 5, status: 'failed' });
  quickRun = writeFixtureRun(runsDir, 2, { quick: true }).split('/').at(-1)!;
  writeFixtureContent(contentDir, REPORT);
});

/** The runs table's rows as the reader sees them: value, then status. */
async function rows(page: import('playwright-core').Page): Promise<string[][]> {
  return page.locator('table.runs-table').first().locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [tr.querySelectorAll('td')[1], tr.querySelector('.status')!].map((cell) => (cell as HTMLElement).innerText.trim())),
  );
}

describe('a sweep with a failed value and one not trained yet, on a 390 px phone', () => {
  test('the report lists every value, says which have no results, and its inline value reads n/a; axe clean', async () => {
    const page = await site.browser.newPage({ viewport: { width: 390, height: 900 } });
    const errors = pageErrors(page);
    expect((await page.goto(`${site.url}/reports/fixture-report/`))?.status()).toBe(200);
    expect(await rows(page)).toEqual([
      ['0', 'completed'],
      ['1', 'failed'],
      ['10', 'not trained yet'],
    ]);
    const captions = await page.locator('figure figcaption').allInnerTexts();
    expect(captions).toHaveLength(3);
    for (const caption of captions) expect(caption).toContain(NOTE);
    expect(await page.locator('.inline-value').innerText()).toBe('n/a');
    expect(await page.content()).not.toContain(quickRun);
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('the sweep page lists every value too, and the --quick run apart', async () => {
    const page = await site.browser.newPage({ viewport: { width: 390, height: 900 } });
    expect((await page.goto(`${site.url}/sweeps/${FIXTURE_SWEEP}/`))?.status()).toBe(200);
    expect((await rows(page)).map(([value, status]) => `${value} ${status}`)).toEqual(['0 completed', '1 failed', '10 not trained yet']);
    expect(await page.locator('table.listed-runs').last().innerText()).toContain(quickRun);
    await page.close();
  });

  test('the build warns once per sweep, naming its values with no results, not once per value, directive or page', () => {
    const lines = site.buildOutput.split('\n').filter((line) => line.includes(`sweep "${FIXTURE_SWEEP}": beta=`));
    expect(lines).toEqual([
      `warning: sweep "${FIXTURE_SWEEP}": beta=1 has no completed or running run (its newest failed); beta=10 has no run yet: tables and figures show them without results (npm run train -- --sweep ${FIXTURE_SWEEP})`,
    ]);
  });
});
