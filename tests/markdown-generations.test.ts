import { rmSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { generationsHtml, MAX_SHOWN_CHARS } from '../src/markdown/generations-html';
import { fixtureDirs, lineOf, renderReport } from './fixtures/render-report';

const dirs = fixtureDirs();
const seeded = fixtureDirs([1, 2, 3]);
afterAll(() => [dirs, seeded].forEach(({ root }) => rmSync(root, { recursive: true, force: true })));

const textOf = (html: string) => html.replace(/<[^>]+>/g, '');

describe('::generations', () => {
  test('shows the last N kept generations of each run in sweep order, with steps', async () => {
    const html = await renderReport(dirs, '::generations{sweep="fixture-sweep" last=2}\n');
    const labels = [...html.matchAll(/class="generations-label">.*?<\/span> ([^<]+)<\/p>/g)].map((m) => m[1]);
    expect(labels).toEqual(['beta=0', 'beta=1', 'beta=10']);
    const metas = [...html.matchAll(/class="generation-meta">([^<]+)</g)].map((m) => m[1]);
    // beta=10 wrote beta=1's very texts: one line says so.
    expect(metas).toHaveLength(5);
    expect(metas[0]).toMatch(/^Last · step 40/);
    expect(metas[1]).toMatch(/^Second-to-last · step \d+/);
    expect(metas[4]).toMatch(/^Last 2 · steps 40, \d+$/);
  });

  test('several seeds: per value, the last kept generation of each seed, by default and with seeds="all"', async () => {
    for (const directive of ['::generations{sweep="fixture-sweep"}', '::generations{sweep="fixture-sweep" seeds="all"}']) {
      const html = await renderReport(seeded, `${directive}\n`);
      const labels = [...html.matchAll(/class="generations-label">.*?<\/span> ([^<]+)<\/p>/g)].map((m) => m[1]);
      expect(labels).toEqual(['beta=0', 'beta=1', 'beta=10']);
      const metas = [...html.matchAll(/class="generation-meta">([^<]+)</g)].map((m) => m[1]);
      expect(metas.map((meta) => meta.split(' · ').slice(0, 3).join(' · '))).toEqual(
        [0, 1, 2].flatMap(() => ['Seed 1 · Last · step 40', 'Seed 2 · Last · step 40', 'Seed 3 · Last · step 40']),
      );
      expect(textOf(html)).toContain('The last kept generation of each seed of each value, newest first');
    }
  });

  test('seed=N last=2: the last two of that seed\'s run of each value', async () => {
    const html = await renderReport(seeded, '::generations{sweep="fixture-sweep" seed=2 last=2}\n');
    const metas = [...html.matchAll(/class="generation-meta">([^<]+)</g)].map((m) => m[1].split(' · ').slice(0, 2).join(' · '));
    // beta=10 wrote beta=1's very texts: one line says so.
    expect(metas).toEqual([...[0, 1].flatMap(() => ['Seed 2 · Last', 'Seed 2 · Second-to-last']), 'Seed 2 · Last 2']);
    expect(textOf(html)).toContain('The last two kept generations of seed 2 of each value');
    await expect(renderReport(seeded, 'x\n\n::generations{sweep="fixture-sweep" seed=5}\n', 'bad.md')).rejects.toThrow(
      'reports/bad.md:9: ::generations: seed 5 is not one of sweep "fixture-sweep"\'s seeds (1, 2, 3)',
    );
  });

  test('escapes generation text: a <script> tag is text', async () => {
    const html = await renderReport(dirs, '::generations{sweep="fixture-sweep" last=1}\n');
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(textOf(html)).toContain('&#x3C;script>alert(1)&#x3C;/script>');
  });

  test('marks the words that changed from the generation above; a value that wrote the same texts as another says so', async () => {
    const html = await renderReport(dirs, '::generations{sweep="fixture-sweep" last=2}\n');
    expect(html).toMatch(/The same, except (<del>[^<]+<\/del>|<ins>[^<]+<\/ins>|[ ;])+\./);
    // The fixture's beta=1 and beta=10 runs write the same texts.
    expect(textOf(html).match(/The same as beta=1\./g)).toHaveLength(1);
  });

  test('one reservoir footnote, referred to from every ::generations of the report', async () => {
    const body =
      'First[^a].\n\n::generations{sweep="fixture-sweep"}\n\nThen.\n\n::generations{sweep="fixture-sweep" last=1}\n\nLast[^b].\n\n[^a]: Note a.\n\n[^b]: Note b.\n';
    const html = await renderReport(dirs, body);
    const notes = [...html.matchAll(/<li id="(user-content-fn-[^"]+)">([\s\S]*?)<\/li>/g)];
    expect(notes).toHaveLength(3);
    const reservoir = notes.filter(([, , text]) => textOf(text).includes('reservoir sample'));
    expect(reservoir).toHaveLength(1);
    expect(textOf(reservoir[0][2])).toContain('Each run kept 5 of the 40 it logged.');
    const refs = [...html.matchAll(/<a href="#([^"]+)" id="([^"]+)"[^>]*>(\d+)<\/a>/g)];
    expect(refs.map((m) => m[3])).toEqual(['1', '2', '2', '3']);
    expect(refs.filter((m) => m[1] === reservoir[0][1]).map((m) => m[3])).toEqual(['2', '2']);
    // Each reference has its own back-link from the note.
    for (const [, , id] of refs) expect(html).toContain(`href="#${id}"`);
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
    ['::generations{sweep="fixture-sweep" last=11}', 'attribute last="11": Too big: expected number to be <=10'],
    ['::generations{sweep="fixture-sweep" last=two}', 'attribute last="two"'],
    ['::generations{last=2}', 'missing attribute "sweep"'],
    ['::generations{sweep="fixture-sweep" n=2}', 'unknown attribute "n" (known: sweep, last, seeds, seed, tag)'],
    ['::generations{sweep="fixture-sweep" seed=""}', 'attribute seed="": expected a whole number'],
    ['::generations{sweep="fixture-sweep" seed=1e-400}', 'attribute seed="1e-400": expected a whole number'],
    ['::generations{sweep="fixture-sweep" last=1 last=2}', 'attribute "last" is given twice'],
  ])('%s fails with the report file and line', async (directive, message) => {
    const body = `Intro.\n\n${directive}\n`;
    await expect(renderReport(dirs, body, 'bad.md')).rejects.toThrow(`reports/bad.md:${lineOf(body, '::generations')}: ::generations: ${message}`);
  });
});

describe('generationsHtml bounds what a page shows', () => {
  const long = (word: string) => `${word} and the tree `.repeat(60_000); // ~1 MB
  const run = (texts: string[]) => ({
    label: 'beta=1',
    color: { light: 'green', dark: 'green' },
    download: '/runs/r/generations.jsonl',
    generations: texts.map((text, index) => ({ step: index + 1, text })),
  });

  test('two ~1 MB consecutive generations: the start of each, unmarked, and a link to the rest', () => {
    const html = generationsHtml([run([long('dog'), long('cat')])], 2).value;
    expect(html.length).toBeLessThan(2 * MAX_SHOWN_CHARS + 1000);
    expect(html).not.toMatch(/<ins>|<del>/);
    expect(html).toContain('too long to mark what changed');
    expect(html).toContain(`cat and the tree cat`);
    const more = long('cat').length - MAX_SHOWN_CHARS;
    expect(textOf(html)).toContain(`… ${more.toLocaleString('en')} more characters in the download`);
    expect(html).toContain('href="/runs/r/generations.jsonl"');
  });

  test('a generation of at most MAX_SHOWN_CHARS is shown whole, and the one before it compared', () => {
    const text = 'a'.repeat(MAX_SHOWN_CHARS - 4) + ' end';
    const html = generationsHtml([run([text.replace('end', 'fin'), text])], 2).value;
    expect(html).toContain(`>${text}</p>`);
    expect(html).toContain('The same, except <del>fin</del> <ins>end</ins>.');
    expect(html).not.toContain('more characters');
  });
});

describe('generationsHtml: the newest as written, the one before told against it', () => {
  const run = (texts: string[], seed?: number) => ({
    label: 'beta=1',
    color: { light: 'green', dark: 'green' },
    ...(seed === undefined ? {} : { seed }),
    download: '/runs/r/generations.jsonl',
    generations: texts.map((text, index) => ({ step: index + 1, text })),
  });
  const texts = (html: string) => [...html.matchAll(/<p class="generation-text[^"]*">([\s\S]*?)<\/p>/g)].map((m) => m[1]);
  const story = 'Once upon a time there was a tall tree that grew by the river and every bird in the land came to sing in it';

  test('the newest has no marks, whatever changed', () => {
    const [newest] = texts(generationsHtml([run([story, story.replace('tall', 'small').replace('river', 'sea')])], 2).value);
    expect(newest).toBe(story.replace('tall', 'small').replace('river', 'sea'));
  });

  test('an identical earlier generation reads "The same."', () => {
    const shown = texts(generationsHtml([run([story, story, story])], 3).value);
    expect(shown).toEqual([story, 'The same.', 'The same.']);
  });

  test('a small change reads "The same, except" with the changed words only', () => {
    const [, before] = texts(generationsHtml([run([story, story.replace('tall', 'small').replace('river', 'sea')])], 2).value);
    expect(before).toBe('The same, except <del>tall</del> <ins>small</ins>; <del>river</del> <ins>sea</ins>.');
  });

  test('a larger change shows the whole earlier text, marked', () => {
    const later = story.replace('tall tree', 'short bush').replace('river', 'sea').replace('every bird', 'all the birds').replace('sing', 'rest');
    const [newest, before] = texts(generationsHtml([run([story, later])], 2).value);
    expect(newest).toBe(later);
    expect(before).toContain('<del>tall tree </del><ins>short bush </ins>');
    expect(before.replace(/<ins>.*?<\/ins>/g, '').replace(/<\/?del>/g, '')).toBe(story);
  });

  test('an unlike earlier generation is shown as written, said to be unlike', () => {
    const html = generationsHtml([run(['The cat sat on a mat all day long', story])], 2).value;
    expect(texts(html)).toEqual([story, 'The cat sat on a mat all day long']);
    expect(html).toContain('Second-to-last · step 1 · unlike the one above');
  });

  test('seeds of a value that wrote the same newest text: the same text once', () => {
    const html = generationsHtml([run(['a', story], 0), run(['b', story], 1), run(['c', 'Other words'], 2)], 1).value;
    expect(texts(html)).toEqual([story, 'The same as seed 0.', 'Other words']);
  });

  test('values that collapsed into the same texts: each text once, the others say whose it is', () => {
    const other = story.replace('tall', 'small');
    const html = generationsHtml([run([other, story]), { ...run([other, story]), label: 'beta=10' }, { ...run(['x', story]), label: 'beta=100' }], 2).value;
    // beta=10 wrote both of beta=1's: one line; beta=100 only its newest.
    expect(texts(html)).toEqual([story, 'The same, except <del>small</del> <ins>tall</ins>.', 'The same as beta=1.', 'The same as beta=1.', 'x']);
    expect(html).toContain('Last 2 · steps 2, 1');
  });
});
