// One copied-in run folder must not falsify its pages (issue 27, item 3):
// metric names that sanitize alike keep figures of their own, and a run that
// logged hundreds of metrics gets a bounded page that says what it left out.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { RunWriter } from '../src/runs';
import { buildSite, type SiteBuild } from '../src/site/build-site';
import { MAX_METRIC_FIGURES } from '../src/site/run-data';
import { writeFixtureContent } from './fixtures/site-fixture';

const root = mkdtempSync(join(tmpdir(), 'sweepbook-bad-run-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Alike once every character but a word character or - is _ (eval_loss), or of equal length in another script (__).
const ALIKE = ['eval/loss', 'eval.loss', '损失', '精度'];
const MANY = 60;

test('a run page gives every figure ids of its own and draws at most MAX_METRIC_FIGURES metrics, saying so', async () => {
  const site: SiteBuild = { contentDir: join(root, 'content'), runsDir: join(root, 'runs'), outDir: join(root, 'dist'), cacheDir: join(root, 'cache') };
  writeFixtureContent(site.contentDir);
  const writer = RunWriter.create(site.runsDir, { sweep: 'copied', params: { beta: 1 }, label: 'beta=1', color: 'teal', seed: 0, config: {}, totalSteps: 20, generationsCapacity: 0 });
  for (let step = 1; step <= 20; step++) {
    const metrics: Record<string, number> = {};
    // each of the alike names its own line: rising, falling, flat, and a zigzag
    ALIKE.forEach((name, i) => (metrics[name] = [step, -step, 5, step % 2][i]));
    for (let i = ALIKE.length; i < MANY; i++) metrics[`m_${i}`] = i + step;
    writer.logMetrics(step, metrics);
  }
  writer.finish('completed');
  const result = await buildSite(site);
  expect(result.code, result.output).toBe(0);
  const page = readFileSync(join(site.outDir, 'runs', writer.info.id, 'index.html'), 'utf8');

  // every id once, and every <use> shows a line drawn in its own figure
  const ids = [...page.matchAll(/ id="([^"]+)"/g)].map(([, id]) => id);
  expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  const figures = [...page.matchAll(/<figure class="metric-figure" data-metric="([^"]*)"[\s\S]*?<\/figure>/g)];
  for (const [figure, metric] of figures) {
    for (const [, target] of figure.matchAll(/<use href="#([^"]+)"/g)) expect(figure, `${metric}'s phone drawing shows ${target}`).toContain(` id="${target}"`);
  }

  // bounded, in the order logged, and the page says what it left out and where it is
  expect(figures.map(([, metric]) => metric)).toEqual([...ALIKE, ...Array.from({ length: MAX_METRIC_FIGURES - ALIKE.length }, (_, i) => `m_${i + ALIKE.length}`)]);
  expect(page).toContain(`This run logged ${MANY} metrics: the first ${MAX_METRIC_FIGURES} logged are drawn, and the other ${MANY - MAX_METRIC_FIGURES} are in metrics.parquet.`);
}, 180_000);
