import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadSweep, RunWriter } from '../src/runs';
import { sweepUnits } from '../src/runner/plan';
import { fixtureDirs, lineOf, renderReport } from './fixtures/render-report';

/** The desktop drawing of a figure (figure.ts draws a narrow one for phones after it). */
const wideOf = (html: string) => html.slice(0, html.indexOf('<svg', html.indexOf('chart-wide')));

const dirs = fixtureDirs();
const seeded = fixtureDirs([1, 2, 3]);
afterAll(() => [dirs, seeded].forEach(({ root }) => rmSync(root, { recursive: true, force: true })));

describe('::final', () => {
  test('draws one point per run in its color, against the swept value', async () => {
    const html = await renderReport(dirs, '::final{sweeps="fixture-sweep" metric="repetition" caption="Where runs end"}\n');
    expect(html).toMatch(/^<figure class="final-figure" data-metric="repetition" id="fig-1">/);
    const symbols = /<g class="mark-symbol[^>]*>(.*?)<\/g>/.exec(html)?.[1] ?? '';
    expect([...symbols.matchAll(/fill="(\w+)"/g)].map((m) => m[1])).toEqual(['red', 'green', 'blue']);
    expect(html).toContain(`<figcaption><span class="figure-number">Figure 1:</span> Where runs end. Each point is the mean of the last 10% of a run's steps.</figcaption>`);
    expect(html).toMatch(/aria-label="[^"]*Repetition[^"]*beta/);
  });

  test('several seeds: the mean per value with a min–max bar in its color, each seed small beside it', async () => {
    const html = await renderReport(seeded, '::final{sweeps="fixture-sweep" metric="raw_reward" caption="Where values end."}\n');
    const rules = /<g class="mark-rule role-mark[^>]*>(.*?)<\/g>/.exec(html)?.[1] ?? '';
    expect([...rules.matchAll(/stroke="(\w+)"/g)].map((m) => m[1])).toEqual(['red', 'green', 'blue']);
    const symbols = [...wideOf(html).matchAll(/<g class="mark-symbol[^>]*>(.*?)<\/g>/g)].map((m) => [...m[1].matchAll(/fill="(\w+)"/g)].map((f) => f[1]));
    expect(symbols).toEqual([
      ['red', 'red', 'red', 'green', 'green', 'green', 'blue', 'blue', 'blue'], // the seeds
      ['red', 'green', 'blue'], // the means
    ]);
    expect(html).toContain("<figcaption><span class=\"figure-number\">Figure 1:</span> Where values end. Each point is the mean of the last 10% of a run's steps. Each large point is the mean over its value's 3 seeds, its bar their lowest to highest value, the small points the seeds.</figcaption>");
  });

  test.each([
    ['::final{sweeps="fixture-sweep" metric="foo"}', 'unknown metric "foo" in sweep "fixture-sweep"'],
    ['::final{sweeps="fixture-sweep,nope" metric="kl"}', 'unknown sweep "nope"'],
    ['::final{metric="kl"}', 'missing attribute "sweeps"'],
    ['::final{sweeps="fixture-sweep,fixture-sweep" metric="kl"}', 'attribute sweeps="fixture-sweep,fixture-sweep": sweep "fixture-sweep" is listed twice'],
    ['::final{sweeps="fixture-sweep,,nope" metric="kl"}', 'attribute sweeps="fixture-sweep,,nope": an empty sweep id'],
  ])('%s fails with the report file and line', async (directive, message) => {
    const body = `Text.\n\n${directive}\n`;
    await expect(renderReport(dirs, body, 'bad.md')).rejects.toThrow(`reports/bad.md:${lineOf(body, '::final')}: ::final: ${message}`);
  });
});

describe('::final of a sweep of several params', () => {
  const GRID = 'title: Grid\ngrid:\n  beta: [1, 10]\n  lr: [0.001, 0.002, 0.004]\ncolor_by: beta\nconfig: { rl_steps: 4 }\n';
  const RANDOM = 'title: Random\nrandom:\n  draws: 6\n  seed: 1\n  params:\n    beta: { choice: [1, 10] }\n    lr: { log_uniform: [0.001, 0.004] }\nconfig: { rl_steps: 4 }\n';
  /** Runs of every unit of a sweep file, raw_reward 1000 * lr + beta, so each point's end is known. */
  const trainFixture = (id: string, yaml: string) => {
    const file = join(dirs.sweepsDir, `${id}.yaml`);
    writeFileSync(file, yaml);
    for (const { params, label, color, seed, config } of sweepUnits(loadSweep(file), false)) {
      const writer = RunWriter.create(dirs.runsDir, { sweep: id, params, label, color, seed, config, totalSteps: 4, generationsCapacity: 0 });
      for (let step = 1; step <= 4; step++) writer.logMetrics(step, { raw_reward: 1000 * (params.lr as number) + (params.beta as number) });
      writer.finish('completed');
    }
  };
  beforeAll(() => {
    trainFixture('grid', GRID);
    trainFixture('random', RANDOM);
  });
  /** The wide drawing's big points (fill) and how many series its lines join. */
  const drawing = (html: string) => {
    const wide = wideOf(html);
    const ends = /<g class="mark-symbol role-mark ends[^>]*>(.*?)<\/g>/.exec(wide)?.[1] ?? '';
    // vega draws each series' line in a group of its own
    return { fills: [...ends.matchAll(/fill="([^"]+)"/g)].map((m) => m[1]), joins: wide.split('class="mark-line role-mark joins').length - 1 };
  };

  test('by default against its first uncolored param, one joined series per value of the colored one, in its colors', async () => {
    const html = await renderReport(dirs, '::final{sweeps="grid" metric="raw_reward"}\n');
    const { fills, joins } = drawing(html);
    expect(joins).toBe(2);
    expect(new Set(fills.slice(0, 3)).size).toBe(1); // beta=1's three lrs: one color
    expect(fills[0]).not.toBe(fills[3]);
    expect(html).toMatch(/aria-label="[^"]*against lr/);
    expect(html).toContain('beta=1');
    expect(html).toContain('beta=10');
  });

  test('x="beta" color="lr": against beta, a series per lr in colors of its own', async () => {
    const html = await renderReport(dirs, '::final{sweeps="grid" metric="raw_reward" x="beta" color="lr"}\n');
    const { fills, joins } = drawing(html);
    expect(joins).toBe(3);
    expect(new Set(fills).size).toBe(3);
    expect(html).toMatch(/aria-label="[^"]*against beta/);
    // the legend: each lr in its color, in lr's order
    const legend = wideOf(html).slice(wideOf(html).indexOf('role-legend'));
    expect([...legend.matchAll(/>(lr=[0-9.]+)</g)].map((m) => m[1])).toEqual(['lr=0.001', 'lr=0.002', 'lr=0.004']);
    const swatches = [...legend.matchAll(/<circle[^>]*fill="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(swatches).size).toBe(3);
  });

  test('several sweeps with nothing drawn yet (a quick demo build of full-run reports) draw an empty figure', async () => {
    for (const id of ['empty-a', 'empty-b']) writeFileSync(join(dirs.sweepsDir, `${id}.yaml`), 'title: Empty\nvary: beta\nvalues: [{ value: 1 }, { value: 2 }]\n');
    const html = await renderReport(dirs, '::final{sweeps="empty-a,empty-b" metric="raw_reward"}\n');
    expect(html).toContain('final-figure');
  });

  test("a random search's points are drawn, not joined", async () => {
    const html = await renderReport(dirs, '::final{sweeps="random" metric="raw_reward"}\n');
    const { fills, joins } = drawing(html);
    expect(fills).toHaveLength(6);
    expect(joins).toBe(0);
  });

  test.each([
    ['::final{sweeps="grid" metric="raw_reward" x="gamma"}', 'sweep "grid" does not vary gamma (it varies beta, lr)'],
    ['::final{sweeps="grid" metric="raw_reward" x="lr" color="lr"}', 'x and color are both lr: color the points by another param'],
    ['::final{sweeps="grid,fixture-sweep" metric="raw_reward"}', 'the sweeps vary different fields (lr, beta): give x="..." one they all vary'],
  ])('%s fails with the report file and line', async (directive, message) => {
    const body = `Text.\n\n${directive}\n`;
    await expect(renderReport(dirs, body, 'bad.md')).rejects.toThrow(`reports/bad.md:${lineOf(body, '::final')}: ::final: ${message}`);
  });
});
