// Which runs a built site draws, end to end: `npm run train -- --quick` into
// a runs folder of completed full runs, or a newer run that was interrupted
// or failed, leaves the report's figures, tables and generations as they
// were; the sweep page lists those runs apart, and the build warns once per
// sweep that has runs with another config.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { listRuns } from '../src/runs';
import { buildSite, type SiteBuild } from '../src/site/build-site';
import { FIXTURE_SWEEP, SWEEP_YAML, writeFixtureContent, writeFixtureRun, writeFixtureRuns } from './fixtures/site-fixture';

let root: string;
beforeAll(() => (root = mkdtempSync(join(tmpdir(), 'sweepbook-which-runs-'))));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function newSite(name: string): SiteBuild {
  const dir = join(root, name);
  return { contentDir: join(dir, 'content'), runsDir: join(dir, 'runs'), outDir: join(dir, 'dist'), cacheDir: join(dir, 'cache') };
}

const page = (site: SiteBuild, path: string) => readFileSync(join(site.outDir, path, 'index.html'), 'utf8');
const report = (site: SiteBuild) => page(site, 'reports/fixture-report');
const count = (text: string, needle: string) => text.split(needle).length - 1;

/** The part of a page from a heading's text to the next heading. */
function section(html: string, heading: string): string {
  const start = html.indexOf(heading);
  if (start < 0) return '';
  const end = html.indexOf('<h2', start);
  return html.slice(start, end < 0 ? undefined : end);
}

async function build(site: SiteBuild, env: Record<string, string> = {}): Promise<string> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const result = await buildSite(site);
    expect(result.code, result.output).toBe(0);
    return result.output;
  } finally {
    process.env = saved;
  }
}

test('`npm run train -- --quick` into a runs folder of full runs changes nothing the site draws', async () => {
  const site = newSite('quick');
  writeFixtureRuns(site.runsDir);
  writeFixtureContent(site.contentDir);
  // A second sweep with no report and no full runs: it gets its own warning line.
  const other = SWEEP_YAML.replace('title: Fixture sweep', 'title: Other sweep').replace(/values:\n[\s\S]*/, 'values:\n  - { value: 2 }\n');
  writeFileSync(join(site.contentDir, 'sweeps', 'other-sweep.yaml'), other);
  const full = listRuns(site.runsDir).map((run) => run.info.id);

  await build(site);
  const before = report(site);

  const env = { ...process.env };
  for (const name of ['RUNS_DIR', 'CONTENT_DIR', 'SWEEPBOOK_QUICK']) delete env[name];
  const trained = spawnSync('npm', ['run', 'train', '--', '--quick', '--runs', site.runsDir, '--sweeps', join(site.contentDir, 'sweeps')], {
    env,
    encoding: 'utf8',
  });
  expect(trained.status, trained.stdout + trained.stderr).toBe(0);
  const quick = listRuns(site.runsDir).map((run) => run.info.id).filter((id) => !full.includes(id));
  expect(quick).toHaveLength(4);

  const output = await build(site);
  expect(report(site)).toEqual(before);
  const sweepPage = page(site, `sweeps/${FIXTURE_SWEEP}`);
  const drawnTable = section(sweepPage, '>Runs<');
  const otherConfig = section(sweepPage, 'Runs with another config');
  for (const id of full) expect(drawnTable).toContain(id);
  for (const id of quick) expect(drawnTable).not.toContain(id);
  const quickOfThisSweep = listRuns(site.runsDir).filter((run) => quick.includes(run.info.id) && run.info.sweep === FIXTURE_SWEEP);
  expect(quickOfThisSweep).toHaveLength(3);
  for (const run of quickOfThisSweep) expect(otherConfig).toContain(run.info.id);
  expect(otherConfig).toContain('the --quick config');

  // One warning line per sweep with such runs, however many pages and directives read it.
  expect(count(output, `sweep "${FIXTURE_SWEEP}" has 3 runs with another config`), output).toBe(1);
  expect(count(output, 'sweep "other-sweep" has 1 run with another config'), output).toBe(1);
  expect(output.match(/^.*runs? with another config.*$/gm)).toHaveLength(2);

  // The quick demo, asked for: the quick runs are drawn, the full ones listed apart.
  const demo = await build(site, { SWEEPBOOK_QUICK: '1' });
  const demoReport = report(site);
  for (const run of quickOfThisSweep) expect(demoReport).toContain(run.info.id);
  for (const id of full) expect(demoReport).not.toContain(id);
  expect(count(demo, `sweep "${FIXTURE_SWEEP}" has 3 runs with another config`), demo).toBe(1);
}, 300_000);

test('a newer interrupted or failed run does not shadow the completed one; the sweep page lists it with its status', async () => {
  const site = newSite('shadow');
  writeFixtureRuns(site.runsDir);
  writeFixtureContent(site.contentDir);
  await build(site);
  const before = report(site);

  await new Promise((resolve) => setTimeout(resolve, 5)); // newer by creation time
  const interrupted = writeFixtureRun(site.runsDir, 0, { steps: 10, rewardShift: 5, status: 'interrupted' });
  const failed = writeFixtureRun(site.runsDir, 1, { steps: 0, status: 'failed' });
  const output = await build(site);

  // Figures, tables and generations are those of the completed runs.
  expect(report(site)).toEqual(before);
  const sweepPage = page(site, `sweeps/${FIXTURE_SWEEP}`);
  const listed = section(sweepPage, 'Runs not drawn');
  for (const [dir, status] of [
    [interrupted, 'interrupted'],
    [failed, 'failed'],
  ]) {
    const id = dir.split('/').at(-1)!;
    expect(section(sweepPage, '>Runs<')).not.toContain(id);
    const row = listed.slice(listed.indexOf(id), listed.indexOf('</tr>', listed.indexOf(id)));
    expect(row).toContain(`status-${status}`);
  }
  expect(output).not.toContain('another config');
}, 120_000);
