// Builds never publish another build's content: a failed build's bundle (its
// reports' HTML) does not stay in the checkout, and a build while another
// builds from the same checkout or cache is refused with one line (they took
// each other's modules and pages).
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { listRuns } from '../src/runs';
import { buildSite, type SiteBuild } from '../src/site/build-site';
import { copyCheckout } from './fixtures/checkout-copy';
import { writeFixtureContent, writeFixtureRuns } from './fixtures/site-fixture';
import { readParquet } from './read-parquet';

const SECRET = 'PRIVATE-REPORT-X';
let checkout: string;
let sites: string;

beforeAll(() => {
  checkout = copyCheckout();
  sites = mkdtempSync(join(tmpdir(), 'sweepbook-sites-'));
});

afterAll(() => {
  for (const dir of [checkout, sites]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A site in the copy's temp folder, its output outside the checkout (as the cluster recipe's --outDir /srv/www). */
function newSite(name: string, report?: string): SiteBuild {
  const dir = join(sites, name);
  const site = { contentDir: join(dir, 'content'), runsDir: join(dir, 'runs'), outDir: join(dir, 'www'), cacheDir: join(dir, 'cache'), checkout };
  writeFixtureRuns(site.runsDir);
  writeFixtureContent(site.contentDir, report);
  return site;
}

/** Every file under dir holding the text. */
function filesWith(dir: string, text: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => {
    try {
      return readFileSync(join(dir, file), 'utf8').includes(text);
    } catch {
      return false; // a folder
    }
  });
}

test('a failed build leaves none of its reports in the checkout, and the next build publishes none of them', async () => {
  // The report renders (no directives); a run page fails on a bad metrics line, after the pages were bundled.
  const failing = newSite('failing', `---\ntitle: Private\ndate: 2024-11-01\ndescription: Not for publishing.\n---\n\n${SECRET} text.\n`);
  appendFileSync(join(listRuns(failing.runsDir)[1].dir, 'metrics.jsonl'), '{"step":"x","time":1}\n');
  const failed = await buildSite(failing);
  expect(failed.code, failed.output).not.toBe(0);
  expect(filesWith(join(checkout, '.astro'), SECRET)).toEqual([]);
  expect(existsSync(join(checkout, '.astro', 'sweepbook-build.lock'))).toBe(false);

  const next = newSite('next');
  const built = await buildSite(next);
  expect(built.code, built.output).toBe(0);
  expect(filesWith(next.outDir, SECRET)).toEqual([]);
}, 180_000);

test('a second build while one builds from the same checkout is refused with one line; the first publishes only its own site', async () => {
  // The first build is this test process holding the checkout's lock, as a live build does: waiting for a real
  // build to reach its bundling raced with how fast a tiny site builds (it could end before the second started).
  const lock = join(checkout, '.astro', 'sweepbook-build.lock');
  mkdirSync(join(checkout, '.astro'), { recursive: true });
  const pidns = readlinkSync('/proc/self/ns/pid');
  writeFileSync(lock, JSON.stringify({ token: 'the-first-build', host: hostname(), pid: process.pid, pidns, started: Date.now(), renewed: Date.now() }));
  const second = newSite('second', `---\ntitle: Second\ndate: 2024-11-01\ndescription: The other site.\n---\n\n${SECRET} text.\n`);
  const two = await buildSite({ ...second, env: { SWEEPBOOK_BUILD_WAIT: '0' } });
  expect(two.code).toBe(1);
  expect(two.output.trim(), two.output).toMatch(
    new RegExp(`^error: another build \\(pid ${process.pid} on host .+, since \\d\\d:\\d\\d:\\d\\d\\) is building from \\.astro: wait for it, or remove \\.astro/sweepbook-build\\.lock if it died$`),
  );
  expect(existsSync(second.outDir)).toBe(false);
  // The lock is the first build's still: the refused one left it alone; once released, the first builds its own site only.
  expect(JSON.parse(readFileSync(lock, 'utf8')).token).toBe('the-first-build');
  rmSync(lock);
  const first = newSite('first', undefined);
  const done = await buildSite(first);
  expect(done.code, done.output).toBe(0);
  expect(filesWith(first.outDir, SECRET)).toEqual([]);
  expect(existsSync(join(first.outDir, 'reports/fixture-report/index.html'))).toBe(true);
}, 180_000);

/** The last step each line figure on the page draws (its data file's x domain), and the page's name. */
function lastStepsDrawn(outDir: string, page: string): number[] {
  const html = readFileSync(join(outDir, page), 'utf8');
  return [...html.matchAll(/data-src="\/(figures\/[0-9a-f]+\.json)"/g)]
    .map(([, file]) => JSON.parse(readFileSync(join(outDir, file), 'utf8')) as { kind: string; plots: { wide: { xDomain: [number, number] } } })
    .filter((data) => data.kind === 'line')
    .map((data) => data.plots.wide.xDomain[1]);
}

test('a build while a run is training shows one snapshot of it on every page and download', async () => {
  const site = newSite('training');
  const run = listRuns(site.runsDir)[0];
  const metrics = join(run.dir, 'metrics.jsonl');
  // The trainer, logging a step every 20 ms from the start of the build to its end: the run has more steps than its sweep's others.
  let step = 40;
  const log = () => appendFileSync(metrics, `${JSON.stringify({ step: ++step, time: step, raw_reward: 1, kl: 1, total_reward: 1, entropy: 1, repetition: 0.5 })}\n`);
  for (let i = 0; i < 10; i++) log();
  const trainer = setInterval(log, 20);
  const result = await buildSite(site).finally(() => clearInterval(trainer));
  expect(result.code, result.output).toBe(0);
  expect(step).toBeGreaterThan(100); // it logged while the build read it

  const drawn = {
    report: lastStepsDrawn(site.outDir, 'reports/fixture-report/index.html'),
    sweep: lastStepsDrawn(site.outDir, 'sweeps/fixture-sweep/index.html'),
    run: lastStepsDrawn(site.outDir, `runs/${run.info.id}/index.html`),
  };
  const { rows } = await readParquet(readFileSync(join(site.outDir, 'runs', run.info.id, 'metrics.parquet')));
  const last = rows.at(-1)!.step!;
  expect(last).toBeGreaterThan(40);
  expect({ ...drawn, download: last, downloadRows: rows.length }).toEqual({
    report: drawn.report.map(() => last),
    sweep: drawn.sweep.map(() => last),
    run: drawn.run.map(() => last),
    download: last,
    // every line the trainer had written up to that step, once
    downloadRows: readFileSync(metrics, 'utf8').trimEnd().split('\n').filter((line) => (JSON.parse(line) as { step: number }).step <= last).length,
  });
  expect(drawn.report.length * drawn.sweep.length * drawn.run.length).toBeGreaterThan(0);
}, 180_000);

test('a report stored in the content cache that this user\'s builds did not store is rendered again (a poisoned store put <script> into pages)', async () => {
  const site = newSite('poisoned-store');
  const first = await buildSite(site);
  expect(first.code, first.output).toBe(0);
  const store = join(site.cacheDir, 'data-store.json');
  const text = readFileSync(store, 'utf8');
  expect(text).toContain('Because we do not know it yet.');
  writeFileSync(store, text.replaceAll('Because we do not know it yet.', '<script>alert(1)</script>'));
  const second = await buildSite(site);
  expect(second.code, second.output).toBe(0);
  const report = readFileSync(join(site.outDir, 'reports/fixture-report/index.html'), 'utf8');
  expect(report).not.toContain('<script>alert(1)</script>');
  expect(report).toContain('Because we do not know it yet.');
}, 180_000);
