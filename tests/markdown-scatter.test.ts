import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { importRuns } from '../src/import/import';
import type { ImportedRun } from '../src/import/imported-run';
import { fixtureDirs, lineOf, renderReport } from './fixtures/render-report';

// The figures' downloads and the drawings vega made go here, not into the shared node_modules/.astro.
const cache = mkdtempSync(join(tmpdir(), 'sweepbook-scatter-cache-'));
process.env.SITE_CACHE_DIR = cache;

const dirs = fixtureDirs();
const seeded = fixtureDirs([1, 2, 3]);
afterAll(() => [dirs.root, seeded.root, cache].forEach((root) => rmSync(root, { recursive: true, force: true })));

/** The desktop drawing of a figure (figure.ts draws a narrow one for phones after it). */
const wideOf = (html: string) => html.slice(0, html.indexOf('<svg', html.indexOf('chart-wide')));
/** Each path's stroke and opacity in the desktop drawing. */
const pathsOf = (html: string) =>
  [...wideOf(html).matchAll(/<g class="mark-line role-mark paths_marks"><path ([^>]*)>/g)].map(([, attributes]) => [/ stroke="([^"]+)"/.exec(attributes)![1], Number(/ opacity="([\d.]+)"/.exec(attributes)![1])]);

type Row = Record<string, number | string>;
interface Spec {
  layer: { name: string; data: { values: Row[] }; encoding: { x: { scale: { type?: string } }; y: { scale: { type?: string } } } }[];
}
/** The figure's vega-lite spec, as its download link serves it. */
function specOf(html: string): Spec {
  const name = /href="\/figures\/(\w+\.vl\.json)"/.exec(html)![1];
  return JSON.parse(readFileSync(join(cache, 'figure-files', name), 'utf8')) as Spec;
}
const layer = (spec: Spec, name: string) => spec.layer.find((l) => l.name === name)?.data.values ?? [];

/** Each fixture run's last 10% of steps, read from its metrics.jsonl: 40 steps, so steps 37 to 40. */
function finalMeans(runsDir: string, label: string, metric: string): number[] {
  return readdirSync(runsDir)
    .map((dir) => ({ dir, info: JSON.parse(readFileSync(join(runsDir, dir, 'run.json'), 'utf8')) as { label: string; seed: number } }))
    .filter(({ info }) => info.label === label)
    .sort((a, b) => a.info.seed - b.info.seed)
    .map(({ dir }) => {
      const lines = readFileSync(join(runsDir, dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Row);
      const last = lines.filter((line) => (line.step as number) >= 37).map((line) => line[metric] as number);
      expect(last).toHaveLength(4);
      return last.reduce((a, b) => a + b) / last.length;
    });
}
const mean = (values: number[]) => values.reduce((a, b) => a + b) / values.length;

describe('::scatter', () => {
  test("draws each run's path in its value's color and a point where each value ended, numbered with the other figures", async () => {
    const body = '::figure{sweep="fixture-sweep" metric="kl"}\n\n::scatter{#fig-frontier sweeps="fixture-sweep" x="kl" y="raw_reward" caption="Reward against KL"}\n\nSee :ref{#fig-frontier}.\n';
    const html = await renderReport(dirs, body);
    const figure = html.slice(html.indexOf('<figure class="scatter-figure"'));
    expect(figure).toMatch(/^<figure class="scatter-figure" data-metric="raw_reward" id="fig-frontier"><div class="chart" data-chart="scatter" data-src="\/figures\/\w+\.json">/);
    expect(pathsOf(figure)).toEqual([['red', 0.7], ['green', 0.7], ['blue', 0.7]]);
    const ends = /<g class="mark-symbol role-mark ends_marks"[^>]*>(.*?)<\/g>/.exec(wideOf(figure))![1];
    expect([...ends.matchAll(/fill="(\w+)"/g)].map((m) => m[1])).toEqual(['red', 'green', 'blue']);
    // one seed a value: no bars
    expect(figure).not.toContain('x_range_marks');
    expect(figure).toContain(
      '<figcaption><span class="figure-number">Figure 2:</span> Reward against KL. Each line is a run\'s path through training, at the steps that logged both metrics, each smoothed with EMA weight 0.9. Each large point is where a value ended: the mean of its last 10% of steps.</figcaption>',
    );
    expect(figure).toMatch(/role="img" aria-label="Chart of Raw reward \(alliteration\) against KL \(nats\) for 3 values: each run&#x27;s path through training \(smoothed, EMA weight 0.9\), and a large point where the value ended: beta=0, beta=1, beta=10."/);
    expect(figure).toMatch(/Download <a href="\/figures\/\w+\.csv" download aria-label="Figure 2 data \(CSV\)">/);
    expect(html).toContain('See <a href="#fig-frontier">Figure 2</a>.');
    // the legend: each value's label once, in the sweep's order
    expect([...wideOf(figure).matchAll(/<text[^>]*>(beta=\d+)<\/text>/g)].map((m) => m[1])).toEqual(['beta=0', 'beta=1', 'beta=10']);
  });

  test("several seeds: a faint path per seed, the point at the mean of the seeds' last 10% of steps, bars from their lowest to highest end", async () => {
    const html = await renderReport(seeded, '::scatter{sweeps="fixture-sweep" x="repetition" y="raw_reward" smooth=0.5}\n');
    expect(pathsOf(html)).toEqual(['red', 'red', 'red', 'green', 'green', 'green', 'blue', 'blue', 'blue'].map((color) => [color, 0.35]));
    const spec = specOf(html);
    for (const label of ['beta=0', 'beta=1', 'beta=10']) {
      const [x, y] = [finalMeans(seeded.runsDir, label, 'repetition'), finalMeans(seeded.runsDir, label, 'raw_reward')];
      const end = layer(spec, 'ends').find((row) => row.run === label)!;
      expect(end.x).toBeCloseTo(mean(x), 12);
      expect(end.y).toBeCloseTo(mean(y), 12);
      // reward differs between seeds; repetition does not, so its bar has no length
      expect(layer(spec, 'y_range').find((row) => row.run === label)).toEqual({ run: label, x: end.x, min: Math.min(...y), max: Math.max(...y) });
      expect(layer(spec, 'x_range').find((row) => row.run === label)).toEqual({ run: label, y: end.y, min: Math.min(...x), max: Math.max(...x) });
      expect(Math.min(...y)).toBeLessThan(Math.max(...y));
    }
    expect(html).toContain("With 3 seeds a value, each seed's path is faint, its point the mean of their ends, and its bars their lowest to highest end.</figcaption>");
    expect(html).toContain('each smoothed with EMA weight 0.5.');
    // hover shows each end point's x and y, seeds' range in brackets
    const data = JSON.parse(readFileSync(join(cache, 'figure-files', /data-src="\/figures\/(\w+\.json)"/.exec(html)![1]), 'utf8')) as { kind: string; titles: object; points: { label: string; x: { value: number } }[] };
    expect(data.kind).toBe('scatter');
    expect(data.titles).toEqual({ x: 'Repetition', y: 'Raw reward' });
    expect(data.points.map((p) => p.label)).toEqual(['beta=0', 'beta=1', 'beta=10']);
    expect(data.points[0].x.value).toBe(Number(mean(finalMeans(seeded.runsDir, 'beta=0', 'repetition')).toPrecision(4)));
  });

  test('logx and logy draw log axes; one over a value at or below 0 fails at its line, naming the metric', async () => {
    const spec = specOf(await renderReport(dirs, '::scatter{sweeps="fixture-sweep" x="kl" y="entropy" logx logy=false}\n'));
    expect(spec.layer.map((l) => [l.encoding.x.scale.type, l.encoding.y.scale.type])).toEqual([['log', undefined], ['log', undefined]]);
    const both = specOf(await renderReport(dirs, '::scatter{sweeps="fixture-sweep" x="kl" y="entropy" logx=true logy}\n'));
    expect(both.layer[0].encoding.y.scale.type).toBe('log');
    // beta=10's raw reward dips below 0 early on (0.05 sin(step) over a small trend)
    const body = 'Text.\n\n::scatter{sweeps="fixture-sweep" x="kl" y="raw_reward" logy}\n';
    await expect(renderReport(dirs, body, 'bad.md')).rejects.toThrow(
      new RegExp(`reports/bad\\.md:${lineOf(body, '::scatter')}: ::scatter: logy: "raw_reward" has values at or below 0 \\(lowest -0\\.\\d+\\), which a log axis cannot show`),
    );
  });

  test.each([
    ['::scatter{sweeps="fixture-sweep" x="kl" y="foo"}', 'unknown metric "foo" in sweep "fixture-sweep" (known: raw_reward, kl, total_reward, entropy, repetition)'],
    ['::scatter{sweeps="fixture-sweep,nope" x="kl" y="raw_reward"}', 'unknown sweep "nope" (known: fixture-sweep)'],
    ['::scatter{sweeps="fixture-sweep" x="kl" y="raw_reward" metric="kl"}', 'unknown attribute "metric" (known: sweeps, x, y, caption, smooth, logx, logy, id)'],
    ['::scatter{sweeps="fixture-sweep" x="kl"}', 'missing attribute "y"'],
    ['::scatter{sweeps="fixture-sweep" x="kl" y="raw_reward" smooth=1}', 'attribute smooth="1"'],
    ['::scatter{sweeps="fixture-sweep" x="kl" y="raw_reward" logx="yes"}', 'attribute logx="yes"'],
    ['::scatter{sweeps="fixture-sweep, fixture-sweep" x="kl" y="raw_reward"}', 'attribute sweeps="fixture-sweep, fixture-sweep": sweep "fixture-sweep" is listed twice'],
    ['::scatter{sweeps="fixture-sweep" x="kl" y="raw_reward" x="entropy"}', 'attribute "x" is given twice'],
  ])('%s fails with the report file and line', async (directive, message) => {
    const body = `Text.\n\n${directive}\n`;
    await expect(renderReport(dirs, body, 'bad.md')).rejects.toThrow(`reports/bad.md:${lineOf(body, '::scatter')}: ::scatter: ${message}`);
  });

  test("several sweeps: their values merged in sweep order, a value both have (same label, same runs) drawn once", async () => {
    // a second sweep file of the same config: its beta=10 is the fixture's run, its "one" beta=1's run under another label
    writeFileSync(
      join(dirs.sweepsDir, 'fixture-second.yaml'),
      'title: Second\nvary: beta\nseed: 1\nvalues:\n  - { value: 10, label: "beta=10", color: blue }\n  - { value: 1, label: "one", color: orange }\n',
    );
    const html = await renderReport(dirs, '::scatter{sweeps="fixture-sweep, fixture-second" x="kl" y="raw_reward"}\n');
    rmSync(join(dirs.sweepsDir, 'fixture-second.yaml'));
    expect(pathsOf(html).map(([color]) => color)).toEqual(['red', 'green', 'blue', '#c98200']);
    expect(layer(specOf(html), 'ends').map((row) => row.run)).toEqual(['beta=0', 'beta=1', 'beta=10', 'one']);
    // no caption: it says what it draws
    expect(html).toContain('<figcaption><span class="figure-number">Figure 1:</span> Raw reward against KL. Each line');
  });

  test('imported runs with sparse tags: paired at the steps both logged; a run that logged only one, or neither, is left out', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sweepbook-scatter-imported-'));
    const runsDir = join(root, 'runs');
    const sweepsDir = join(root, 'content', 'sweeps');
    mkdirSync(join(root, 'content', 'reports'), { recursive: true });
    const run = (path: string, scalars: [string, number[], number[]][]): ImportedRun => ({
      path,
      scalars: new Map(scalars.map(([name, steps, values]) => [name, { steps, values, times: steps.map(() => null) }])),
      texts: [],
      params: {},
      files: [],
      skipped: {},
      warnings: [],
    });
    const every = Array.from({ length: 50 }, (_, i) => i + 1);
    const tenth = every.filter((step) => step % 10 === 0);
    importRuns({ format: 'tensorboard', root: 'logs', sweep: 'theirs', runsDir, sweepsDir, pathParams: [] }, [
      run('both', [['train/loss', every, every.map((step) => 1 / step)], ['eval/reward', tenth, tenth.map((step) => step / 10)]]),
      run('loss-only', [['train/loss', every, every.map((step) => 2 / step)]]),
      run('lr-only', [['lr', every, every.map(() => 0.001)]]),
    ]);
    try {
      const html = await renderReport({ runsDir, sweepsDir, root: join(root, 'content') }, '::scatter{sweeps="theirs" x="train/loss" y="eval/reward" smooth=0 logx logy}\n');
      const paths = layer(specOf(html), 'paths');
      expect(paths.map((row) => [row.run, row.step, row.x, row.y])).toEqual(tenth.map((step) => ['both', step, 1 / step, step / 10]));
      // its end: the mean of the last 10% of each tag's own steps (loss: 46 to 50; reward: 50)
      const loss = [46, 47, 48, 49, 50].map((step) => 1 / step);
      expect(layer(specOf(html), 'ends')).toEqual([{ run: 'both', x: loss.reduce((a, b) => a + b) / 5, y: 5 }]);
      expect([...wideOf(html).matchAll(/<text[^>]*>([\w-]+only|both)<\/text>/g)].map((m) => m[1])).toEqual(['both']);
      expect(html).toContain('train/loss');
      // each tag logged by some run, both by none: nothing to draw, said at the directive's line
      const body = 'Text.\n\n::scatter{sweeps="theirs" x="train/loss" y="lr"}\n';
      await expect(renderReport({ runsDir, sweepsDir, root: join(root, 'content') }, body, 'bad.md')).rejects.toThrow(
        `reports/bad.md:${lineOf(body, '::scatter')}: ::scatter: no run of sweep "theirs" logged both "train/loss" and "lr"`,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
