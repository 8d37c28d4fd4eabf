// A report with several wrong directives fails with all of them at once, each
// once, in reading order: one build tells the writer every line to fix.
import { rmSync } from 'node:fs';
import { afterAll, expect, test } from 'vitest';
import { fixtureDirs, lineOf, renderReport } from './fixtures/render-report';

const dirs = fixtureDirs();
afterAll(() => rmSync(dirs.root, { recursive: true, force: true }));

test('every wrong directive of a report is reported, each once, in reading order, with its line and the valid choices', async () => {
  const body = [
    'See :ref{#fig-nope}.',
    '',
    '::figure{sweep="fixture-sweep" metric="foo"}',
    '',
    '::figure{sweep="fixture-sweep" metric="kl"}',
    '',
    '::generations{sweep="fixture-sweep" lsat=2}',
    '',
    'Beta 1 reached :value{sweep="fixture-sweep" at="beta=7" metric="kl"}.',
    '',
    '::runs{sweep="nope"}',
    '',
  ].join('\n');
  const error = await renderReport(dirs, body, 'many.md').then(
    () => undefined,
    (thrown: Error) => thrown,
  );
  expect(error).toBeInstanceOf(Error);
  const at = (needle: string) => `reports/many.md:${lineOf(body, needle)}: `;
  const expected = [
    `${at(':ref')}:ref: no figure "#fig-nope" in this report (figures: #fig-1, #fig-2)`,
    `${at('metric="foo"')}::figure: unknown metric "foo" in sweep "fixture-sweep" (known: raw_reward, kl, total_reward, entropy, repetition)`,
    `${at('::generations')}::generations: unknown attribute "lsat" (known: sweep, last, seeds, seed, tag)`,
    `${at(':value')}:value: no value "beta=7" in sweep "fixture-sweep" (values: beta=0, beta=1, beta=10, or reference)`,
    `${at('::runs')}::runs: unknown sweep "nope" (known: fixture-sweep)`,
  ];
  const lines = error!.message.split('\n');
  for (const line of expected) expect(lines.filter((text) => text.endsWith(line)), error!.message).toHaveLength(1);
  expect(lines.filter((text) => /: :{1,2}\w+: /.test(text)).map((text) => text.slice(text.indexOf('reports/many.md')))).toEqual(expected);
});

test('one wrong directive is reported as before, alone', async () => {
  const body = '::figure{sweep="fixture-sweep" metric="foo"}\n\n::figure{sweep="fixture-sweep" metric="kl"}\n';
  await expect(renderReport(dirs, body, 'one.md')).rejects.toThrow(`reports/one.md:${lineOf(body, 'foo')}: ::figure: unknown metric "foo"`);
});
