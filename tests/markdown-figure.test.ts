import { rmSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { fixtureDirs, lineOf, renderReport } from './fixtures/render-report';

const dirs = fixtureDirs();
afterAll(() => rmSync(dirs.root, { recursive: true, force: true }));

describe('::figure', () => {
  test('draws one line per run in the sweep colors, with its caption', async () => {
    const html = await renderReport(dirs, '::figure{sweep="fixture-sweep" metric="raw_reward" caption="Steps & reward"}\n');
    expect(html).toMatch(/^<figure class="metric-figure" data-metric="raw_reward">/);
    const strokes = [...html.matchAll(/<g class="mark-line[^>]*><path[^>]* stroke="(\w+)"/g)].map((m) => m[1]);
    expect(strokes).toEqual(['red', 'green', 'blue']);
    expect(html).toContain('<figcaption>Steps &#x26; reward</figcaption>');
  });

  test('smoothing draws a faint raw line under each smoothed one', async () => {
    const html = await renderReport(dirs, '::figure{sweep="fixture-sweep" metric="kl" smooth=0.6}\n');
    expect([...html.matchAll(/<g class="mark-line/g)]).toHaveLength(6);
  });

  test.each([
    ['::figure{sweep="fixture-sweep" metric="foo"}', 'unknown metric "foo" in sweep "fixture-sweep" (known: raw_reward, kl, total_reward, entropy, repetition)'],
    ['::figure{sweep="nope" metric="kl"}', 'unknown sweep "nope" (known: fixture-sweep)'],
    ['::figure{sweep="fixture-sweep" metric="kl" colour="red"}', 'unknown attribute "colour" (known: sweep, metric, caption, smooth)'],
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
