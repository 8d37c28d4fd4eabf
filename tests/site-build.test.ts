// Building the site: changed run data shows on the next build although
// Astro's content cache is kept, a wrong directive or run file fails the
// build with one line naming the file and line, runs that logged nothing
// yet do not fail it, and pages stay bounded however much a run logged.
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { listRuns, RunWriter } from '../src/runs';
import { parseBuildPhases, PHASES } from '../src/site/build-phases';
import { BUILD_NODE_FLAGS, buildSite, type SiteBuild } from '../src/site/build-site';
import {
  FIXTURE_SWEEP,
  LONG_GENERATION,
  MANY_GENERATIONS,
  REPORT,
  writeFixtureContent,
  writeFixtureRun,
  writeFixtureRuns,
  writeManyGenerationsRun,
} from './fixtures/site-fixture';
import { readParquet } from './read-parquet';

let root: string;
let site: SiteBuild;
let manyGenerationsRun: string;
/** What the first build of this file printed. */
let firstBuildOutput: string | undefined;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'sweepbook-site-'));
  site = { contentDir: join(root, 'content'), runsDir: join(root, 'runs'), outDir: join(root, 'dist'), cacheDir: join(root, 'cache') };
  writeFixtureRuns(site.runsDir);
  manyGenerationsRun = writeManyGenerationsRun(site.runsDir);
  // A run folder that lost its run.json.
  mkdirSync(join(site.runsDir, 'lost-run'));
  writeFileSync(join(site.runsDir, 'lost-run', 'metrics.jsonl'), '{"step":1,"time":1,"kl":1}\n');
  writeFixtureContent(site.contentDir);
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

/** A new site folder of its own (content and runs written by the caller). */
function newSite(name: string): SiteBuild {
  const dir = join(root, name);
  return { contentDir: join(dir, 'content'), runsDir: join(dir, 'runs'), outDir: join(dir, 'dist'), cacheDir: join(dir, 'cache') };
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** The build printed this error once, as one line, and nothing of Astro's wrapping or stack. */
function expectOneLineError(output: string, line: string): void {
  expect(count(output, line), output).toBe(1);
  expect(output).not.toContain('Failed to parse Markdown file');
  expect(output).not.toMatch(/^\s+at /m);
  expect(output).not.toContain('Stack trace');
}

function reportHtml(): string {
  return readFileSync(join(site.outDir, 'reports/fixture-report/index.html'), 'utf8');
}

function firstFigure(html: string): string {
  return html.slice(html.indexOf('<figure'), html.indexOf('</figure>'));
}

test('a report that renders seconds after another is in the build, as it rendered', async () => {
  // A content store save asked for while an earlier one is writing must not
  // lose the later report (Astro 5.18 wrote the earlier data again, and the
  // build exited 0 without the page: withastro/astro#15672).
  const late = newSite('late-report');
  writeFixtureRuns(late.runsDir, 100_000); // its figures read 3 x 100,000 steps: it renders seconds after the note
  writeFixtureContent(late.contentDir);
  writeFileSync(join(late.contentDir, 'reports', 'a-note.md'), '---\ntitle: A note\ndate: 2024-11-01\ndescription: Renders at once.\n---\n\nNo figures here.\n');
  const result = await buildSite(late);
  expect(result.code, result.output).toBe(0);
  expect(readFileSync(join(late.outDir, 'reports/a-note/index.html'), 'utf8')).toContain('No figures here.');
  const report = readFileSync(join(late.outDir, 'reports/fixture-report/index.html'), 'utf8');
  expect(report).toContain('Raw reward against steps');
  expect(report).toContain('Each run kept 5 of the 100000 it logged.');
});

test('changed run data shows in the report on the next build, with the content cache kept', async () => {
  const first = await buildSite(site);
  expect(first.code, first.output).toBe(0);
  firstBuildOutput = first.output;
  const before = reportHtml();
  const run = listRuns(site.runsDir).find(({ info }) => info.sweep === FIXTURE_SWEEP)!;
  // Figures are kept by a digest of their data between builds (in the cache folder, kept here too).
  const runPage = () => readFileSync(join(site.outDir, 'runs', run.info.id, 'index.html'), 'utf8');
  const runPageBefore = runPage();

  // Same run, same id, new metrics: the report's markdown does not change.
  const { writer } = RunWriter.resume(run.dir);
  for (let step = 1; step <= 40; step++) {
    writer.logMetrics(step, { raw_reward: 100 + step, kl: 1, total_reward: 100, entropy: 1, repetition: 0.5 });
  }
  writer.finish('completed');

  const second = await buildSite(site);
  expect(second.code, second.output).toBe(0);
  // The report is rendered anew over its own stored entry: not a duplicate (Astro 5's glob loader says it is).
  expect(second.output).not.toContain('Duplicate id');
  const after = reportHtml();
  expect(firstFigure(after)).not.toEqual(firstFigure(before));
  // The drawing itself, not only the hover data beside it.
  const firstSvg = (html: string) => html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));
  expect(firstSvg(runPage())).not.toEqual(firstSvg(runPageBefore));
  expect(firstSvg(after)).not.toEqual(firstSvg(before));
  // The runs table's final raw_reward of the changed run is the new one: the mean of its last 10% of steps (37-40: 138.5).
  const row = (html: string) => html.slice(html.indexOf(`runs/${run.info.id}/`), html.indexOf('</tr>', html.indexOf(`runs/${run.info.id}/`)));
  expect(row(before)).not.toContain('>139<');
  expect(row(after)).toContain('>139<');
}, 180_000);

test('tests and the bench build as `npm run build` does, with its Node flags', () => {
  const { scripts } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
  expect(scripts.build).toBe(`node ${BUILD_NODE_FLAGS.join(' ')} node_modules/astro/bin/astro.mjs build`);
});

test('a build says where its time went: five phases that add up to its wall time', async () => {
  const start = performance.now();
  const result = await buildSite(site);
  const seconds = (performance.now() - start) / 1000;
  expect(result.code, result.output).toBe(0);
  const phases = parseBuildPhases(result.output);
  expect(phases, result.output).not.toBeNull();
  const total = PHASES.reduce((sum, phase) => sum + phases![phase], 0);
  // Each phase printed to a tenth; the process's exit and the child's spawn are outside them.
  expect(total).toBeLessThanOrEqual(seconds + 0.3);
  expect(total).toBeGreaterThan(seconds - 3);
  expect(phases!.pages).toBeGreaterThan(0);
}, 180_000);

test('a run keeping 50,000 generations gets a bounded page, all of them in its download, and every step in its metrics download; a folder without run.json is named once', async () => {
  // Built by the test above; built here when that one is left out.
  if (!existsSync(join(site.outDir, 'index.html'))) {
    const result = await buildSite(site);
    expect(result.code, result.output).toBe(0);
    firstBuildOutput = result.output;
  }
  // The folder without run.json is named once, not once per page that lists runs.
  const warnings = firstBuildOutput!.split('\n').filter((line) => line.includes('lost-run'));
  expect(warnings).toEqual([`warning: ${join(site.runsDir, 'lost-run')}: has metrics.jsonl but no run.json, so it is not listed as a run`]);
  const runDir = join(site.outDir, 'runs', manyGenerationsRun);
  const page = readFileSync(join(runDir, 'index.html'), 'utf8');
  expect(statSync(join(runDir, 'index.html')).size).toBeLessThan(2 ** 20);
  expect(page).toContain(`The newest 50 of the ${MANY_GENERATIONS} kept generations`);
  expect(page.match(/class="generation"/g)).toHaveLength(5 + 50);
  expect(page).toContain(`${(`${MANY_GENERATIONS} ${LONG_GENERATION}`.length - 2000).toLocaleString('en')} more characters in the`);
  expect(page).toContain(`href="/runs/${manyGenerationsRun}/generations.jsonl"`);

  const download = readFileSync(join(runDir, 'generations.jsonl'), 'utf8').trimEnd().split('\n');
  expect(download).toHaveLength(MANY_GENERATIONS);
  expect(JSON.parse(download.at(-1)!)).toEqual({ step: MANY_GENERATIONS, text: `${MANY_GENERATIONS} ${LONG_GENERATION}` });

  // One download of the metrics, every step in it; no uncompressed copies beside it.
  expect(page).toContain(`href="/runs/${manyGenerationsRun}/metrics.parquet"`);
  expect(readdirSync(runDir).sort()).toEqual(['generations.jsonl', 'index.html', 'metrics.parquet']);
  const { rows, columns } = await readParquet(readFileSync(join(runDir, 'metrics.parquet')));
  expect(columns.map((column) => column.name)).toEqual(['step', 'time', 'raw_reward', 'loss, smoothed', '=1+2']);
  expect(rows[0]).toEqual({ step: 1000, time: expect.any(Number), raw_reward: -0.5, 'loss, smoothed': 1, '=1+2': 2 });
  expect(rows).toHaveLength(MANY_GENERATIONS / 1000);

  // This run's sweep has no sweep file, so no page to link to; a fixture run's has.
  expect(page).toMatch(/of sweep\s*<code>many-generations<\/code>/);
  const fixtureRun = listRuns(site.runsDir).find((run) => run.info.sweep === FIXTURE_SWEEP)!;
  expect(readFileSync(join(site.outDir, 'runs', fixtureRun.info.id, 'index.html'), 'utf8')).toContain(`<a href="/sweeps/${FIXTURE_SWEEP}/">${FIXTURE_SWEEP}</a>`);
}, 180_000);

test('an unknown metric fails the build with the report file and line', async () => {
  const broken = REPORT.replace('metric="kl"', 'metric="foo"');
  const line = broken.split('\n').findIndex((text) => text.includes('metric="foo"')) + 1;
  writeFixtureContent(site.contentDir, broken);
  const result = await buildSite(site);
  expect(result.code).not.toBe(0);
  expectOneLineError(result.output, `fixture-report.md:${line}: ::figure: unknown metric "foo" in sweep "fixture-sweep"`);
}, 120_000);

test('an unknown sweep fails the build too, and keeps failing until it is fixed', async () => {
  const broken = REPORT.replace('::runs{sweep="fixture-sweep"}', '::runs{sweep="nope"}');
  const line = broken.split('\n').findIndex((text) => text.includes('sweep="nope"')) + 1;
  writeFixtureContent(site.contentDir, broken);
  for (let attempt = 0; attempt < 2; attempt++) {
    const result = await buildSite(site);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(`fixture-report.md:${line}: ::runs: unknown sweep "nope" (known: fixture-sweep)`);
  }
}, 180_000);

test('wrong sweep files fail the build with each one\'s error once, all in one build, with the line to fix and the valid keys', async () => {
  const bad = newSite('bad-sweeps');
  writeFixtureRuns(bad.runsDir);
  writeFixtureContent(bad.contentDir);
  // No report uses these two: a page is the first to read them.
  const sweeps = join(bad.contentDir, 'sweeps');
  writeFileSync(join(sweeps, 'learning.yaml'), 'title: L\nvary: beta\nvalues:\n  - { value: 1 }\nconfig:\n  learning_rate: 0.1\n');
  writeFileSync(join(sweeps, 'unclosed.yaml'), 'title: U\nvary: beta\nseeds: [0]\nvalues:\n  - { value: 1, label: "a" }\n  - { value: 2, label: "b"\n  - { value: 3, label: "c" }\n');
  const result = await buildSite(bad);
  expect(result.code).not.toBe(0);
  expectOneLineError(result.output, `${join(sweeps, 'learning.yaml')}:6: config.learning_rate: "learning_rate" is not a training config key (did you mean "lr"?); the keys: model, embed_dim,`);
  expectOneLineError(result.output, `${join(sweeps, 'unclosed.yaml')}:6: not valid YAML at column 5: the { opened here is not closed with }`);
  expect(result.output).not.toContain('Caught error rendering');
}, 120_000);

test('every wrong directive of every report fails one build, each once with its file and line', async () => {
  const bad = newSite('bad-directives');
  writeFixtureRuns(bad.runsDir);
  const first = REPORT.replace('metric="kl"', 'metric="foo"').replace('last=2', 'lsat=2');
  writeFixtureContent(bad.contentDir, first);
  const second = REPORT.replace('::runs{sweep="fixture-sweep"}', '::runs{sweep="nope"}').replace('metric="repetition"', 'metric="rep"');
  writeFileSync(join(bad.contentDir, 'reports', 'second.md'), second);
  const result = await buildSite(bad);
  expect(result.code).not.toBe(0);
  const line = (report: string, needle: string) => report.split('\n').findIndex((text) => text.includes(needle)) + 1;
  expectOneLineError(result.output, `fixture-report.md:${line(first, 'metric="foo"')}: ::figure: unknown metric "foo" in sweep "fixture-sweep" (known: `);
  expectOneLineError(result.output, `fixture-report.md:${line(first, 'lsat=2')}: ::generations: unknown attribute "lsat" (known: sweep, last, seeds, seed, tag)`);
  expectOneLineError(result.output, `second.md:${line(second, 'metric="rep"')}: ::final: unknown metric "rep" in sweep "fixture-sweep" (known: `);
  expectOneLineError(result.output, `second.md:${line(second, 'sweep="nope"')}: ::runs: unknown sweep "nope" (known: fixture-sweep)`);
}, 120_000);

test('a bad line in a run\'s metrics.jsonl fails the build with one line naming that file, line and field', async () => {
  const bad = newSite('bad-metrics');
  writeFixtureRuns(bad.runsDir);
  writeFixtureContent(bad.contentDir);
  const metrics = join(listRuns(bad.runsDir)[1].dir, 'metrics.jsonl');
  appendFileSync(metrics, '{"step":"x","time":1}\n');
  const result = await buildSite(bad);
  expect(result.code).not.toBe(0);
  expectOneLineError(result.output, `${metrics}:41: step: `);

  // The same when no report reads the run, and a page is the first to.
  writeFixtureContent(bad.contentDir, '---\ntitle: Plain\ndate: 2024-11-01\ndescription: No directives.\n---\n\nText.\n');
  const fromPage = await buildSite(bad);
  expect(fromPage.code).not.toBe(0);
  expectOneLineError(fromPage.output, `${metrics}:41: step: `);
}, 120_000);

test('a sweep whose runs logged nothing yet (stopped in pretraining) builds', async () => {
  const early = newSite('nothing-logged');
  writeFixtureContent(early.contentDir);
  // One value has a completed run and a newer one stopped before its first step;
  // the others only a run that is still pretraining.
  const reference = { hash: 'feedc0ffee123456', held_out_loss: 1.0712, bound: 0.9641, held_out_stories: 256, pretrain_seconds: 287.4, pretrain_cpu_seconds: 280, samples: ['Once upon a time, Max the dog lived near a big park.'] };
  writeFixtureRun(early.runsDir, 0, { reference });
  writeFixtureRun(early.runsDir, 0, { steps: 0, status: 'interrupted' });
  writeFixtureRun(early.runsDir, 1, { steps: 0, status: 'running' });
  const result = await buildSite(early);
  expect(result.code, result.output).toBe(0);
  // The sweep page says what the reference model of its runs is.
  const sweepPage = readFileSync(join(early.outDir, `sweeps/${FIXTURE_SWEEP}/index.html`), 'utf8');
  expect(sweepPage).toContain('<h2>Reference model</h2>');
  expect(sweepPage).toContain('<strong>1.07 nats/token</strong>');
  expect(sweepPage).toContain('Once upon a time, Max the dog lived near a big park.');

  // And a sweep none of whose runs logged anything yet.
  rmSync(early.runsDir, { recursive: true });
  writeFixtureRun(early.runsDir, 2, { steps: 0, status: 'running' });
  const second = await buildSite(early);
  expect(second.code, second.output).toBe(0);
  expect(readFileSync(join(early.outDir, 'reports/fixture-report/index.html'), 'utf8')).toContain('No metrics logged yet');
}, 180_000);
