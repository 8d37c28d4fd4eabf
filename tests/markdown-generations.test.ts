import { rmSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { fixtureDirs, lineOf, renderReport } from './fixtures/render-report';

const dirs = fixtureDirs();
afterAll(() => rmSync(dirs.root, { recursive: true, force: true }));

const textOf = (html: string) => html.replace(/<[^>]+>/g, '');

describe('::generations', () => {
  test('shows the last N kept generations of each run in sweep order, with steps', async () => {
    const html = await renderReport(dirs, '::generations{sweep="fixture-sweep" last=2}\n');
    const labels = [...html.matchAll(/class="generations-label">.*?<\/span> ([^<]+)<\/p>/g)].map((m) => m[1]);
    expect(labels).toEqual(['beta=0', 'beta=1', 'beta=10']);
    const metas = [...html.matchAll(/class="generation-meta">([^<]+)</g)].map((m) => m[1]);
    expect(metas).toHaveLength(6);
    expect(metas[0]).toMatch(/^Last · step 40/);
    expect(metas[1]).toMatch(/^Second-to-last · step \d+/);
  });

  test('escapes generation text: a <script> tag is text', async () => {
    const html = await renderReport(dirs, '::generations{sweep="fixture-sweep" last=1}\n');
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(textOf(html)).toContain('&#x3C;script>alert(1)&#x3C;/script>');
  });

  test('marks words added and dropped since the generation before', async () => {
    const html = await renderReport(dirs, '::generations{sweep="fixture-sweep" last=2}\n');
    expect(html).toMatch(/<ins>[^<]+<\/ins>/);
    expect(html).toMatch(/<del>[^<]+<\/del>/);
  });

  test('adds a reservoir footnote numbered together with the report\'s own footnotes', async () => {
    const body = 'First[^a].\n\n::generations{sweep="fixture-sweep"}\n\nLast[^b].\n\n[^a]: Note a.\n\n[^b]: Note b.\n';
    const html = await renderReport(dirs, body);
    const refs = [...html.matchAll(/<a href="#(user-content-fn-[^"]+)" id="(user-content-fnref-[^"]+)"[^>]*>(\d+)<\/a>/g)];
    expect(refs.map((m) => m[3])).toEqual(['1', '2', '3']);
    for (const [, note, ref] of refs) {
      expect(html).toContain(`id="${note}"`);
      expect(html).toContain(`href="#${ref}"`);
    }
    const notes = [...html.matchAll(/<li id="user-content-fn-[^"]+">([\s\S]*?)<\/li>/g)].map((m) => textOf(m[1]));
    expect(notes[1]).toContain('Generations are a reservoir sample');
    expect(notes[1]).toContain('Each run kept 5 of the 40 it logged.');
  });

  test.each([
    ['::generations{sweep="fixture-sweep" last=0}', 'attribute last="0"'],
    ['::generations{sweep="fixture-sweep" last=two}', 'attribute last="two"'],
    ['::generations{last=2}', 'missing attribute "sweep"'],
    ['::generations{sweep="fixture-sweep" n=2}', 'unknown attribute "n" (known: sweep, last)'],
  ])('%s fails with the report file and line', async (directive, message) => {
    const body = `Intro.\n\n${directive}\n`;
    await expect(renderReport(dirs, body, 'bad.md')).rejects.toThrow(`reports/bad.md:${lineOf(body, '::generations')}: ::generations: ${message}`);
  });
});
