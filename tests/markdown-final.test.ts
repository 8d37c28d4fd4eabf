import { rmSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { fixtureDirs, lineOf, renderReport } from './fixtures/render-report';

const dirs = fixtureDirs();
afterAll(() => rmSync(dirs.root, { recursive: true, force: true }));

describe('::final', () => {
  test('draws one point per run in its color, against the swept value', async () => {
    const html = await renderReport(dirs, '::final{sweeps="fixture-sweep" metric="repetition" caption="Where runs end"}\n');
    expect(html).toMatch(/^<figure class="final-figure" data-metric="repetition">/);
    const symbols = /<g class="mark-symbol[^>]*>(.*?)<\/g>/.exec(html)?.[1] ?? '';
    expect([...symbols.matchAll(/fill="(\w+)"/g)].map((m) => m[1])).toEqual(['red', 'green', 'blue']);
    expect(html).toContain('<figcaption>Where runs end</figcaption>');
    expect(html).toMatch(/aria-label="[^"]*repetition[^"]*beta/);
  });

  test.each([
    ['::final{sweeps="fixture-sweep" metric="foo"}', 'unknown metric "foo" in sweep "fixture-sweep"'],
    ['::final{sweeps="fixture-sweep,nope" metric="kl"}', 'unknown sweep "nope"'],
    ['::final{metric="kl"}', 'missing attribute "sweeps"'],
  ])('%s fails with the report file and line', async (directive, message) => {
    const body = `Text.\n\n${directive}\n`;
    await expect(renderReport(dirs, body, 'bad.md')).rejects.toThrow(`reports/bad.md:${lineOf(body, '::final')}: ::final: ${message}`);
  });
});
