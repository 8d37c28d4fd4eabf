// Builds the site of one sweep of many values (tests/fixtures/many-runs-fixture.ts)
// and prints the sweep page's bytes and the build's seconds, to see that a big
// sweep's page stays usable:
//   npx tsx scripts/many-runs-site.ts [--values 1000] [--seeds 1] [--steps 200] [--root /tmp/many] [--shots /tmp/many/shot]
// Fixture runs are written once per root; --shots takes screenshots of the page (desktop and phone).
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildSite } from '../src/site/build-site';
import { launchChromium } from '../src/site/chromium';
import { serveStatic } from '../src/site/static-server';
import { MANY_SWEEP, writeManyRuns } from '../tests/fixtures/many-runs-fixture';

const { values } = parseArgs({
  options: {
    values: { type: 'string', default: '1000' },
    seeds: { type: 'string', default: '1' },
    steps: { type: 'string', default: '200' },
    root: { type: 'string', default: '/tmp/many' },
    shots: { type: 'string' },
  },
});
const seeds = Array.from({ length: Number(values.seeds) }, (_, i) => i + 1);
const root = join(values.root, `${values.values}x${seeds.length}x${values.steps}`);
const [runsDir, contentDir, outDir] = ['runs', 'content', 'dist'].map((dir) => join(root, dir));
if (!existsSync(join(root, 'complete'))) {
  rmSync(root, { recursive: true, force: true });
  writeManyRuns(runsDir, contentDir, { values: Number(values.values), seeds, steps: Number(values.steps) });
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'complete'), '');
}
rmSync(outDir, { recursive: true, force: true });
const start = performance.now();
const build = await buildSite({ contentDir, runsDir, outDir, cacheDir: join(root, 'cache') });
const seconds = (performance.now() - start) / 1000;
if (build.code !== 0) throw new Error(build.output);
const page = join(outDir, 'sweeps', MANY_SWEEP, 'index.html');
const html = readFileSync(page, 'utf8');
const count = (pattern: RegExp) => (html.match(pattern) ?? []).length;
console.log(
  JSON.stringify({
    values: Number(values.values),
    seeds: seeds.length,
    steps: Number(values.steps),
    build_seconds: Number(seconds.toFixed(1)),
    page_bytes: statSync(page).size,
    svg_paths: count(/<path/g),
    table_rows: count(/<tr/g),
    svgs: count(/<svg/g),
  }),
);
if (values.shots) {
  const server = await serveStatic(outDir);
  const browser = await launchChromium();
  for (const { name, width } of [
    { name: 'desktop', width: 1280 },
    { name: 'phone', width: 390 },
  ]) {
    const tab = await browser.newPage({ viewport: { width, height: 900 } });
    await tab.goto(`${server.url}/sweeps/${MANY_SWEEP}/`);
    await tab.screenshot({ path: `${values.shots}-${name}.png`, fullPage: false });
    const figure = tab.locator('figure').first();
    if (await figure.count()) await figure.screenshot({ path: `${values.shots}-${name}-figure.png` });
    await tab.close();
    console.log(`${values.shots}-${name}.png`, `${values.shots}-${name}-figure.png`);
  }
  await browser.close();
  await server.close();
}
