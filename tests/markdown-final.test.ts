import { rmSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
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
