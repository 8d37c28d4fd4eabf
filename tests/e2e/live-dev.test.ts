// `npm run dev` while a run trains: the open report, sweep page and run page
// follow the new metrics by themselves (the test never reloads them), the
// reader keeps their place, and the report says which runs are still
// training. Before, the report kept its first rendering until the markdown
// changed or dev restarted.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { meanOfLast10Pct } from '../../src/charts/final';
import { formatNumber } from '../../src/markdown/runs-table';
import { readMetricColumns, type RunWriter } from '../../src/runs';
import { launchChromium } from '../../src/site/chromium';
import { resolveConfig } from '../../src/train/config';
import { startFixtureRun, writeFixtureContent, writeFixtureRun } from '../fixtures/site-fixture';
import { readParquet } from '../read-parquet';

// A running run's total is the config's rl_steps (the fixture sweep uses the defaults).
const TOTAL = resolveConfig({}, { quick: false }).rl_steps;

const projectRoot = join(import.meta.dirname, '../..');

let root: string;
let dev: ChildProcess | undefined;
let devOutput = '';
let url: string;
let browser: Browser;
let writer: RunWriter;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** This process's environment without what vitest adds. */
function devEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')));
  return { ...env, NODE_ENV: 'development' };
}

async function waitForServer(): Promise<void> {
  for (;;) {
    if (dev?.exitCode !== null) throw new Error(`astro dev exited:\n${devOutput}`);
    try {
      if ((await fetch(`${url}/`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'sweepbook-live-'));
  const runsDir = join(root, 'runs');
  writeFixtureContent(join(root, 'content'));
  writeFixtureRun(runsDir, 0);
  writeFixtureRun(runsDir, 1);
  // The third value's run is training: this process holds its lock, as a trainer does.
  writer = startFixtureRun(runsDir, 2, { steps: 20, status: 'running' });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  dev = spawn(process.execPath, [join(projectRoot, 'node_modules/astro/bin/astro.mjs'), 'dev', '--host', '127.0.0.1', '--port', String(port)], {
    cwd: projectRoot,
    // As a terminal starts it: under vitest's NODE_ENV=test, Astro turns hot reloading off.
    env: { ...devEnv(), CONTENT_DIR: join(root, 'content'), RUNS_DIR: runsDir, SITE_CACHE_DIR: join(root, 'cache'), ASTRO_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  dev.stdout!.on('data', (chunk) => (devOutput += chunk));
  dev.stderr!.on('data', (chunk) => (devOutput += chunk));
  await waitForServer();
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  if (process.env.DEBUG_LIVE) console.log(devOutput);
  await browser?.close();
  if (dev && dev.exitCode === null) {
    const exited = new Promise((resolve) => dev!.once('exit', resolve));
    dev.kill();
    await exited;
  }
  writer?.finish('interrupted');
  if (root) rmSync(root, { recursive: true, force: true });
});

async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 390, height: 700 }, colorScheme: 'dark' });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url + path, { waitUntil: 'load' });
  return { page, errors };
}

test('open pages follow new metrics without a reload by the reader, who keeps their place', async () => {
  const runId = writer.info.id;
  const report = await open('/reports/fixture-report/');
  const sweep = await open('/sweeps/fixture-sweep/');
  const run = await open(`/runs/${runId}/`);
  // The new step's raw_reward, 98765, moves the run's final value (the mean of its last 10% of
  // steps) to what the runs tables show once they follow; the run page says how many steps are done.
  const before = readMetricColumns(writer.dir, () => {});
  const steps = Float64Array.from([...before.steps, 21]);
  const rewards = Float64Array.from([...before.series.get('raw_reward')!.values, 98765]);
  const final = formatNumber(meanOfLast10Pct({ steps, values: rewards })!);
  const changed = [
    { page: report.page, text: final },
    { page: sweep.page, text: final },
    { page: run.page, text: `21 of ${TOTAL}` },
  ];
  for (const { page, text } of changed) expect(await page.locator('main').textContent()).not.toContain(text);
  if (process.env.DEBUG_LIVE) console.log(await report.page.locator('main').textContent());
  // run.json says how far the run is at most a second late (here: not yet past step 0).
  expect(await report.page.locator('.table-scroll:has(table.runs-table) + .table-note').textContent()).toMatch(new RegExp(`^Still training: beta=10 \\(step \\d+ of ${TOTAL}\\)\\.`));

  // The reader is at the runs table.
  await report.page.locator('table.runs-table').scrollIntoViewIfNeeded();
  const scrolled = await report.page.evaluate(() => window.scrollY);
  expect(scrolled).toBeGreaterThan(300);

  // The trainer logs a step (the first in over a second: run.json is written too).
  writer.logMetrics(21, { raw_reward: 98765, kl: 1, total_reward: 1, entropy: 1, repetition: 0.5 });

  for (const { page, text } of changed) {
    await page.waitForFunction((text) => document.querySelector('main')?.textContent?.includes(text), text, { timeout: 30_000 });
  }
  const row = report.page.locator(`table.runs-table tr:has(a[href$="/runs/${runId}/"])`);
  expect(await row.textContent()).toMatch(new RegExp(`running.*21/${TOTAL}.*${final}`, 's'));
  expect(await report.page.locator('.table-scroll:has(table.runs-table) + .table-note').textContent()).toContain(`Still training: beta=10 (step 21 of ${TOTAL})`);
  expect(await report.page.locator('.generations-label', { hasText: 'beta=10' }).textContent()).toContain(`running, step 21/${TOTAL}`);
  const after = await report.page.evaluate(() => window.scrollY);
  expect(Math.abs(after - scrolled)).toBeLessThan(40);
  // The figure's data, fetched on first hover from a file named by its content, is the new step's too (never the old drawing's).
  const newest = await report.page.evaluate(async () => {
    const chart = document.querySelector<HTMLElement>('[data-chart="line"][data-src]')!;
    const data: { exponent: number; series: { label: string; raw: (number | null)[] }[] } = await (await fetch(chart.dataset.src!)).json();
    let whole = 0;
    let most = -Infinity;
    for (const difference of data.series.find((s) => s.label === 'beta=10')!.raw) if (difference !== null) most = Math.max(most, (whole += difference));
    return most * 10 ** data.exponent;
  });
  expect(newest).toBeGreaterThan(98_000);
  // and the dev server serves it to hover
  const figure = report.page.locator('figure.metric-figure svg.marks:visible').first();
  await figure.scrollIntoViewIfNeeded();
  const box = (await figure.boundingBox())!;
  await report.page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.6);
  expect(await report.page.locator('.chart-tip').textContent()).toMatch(/Step.*beta=10/s);
  for (const { errors } of [report, sweep, run]) expect(errors).toEqual([]);
}, 120_000);

test("a run page's metrics downloads are served, as the run has logged so far", async () => {
  const runId = writer.info.id;
  const download = await fetch(`${url}/runs/${runId}/metrics.parquet`);
  expect(download.headers.get('content-type')).toBe('application/vnd.apache.parquet');
  const { rows, columns } = await readParquet(new Uint8Array(await download.arrayBuffer()));
  expect(columns.map((column) => column.name)).toEqual(['step', 'time', 'raw_reward', 'kl', 'total_reward', 'entropy', 'repetition']);
  expect(rows.at(-1)!.step).toBeGreaterThan(0);
  expect((await fetch(`${url}/runs/${runId}/metrics.json`)).status).toBe(404);
  expect((await fetch(`${url}/runs/${runId}/nothing.csv`)).status).toBe(404);
});
