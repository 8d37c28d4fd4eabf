import { rmSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { fixtureDirs, lineOf, renderReport } from './fixtures/render-report';

const dirs = fixtureDirs();
afterAll(() => rmSync(dirs.root, { recursive: true, force: true }));

describe('figure numbers and :ref', () => {
  test('numbers ::figure and ::final together in reading order; :ref links "Figure N" (or its own text) to the figure', async () => {
    const body = [
      'As :ref{#fig-end} shows, and :ref[the KL figure]{#fig-kl} before it.',
      '',
      '::figure{sweep="fixture-sweep" metric="raw_reward"}',
      '',
      '::figure{#fig-kl sweep="fixture-sweep" metric="kl" caption="KL."}',
      '',
      '::final{#fig-end sweeps="fixture-sweep" metric="repetition"}',
      '',
    ].join('\n');
    const html = await renderReport(dirs, body);
    expect(html).toContain('<a href="#fig-end">Figure 3</a>');
    expect(html).toContain('<a href="#fig-kl">the KL figure</a>');
    expect([...html.matchAll(/<figure [^>]*id="([^"]+)"/g)].map((m) => m[1])).toEqual(['fig-1', 'fig-kl', 'fig-end']);
    expect([...html.matchAll(/<span class="figure-number">([^<]*)<\/span>/g)].map((m) => m[1])).toEqual(['Figure 1:', 'Figure 2:', 'Figure 3:']);
    // an unnamed figure's caption says what it draws
    expect(html).toContain('Figure 1:</span> Raw reward (alliteration) against training step.</figcaption>');
  });

  test.each([
    ['See :ref{#fig-nope}.', ':ref: no figure "#fig-nope" in this report (figures: #fig-1)', ':ref'],
    ['See :ref[it].', ":ref: missing the figure's id, as in :ref{#fig-kl} (figures: #fig-1)", ':ref'],
  ])('%s fails the build with the report file and line', async (prose, message, at) => {
    const body = `Text.\n\n::figure{sweep="fixture-sweep" metric="kl"}\n\n${prose}\n`;
    await expect(renderReport(dirs, body, 'bad.md')).rejects.toThrow(`reports/bad.md:${lineOf(body, at)}: ${message}`);
  });

  test('two figures with one id fail at the second', async () => {
    const body = `::figure{#fig-a sweep="fixture-sweep" metric="kl"}\n\n::final{#fig-a sweeps="fixture-sweep" metric="kl"}\n`;
    await expect(renderReport(dirs, body, 'bad.md')).rejects.toThrow(`reports/bad.md:${lineOf(body, '::final')}: ::final: id "#fig-a" is already a figure's in this report`);
  });
});
