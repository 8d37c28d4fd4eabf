// Builds never publish another build's content: a failed build's bundle (its
// reports' HTML) does not stay in the checkout, and a build while another
// builds from the same checkout or cache is refused with one line (they took
// each other's modules and pages).
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { listRuns } from '../src/runs';
import { buildSite, type SiteBuild } from '../src/site/build-site';
import { copyCheckout } from './fixtures/checkout-copy';
import { writeFixtureContent, writeFixtureRuns } from './fixtures/site-fixture';

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
  const first = newSite('first', undefined);
  const second = newSite('second', `---\ntitle: Second\ndate: 2024-11-01\ndescription: The other site.\n---\n\n${SECRET} text.\n`);
  let started: () => void;
  const bundling = new Promise<void>((resolve) => (started = resolve));
  const one = buildSite({ ...first, onOutput: (output) => output.includes('Building static entrypoints') && started() });
  await bundling;
  const two = await buildSite({ ...second, env: { SWEEPBOOK_BUILD_WAIT: '0' } });
  const done = await one;
  expect(done.code, done.output).toBe(0);
  expect(two.code).toBe(1);
  expect(two.output.trim(), two.output).toMatch(
    new RegExp(`^error: another build \\(pid \\d+ on host .+, since \\d\\d:\\d\\d:\\d\\d\\) is building from \\.astro: wait for it, or remove \\.astro/sweepbook-build\\.lock if it died$`),
  );
  expect(filesWith(first.outDir, SECRET)).toEqual([]);
  expect(existsSync(join(first.outDir, 'reports/fixture-report/index.html'))).toBe(true);
  expect(existsSync(second.outDir)).toBe(false);
}, 180_000);
