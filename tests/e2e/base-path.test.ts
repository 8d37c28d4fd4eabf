// A site built with a base path (SITE_BASE), served only below that path as a
// project's GitHub Pages site is: every page, link, stylesheet, script and
// download, and each figure's data (fetched on first hover), still resolves.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, test } from 'vitest';
import { servedFixtureSite } from '../fixtures/served-site';
import { writeFixtureContent, writeFixtureRuns } from '../fixtures/site-fixture';

const BASE = '/sweepbook/';

const site = servedFixtureSite(
  'base',
  ({ runsDir, contentDir }) => {
    writeFixtureRuns(runsDir);
    writeFixtureContent(contentDir);
  },
  { base: BASE },
);

test('under a base path, every page loads its assets and every internal link resolves', async () => {
  const pages = readdirSync(site.outDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('index.html'))
    .map((file) => BASE + relative(site.outDir, join(site.outDir, file)).replace(/index\.html$/, ''));
  expect(pages).toContain(BASE);
  expect(pages.some((page) => page.startsWith(`${BASE}runs/`))).toBe(true);
  const checked = new Set<string>();
  for (const path of pages) {
    const page = await site.browser.newPage();
    const failures: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) failures.push(`${response.status()} ${response.url()}`);
    });
    page.on('console', (message) => {
      if (message.type() === 'error') failures.push(message.text());
    });
    expect((await page.goto(site.url + path))?.status(), path).toBe(200);
    expect(await page.locator('link[rel="stylesheet"], style').count(), path).toBeGreaterThan(0);

    const links = await page.$$eval('a[href]', (anchors) => anchors.map((a) => (a as HTMLAnchorElement).href));
    links.push(...(await page.$$eval('[data-src]', (charts) => charts.map((chart) => new URL((chart as HTMLElement).dataset.src!, location.href).href))));
    for (const href of links) {
      const url = new URL(href);
      if (url.origin !== site.url) continue;
      expect(url.pathname.startsWith(BASE), `${path} links outside the base: ${href}`).toBe(true);
      if (checked.has(url.pathname)) continue;
      checked.add(url.pathname);
      expect((await fetch(site.url + url.pathname)).status, `${path} links to ${href}`).toBe(200);
    }
    expect(failures, path).toEqual([]);
    await page.close();
  }
  // the downloads of a run page are among what was followed
  expect([...checked].some((path) => path.endsWith('metrics.parquet'))).toBe(true);
  // and figures' data
  expect([...checked].some((path) => /\/figures\/[0-9a-f]{20}\.json$/.test(path))).toBe(true);
}, 120_000);
