// A site built with a base path (SITE_BASE), served only below that path as a
// project's GitHub Pages site is: every page, link, stylesheet, script and
// download still resolves.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { buildSite } from '../../src/site/build-site';
import { launchChromium } from '../../src/site/chromium';
import { serveStatic, type StaticServer } from '../../src/site/static-server';
import { writeFixtureContent, writeFixtureRuns } from '../fixtures/site-fixture';

const BASE = '/sweepbook/';

let root: string;
let server: StaticServer;
let browser: Browser;
let pages: string[];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'sweepbook-base-'));
  const outDir = join(root, 'dist');
  writeFixtureRuns(join(root, 'runs'));
  writeFixtureContent(join(root, 'content'));
  const build = await buildSite({ contentDir: join(root, 'content'), runsDir: join(root, 'runs'), outDir, cacheDir: join(root, 'cache'), base: BASE });
  expect(build.code, build.output).toBe(0);
  pages = readdirSync(outDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('index.html'))
    .map((file) => BASE + relative(outDir, join(outDir, file)).replace(/index\.html$/, ''));
  server = await serveStatic(outDir, BASE);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

test('under a base path, every page loads its assets and every internal link resolves', async () => {
  expect(pages).toContain(BASE);
  expect(pages.some((page) => page.startsWith(`${BASE}runs/`))).toBe(true);
  const checked = new Set<string>();
  for (const path of pages) {
    const page = await browser.newPage();
    const failures: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) failures.push(`${response.status()} ${response.url()}`);
    });
    page.on('console', (message) => {
      if (message.type() === 'error') failures.push(message.text());
    });
    expect((await page.goto(server.url + path))?.status(), path).toBe(200);
    expect(await page.locator('link[rel="stylesheet"], style').count(), path).toBeGreaterThan(0);

    const links = await page.$$eval('a[href]', (anchors) => anchors.map((a) => (a as HTMLAnchorElement).href));
    for (const href of links) {
      const url = new URL(href);
      if (url.origin !== server.url) continue;
      expect(url.pathname.startsWith(BASE), `${path} links outside the base: ${href}`).toBe(true);
      if (checked.has(url.pathname)) continue;
      checked.add(url.pathname);
      expect((await fetch(server.url + url.pathname)).status, `${path} links to ${href}`).toBe(200);
    }
    expect(failures, path).toEqual([]);
    await page.close();
  }
  // the downloads of a run page are among what was followed
  expect([...checked].some((path) => path.endsWith('metrics.csv'))).toBe(true);
}, 120_000);
