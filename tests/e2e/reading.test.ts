// A built report as a reader meets it on a 390 px phone in dark mode: one
// reservoir footnote however many ::generations refer to it, the newest
// generation clean and the one before told against it, links between the
// report and its sweep pages both ways, a table of contents, a sweep-level
// CSV of final metrics, a print stylesheet that prints the article alone,
// and no axe violations.
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { axeViolations, pageErrors, servedFixtureSite } from '../fixtures/served-site';
import { FIXTURE_SWEEP, REPORT, writeFixtureContent, writeFixtureRuns } from '../fixtures/site-fixture';

const PHONE = { width: 390, height: 844 };

/** The fixture report with sections (so it gets a table of contents) and a second ::generations. */
const LONG_REPORT = REPORT.replace(
  '::figure{',
  '## Rewards\n\n::figure{',
)
  .replace('::final{', '## Where runs end\n\n### Repetition\n\n::final{')
  .replace('::runs{', `## The runs\n\n::generations{sweep="${FIXTURE_SWEEP}" last=1}\n\n::runs{`);

const site = servedFixtureSite('reading', ({ runsDir, contentDir }) => {
  writeFixtureRuns(runsDir);
  writeFixtureContent(contentDir, LONG_REPORT);
});

async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await site.browser.newPage({ viewport: PHONE, colorScheme: 'dark', isMobile: true, hasTouch: true });
  const errors = pageErrors(page);
  const response = await page.goto(site.url + path);
  expect(response?.status(), path).toBe(200);
  return { page, errors };
}

const REPORT_PATH = '/reports/fixture-report/';
const SWEEP_PATH = `/sweeps/${FIXTURE_SWEEP}/`;

describe('a report on a 390 px phone in dark mode', () => {
  test('one reservoir footnote, referred to from both ::generations, each reference linking to it and back', async () => {
    const { page } = await open(REPORT_PATH);
    const notes = await page.locator('.footnotes li').allTextContents();
    expect(notes.filter((note) => note.includes('reservoir sample'))).toHaveLength(1);
    const refs = await page.$$eval('.generations-caption a[data-footnote-ref]', (anchors) => anchors.map((a) => ({ href: a.getAttribute('href'), id: a.id })));
    expect(refs).toHaveLength(2);
    expect(refs[0].href).toBe(refs[1].href);
    const note = page.locator(`[id="${refs[0].href!.slice(1)}"]`);
    const backs = await note.locator('a[data-footnote-backref]').evaluateAll((anchors) => anchors.map((a) => a.getAttribute('href')));
    expect(backs).toEqual(refs.map((ref) => `#${ref.id}`));
    await page.close();
  });

  test('the newest generation reads clean; the one before is "The same" or the few words that changed', async () => {
    const { page } = await open(REPORT_PATH);
    const runs = page.locator('.generations').first().locator('.generations-run');
    expect(await runs.count()).toBe(3);
    for (let i = 0; i < 2; i++) {
      const [newest, before] = await runs.nth(i).locator('.generation-text').all();
      expect(await newest.locator('ins, del').count()).toBe(0);
      // beta=0's newest is another text altogether (the <script> one): the one before is shown as written.
      if (i === 0) expect(await runs.nth(i).locator('.generation-meta').nth(1).textContent()).toContain('unlike the one above');
      else expect(await before.textContent()).toMatch(/^The same/);
    }
    // beta=10 wrote beta=1's very generations: one line, not the texts again.
    expect(await runs.nth(2).locator('.generation-text').allTextContents()).toEqual(['The same as beta=1.']);
    // beta=1's generations differ in a few "tall"s and the tree's number: listed, not the whole text again.
    expect(await runs.nth(1).locator('.generation-text').nth(1).innerHTML()).toMatch(/^The same, except (<del>[^<]+<\/del>|<ins>[^<]+<\/ins>|[ ;])+\.$/);
    await page.close();
  });

  test('the report links the sweep pages it draws from, and the sweep page links back', async () => {
    const { page } = await open(REPORT_PATH);
    const link = page.locator('.report-sweeps a');
    expect(await link.allTextContents()).toEqual([FIXTURE_SWEEP]);
    await link.click();
    await page.waitForURL(`**${SWEEP_PATH}`);
    const back = page.locator('.sweep-reports a');
    expect(await back.allTextContents()).toEqual(['Fixture report']);
    await back.click();
    await page.waitForURL(`**${REPORT_PATH}`);
    await page.close();
  });

  test('a table of contents at the top lists the sections and takes the reader there; nothing is wider than the phone', async () => {
    const { page } = await open(REPORT_PATH);
    const toc = page.getByRole('navigation', { name: 'Contents' });
    expect(await toc.locator('a').allTextContents()).toEqual(['Rewards', 'Where runs end', 'Repetition', 'The runs']);
    const tocBox = (await toc.boundingBox())!;
    const firstSection = (await page.locator('h2#rewards').boundingBox())!;
    expect(tocBox.y).toBeLessThan(firstSection.y);
    expect(tocBox.x + tocBox.width).toBeLessThanOrEqual(PHONE.width);
    await toc.getByRole('link', { name: 'The runs' }).click();
    await page.waitForFunction(() => Math.abs(document.getElementById('the-runs')!.getBoundingClientRect().top) < 5);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.close();
  });

  test('the sweep page offers every run\'s final metrics as one CSV', async () => {
    const { page } = await open(SWEEP_PATH);
    const link = page.getByRole('link', { name: 'final-metrics.csv' });
    const response = await page.request.get(new URL((await link.getAttribute('href'))!, page.url()).href);
    expect(response.status()).toBe(200);
    const [header, ...rows] = (await response.text()).trimEnd().split('\r\n');
    expect(header).toMatch(/^run,trained_for,beta,label,seed,listed,status,steps_done,total_steps,raw_reward_last_logged,raw_reward_final_mean_last_10pct,raw_reward_change,raw_reward_change_noise_floor,/);
    expect(rows).toHaveLength(3);
    await page.close();
  });

  test('printed, the article stands alone: no site header, footer or contents, figures kept whole, black on white', async () => {
    const { page } = await open(REPORT_PATH);
    await page.emulateMedia({ media: 'print', colorScheme: 'dark' });
    for (const selector of ['.site-header', '.site-footer', 'nav.toc']) {
      expect(await page.locator(selector).evaluate((node) => getComputedStyle(node).display), selector).toBe('none');
    }
    const figure = await page.locator('figure').first().evaluate((node) => getComputedStyle(node).breakInside);
    expect(figure).toBe('avoid');
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(255, 255, 255)');
    expect(await page.evaluate(() => getComputedStyle(document.body).color)).toBe('rgb(0, 0, 0)');
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await page.close();
  });

  test('report and sweep page: no axe violations, no console errors', async () => {
    for (const path of [REPORT_PATH, SWEEP_PATH]) {
      const { page, errors } = await open(path);
      expect(await axeViolations(page), path).toEqual([]);
      expect(errors, path).toEqual([]);
      await page.close();
    }
  });
});
