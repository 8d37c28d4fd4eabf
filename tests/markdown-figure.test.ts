import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { decodeColumn } from '../src/charts/columns';
import { figureFilesDir } from '../src/site/dirs';
import { fixtureDirs, lineOf, renderReport } from './fixtures/render-report';

/** The desktop drawing of a figure (figure.ts draws a narrow one for phones after it). */
const wideOf = (html: string) => html.slice(0, html.indexOf('<svg', html.indexOf('chart-wide')));

const dirs = fixtureDirs();
const seeded = fixtureDirs([1, 2, 3]);
afterAll(() => [dirs, seeded].forEach(({ root }) => rmSync(root, { recursive: true, force: true })));

describe('::figure', () => {
  test('draws one line per run in the sweep colors, with its caption', async () => {
    const html = await renderReport(dirs, '::figure{sweep="fixture-sweep" metric="raw_reward" caption="Steps & reward"}\n');
    expect(html).toMatch(/^<figure class="metric-figure" data-metric="raw_reward" id="fig-1">/);
    const strokes = [...wideOf(html).matchAll(/<g class="mark-line[^>]*><path[^>]* stroke="(\w+)"/g)].map((m) => m[1]);
    expect(strokes).toEqual(['red', 'green', 'blue']);
    expect(html).toContain('<figcaption><span class="figure-number">Figure 1:</span> Steps &#x26; reward.</figcaption>');
  });

  test('smoothing draws a faint raw line under each smoothed one', async () => {
    const html = await renderReport(dirs, '::figure{sweep="fixture-sweep" metric="kl" smooth=0.6}\n');
    expect([...wideOf(html).matchAll(/<g class="mark-line/g)]).toHaveLength(6);
  });

  test('several seeds: per value a band in its color under the mean line, and the caption says what they are', async () => {
    const html = await renderReport(seeded, '::figure{sweep="fixture-sweep" metric="raw_reward" caption="Reward." smooth=0.6}\n');
    const bands = [...wideOf(html).matchAll(/<g class="mark-area[^>]*>(.*?)<\/g>/g)].map((m) => [...m[1].matchAll(/fill="(\w+)"/g)].map((f) => f[1]));
    expect(bands.flat()).toEqual(['red', 'green', 'blue']);
    const strokes = [...wideOf(html).matchAll(/<g class="mark-line[^>]*><path[^>]* stroke="(\w+)"/g)].map((m) => m[1]);
    expect(strokes).toEqual(['red', 'green', 'blue']);
    expect(html).toContain("<figcaption><span class=\"figure-number\">Figure 1:</span> Reward. Each value's line is the mean over its 3 seeds; the band spans their lowest to highest value. <span class=\"smoothing-note\">Smoothed with an EMA of weight 0.60, each seed before the mean.</span></figcaption>");
    // the hover data (in its own file, which the page names) carries the range
    const src = /data-src="[^"]*\/figures\/([^"/]+)"/.exec(html)![1];
    const hover = JSON.parse(readFileSync(join(figureFilesDir(), src), 'utf8'));
    expect(hover.series.map((s: { label: string }) => s.label)).toEqual(['beta=0', 'beta=1', 'beta=10']);
    const [low, high] = [hover.series[0].low, hover.series[0].high].map((column) => decodeColumn(column, hover.exponent));
    expect(low.at(-1)!).toBeLessThan(high.at(-1)!);
  });

  test('seeds="all" draws each seed\'s line, faint, instead of the band', async () => {
    const html = await renderReport(seeded, '::figure{sweep="fixture-sweep" metric="raw_reward" seeds="all"}\n');
    expect(html).not.toContain('mark-area');
    const lines = [...wideOf(html).matchAll(/<g class="mark-line[^>]*>(.*?)<\/g>/g)].map((m) => m[1]).join('');
    expect([...lines.matchAll(/<path[^>]* stroke="red"/g)]).toHaveLength(4); // 3 seeds and the mean
    expect(html).toContain("the faint lines are the seeds.</figcaption>");
  });

  test.each([
    ['::figure{sweep="fixture-sweep" metric="foo"}', 'unknown metric "foo" in sweep "fixture-sweep" (known: raw_reward, kl, total_reward, entropy, repetition)'],
    ['::figure{sweep="nope" metric="kl"}', 'unknown sweep "nope" (known: fixture-sweep)'],
    ['::figure{sweep="fixture-sweep" metric="kl" colour="red"}', 'unknown attribute "colour" (known: sweep, metric, caption, smooth, seeds, id)'],
    ['::figure{sweep="fixture-sweep"}', 'missing attribute "metric"'],
    ['::figure{sweep="fixture-sweep" metric="kl" smooth=2}', 'attribute smooth="2"'],
  ])('%s fails with the report file and line', async (directive, message) => {
    const body = `Some text.\n\nMore text.\n\n${directive}\n`;
    await expect(renderReport(dirs, body, 'bad.md')).rejects.toThrow(`reports/bad.md:${lineOf(body, '::figure')}: ::figure: ${message}`);
  });

  test('a sweep with no runs yet renders a note instead of failing', async () => {
    const empty = { ...dirs, runsDir: `${dirs.root}/no-runs` };
    expect(await renderReport(empty, '::figure{sweep="fixture-sweep" metric="anything"}\n')).toContain('No runs of sweep "fixture-sweep" yet.');
  });
});
