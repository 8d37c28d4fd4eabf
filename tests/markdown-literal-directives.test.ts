import { rmSync } from 'node:fs';
import { afterAll, expect, test } from 'vitest';
import { fixtureDirs, renderReport } from './fixtures/render-report';

const dirs = fixtureDirs();
afterAll(() => rmSync(dirs.root, { recursive: true, force: true }));

test.each([
  ['It is 10:30, a ratio of 3:1.', '<p>It is 10:30, a ratio of 3:1.</p>'],
  ['I am happy :smile: today.', '<p>I am happy :smile: today.</p>'],
  ['Set note:beta to 2 and :abbr[HTML]{title="x"} too.', '<p>Set note:beta to 2 and :abbr[HTML]{title="x"} too.</p>'],
  ['::foo{bar=1}', '<p>::foo{bar=1}</p>'],
  ['::figur{sweep="x"}', '<p>::figur{sweep="x"}</p>'],
  [':::note\nInside.\n:::', '<p>:::note\nInside.\n:::</p>'],
])('%j stays the text it was written as', async (markdown, html) => {
  expect((await renderReport(dirs, markdown)).trim()).toBe(html);
});
