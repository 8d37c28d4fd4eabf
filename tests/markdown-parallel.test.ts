import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { loadSweep, RunWriter } from '../src/runs';
import { sweepUnits } from '../src/runner/plan';
import { fixtureDirs, lineOf, renderReport } from './fixtures/render-report';

const SWEEP = 'lr-beta-grid';
// 3 × 2 points; beta=10 at lr 0.01 is never trained, and beta=10 at lr 0.001 logs no KL
const YAML = `title: lr and beta
grid:
  beta: [0.1, 1, 10]
  lr: [0.001, 0.01]
seeds: [0, 1]
`;

const dirs = fixtureDirs();
const file = join(dirs.sweepsDir, `${SWEEP}.yaml`);
writeFileSync(file, YAML);
for (const { params, label, color, seed, config } of sweepUnits(loadSweep(file), false)) {
  const [beta, lr] = [params.beta as number, params.lr as number];
  if (beta === 10 && lr === 0.01) continue;
  const writer = RunWriter.create(dirs.runsDir, { sweep: SWEEP, params, label, color, seed, config, totalSteps: 20, generationsCapacity: 2 });
  for (let step = 1; step <= 20; step++) {
    writer.logMetrics(step, { raw_reward: 100 * lr - beta + seed, ...(beta === 10 ? {} : { kl: 10 / beta }) });
  }
  writer.finish('completed');
}
afterAll(() => rmSync(dirs.root, { recursive: true, force: true }));

/** The desktop drawing (figure.ts draws a narrow one for phones after it). */
const wideOf = (html: string) => html.slice(0, html.indexOf('<svg', html.indexOf('chart-wide')));
/** Each line's stroke, in drawing order. */
const lineColors = (svg: string) => [...svg.matchAll(/class="mark-line role-mark lines_marks"><path [^>]*stroke="([^"]+)"/g)].map((m) => m[1]);

describe('::parallel', () => {
  test('one line per trained point in its color, across an axis per param and metric; untrained and unlogged points named in the caption', async () => {
    const html = await renderReport(dirs, `::parallel{sweep="${SWEEP}" metrics="raw_reward,kl" caption="Where the grid ends"}\n`);
    expect(html).toMatch(/^<figure class="parallel-figure" data-metric="raw_reward" id="fig-1"><div class="chart" data-chart="parallel" data-src="[^"]+\.json">/);
    // beta=0.1's two points, then beta=1's, in the sweep's colors for beta
    expect(lineColors(wideOf(html))).toEqual(['dodgerblue', 'dodgerblue', 'orangered', 'orangered']);
    for (const name of ['beta', 'lr', 'Raw reward', '(alliteration)', 'KL', '(nats)']) expect(wideOf(html)).toContain(`>${name}</text>`);
    expect(html).toContain(
      '<figcaption><span class="figure-number">Figure 1:</span> Where the grid ends. ' +
        "Each line is a point of the sweep: its beta and lr, then where each metric ended (the mean of its last 10% of steps, over the point's seeds). " +
        'No results yet for beta=10, lr=0.01 (not trained yet). Left out, with no final value of every metric yet: beta=10, lr=0.001.</figcaption>',
    );
    expect(html).toContain('Download <a href=');
  });

  test('params="lr" chooses the param axes; it is numbered among the other figures', async () => {
    const html = await renderReport(dirs, `::figure{sweep="fixture-sweep" metric="kl"}\n\n::parallel{#fig-grid sweep="${SWEEP}" metrics="raw_reward" params="lr"}\n\nSee :ref{#fig-grid}.\n`);
    const figure = html.slice(html.indexOf('<figure class="parallel-figure"'));
    expect(figure).toMatch(/^<figure class="parallel-figure" data-metric="raw_reward" id="fig-grid">/);
    expect(wideOf(figure)).not.toContain('>beta</text>');
    expect(wideOf(figure)).toContain('>lr</text>');
    // with raw_reward alone, beta=10 at lr 0.001 has every final it needs
    expect(lineColors(wideOf(figure))).toEqual(['dodgerblue', 'dodgerblue', 'orangered', 'orangered', 'seagreen']);
    expect(figure).toContain('<span class="figure-number">Figure 2:</span> Raw reward by lr.');
    expect(html).toContain('<a href="#fig-grid">Figure 2</a>');
  });

  test('a sweep with no runs yet says so', async () => {
    writeFileSync(join(dirs.sweepsDir, 'untrained-grid.yaml'), 'title: Untrained\ngrid:\n  beta: [1, 2]\n  lr: [0.1]\n');
    const html = await renderReport(dirs, '::parallel{sweep="untrained-grid" metrics="kl"}\n');
    expect(html).toBe('<p><em>No runs of sweep "untrained-grid" yet.</em></p>');
  });

  test.each([
    [`::parallel{sweep="${SWEEP}" metrics="raw_reward" params="lr,warmup"}`, `unknown param "warmup" in sweep "${SWEEP}" (it varies: beta, lr)`],
    [`::parallel{sweep="${SWEEP}" metrics="raw_reward,foo"}`, `unknown metric "foo" in sweep "${SWEEP}" (known: raw_reward, kl)`],
    [`::parallel{sweep="${SWEEP}"}`, 'missing attribute "metrics"'],
    [`::parallel{sweep="${SWEEP}" metrics="kl,kl"}`, 'attribute metrics="kl,kl": metric "kl" is listed twice'],
    [`::parallel{sweep="nope" metrics="kl"}`, 'unknown sweep "nope"'],
  ])('%s fails with the report file and line', async (directive, message) => {
    const body = `Text.\n\n${directive}\n`;
    await expect(renderReport(dirs, body, 'bad.md')).rejects.toThrow(`reports/bad.md:${lineOf(body, '::parallel')}: ::parallel: ${message}`);
  });
});
