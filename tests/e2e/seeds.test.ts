// A sweep with three seeds, built and opened in Chromium: bands in each
// value's color, hover with mean and range, error bars, inline values, and no
// console errors or axe-core violations.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildSite } from '../../src/site/build-site';
import { launchChromium } from '../../src/site/chromium';
import { serveStatic, type StaticServer } from '../../src/site/static-server';
import { FIXTURE_SWEEP, writeFixtureContent, writeFixtureRun } from '../fixtures/site-fixture';

const AXE = join(process.cwd(), 'node_modules/axe-core/axe.min.js');
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

let root: string;
let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'sweepbook-e2e-seeds-'));
  for (const seed of [1, 2, 3]) for (const index of [0, 1, 2]) writeFixtureRun(join(root, 'runs'), index, { seed });
  writeFixtureContent(join(root, 'content'), REPORT, [1, 2, 3]);
  const outDir = join(root, 'dist');
  const build = await buildSite({ contentDir: join(root, 'content'), runsDir: join(root, 'runs'), outDir, cacheDir: join(root, 'cache') });
  expect(build.code, build.output).toBe(0);
  server = await serveStatic(outDir);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('a report of a sweep with three seeds', () => {
  test('bands in each value\'s color, hover with mean and range, error bars, an inline value; no errors or axe violations', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const page = await browser.newPage({ colorScheme });
      const errors: string[] = [];
      page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
      page.on('pageerror', (error) => errors.push(error.message));
      const response = await page.goto(`${server.url}/reports/fixture-report/`);
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
      expect(await page.locator('.generation-meta').count()).toBe(9);

      await page.addScriptTag({ path: AXE });
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe;
        const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
        return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      });
      expect.soft(violations, colorScheme).toEqual([]);
      expect(errors, colorScheme).toEqual([]);
      await page.close();
    }
  }, 120_000);
});
