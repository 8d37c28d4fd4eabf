// A report of runs other programs wrote: the TensorBoard fixtures (PyTorch and
// TensorFlow event files) and a run with sparse tags and text summaries, imported
// as `npm run import` does, built and opened in Chromium.
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { importRuns } from '../../src/import/import';
import { readTensorboardRuns } from '../../src/import/tensorboard';
import { readEvents } from '../../src/import/tfevents';
import { eventFile, fileVersionEvent, summaryEvent, value } from '../../src/bench/tfevents-writer';
import { axeViolations, pageErrors, servedFixtureSite } from '../fixtures/served-site';

const REPORT = `---
title: Imported runs
date: 2026-12-07
description: Runs PyTorch and TensorFlow logged.
---

The strict run's foo ended at :value{sweep="imported" at="reducer-strict" metric="strict/foo" stat="step=495" format=".4f"}.

::figure{#fig-lax sweep="imported" metric="lax/foo" caption="lax/foo, logged by PyTorch."}

::figure{#fig-val sweep="imported" metric="Losses/Value Loss" caption="A tag logged every tenth step."}

::runs{sweep="imported" metrics="strict/foo,lax/foo,Losses/Value Loss"}

::generations{sweep="imported" tag="samples" last=2}
`;

const FIXTURES = join(import.meta.dirname, '../fixtures/tfevents');

const site = servedFixtureSite('imported', ({ root, runsDir, contentDir }) => {
  const logdir = join(root, 'logs');
  for (const run of ['reducer-strict', 'reducer-lax', 'reducer-dupsteps', 'tfevents-js-asset']) cpSync(join(FIXTURES, run), join(logdir, run), { recursive: true });
  // a run as Stable-Baselines3 or TRL logs one: a loss every step, a validation tag every tenth, sampled texts
  const records = [fileVersionEvent(1.7e9)];
  for (let step = 1; step <= 50; step++) {
    records.push(summaryEvent(step, 1.7e9 + step, [{ tag: 'train/loss', fields: value.simple(1 / step) }]));
    if (step % 10 === 0) records.push(summaryEvent(step, 1.7e9 + step, [{ tag: 'Losses/Value Loss', fields: value.simple((step / 10) ** 2) }]));
    if (step % 25 === 0) records.push(summaryEvent(step, 1.7e9 + step, [{ tag: 'samples', plugin: 'text', fields: value.stringTensor(`A story <b>at</b> step ${step}.`) }]));
  }
  mkdirSync(join(logdir, 'sb3'), { recursive: true });
  writeFileSync(join(logdir, 'sb3', 'events.out.tfevents.1700000000.host.1.0'), eventFile(records));
  const sweepsDir = join(contentDir, 'sweeps');
  importRuns({ format: 'tensorboard', root: logdir, sweep: 'imported', runsDir, sweepsDir, pathParams: [] }, readTensorboardRuns(logdir));
  mkdirSync(join(contentDir, 'reports'), { recursive: true });
  writeFileSync(join(contentDir, 'reports', 'imported.md'), REPORT);
});

describe('a report of imported runs', () => {
  test('draws their tags as they are named, with a runs table, an inline value and their texts; no errors or axe violations', async () => {
    const page = await site.browser.newPage();
    const errors = pageErrors(page);
    expect((await page.goto(`${site.url}/reports/imported/`))?.status()).toBe(200);

    // each figure draws the runs that logged its tag, and only those, in the sweep file's colors
    const figures = page.locator('figure.metric-figure');
    expect(await figures.count()).toBe(2);
    const legend = (n: number) => figures.nth(n).locator('svg.chart-wide g.mark-text.role-legend-label text').allTextContents();
    expect(await legend(0)).toEqual(['reducer-lax']);
    expect(await legend(1)).toEqual(['sb3']);
    // the sparse tag: 5 points (steps 10..50), drawn as they are
    const valuePath = await figures.nth(1).locator('svg.chart-wide g.mark-line path').first().getAttribute('d');
    expect(valuePath!.split(/[MLml]/).filter(Boolean)).toHaveLength(5);
    expect(await figures.nth(1).locator('svg.chart-wide').innerHTML()).toContain('Losses/Value Loss');

    const text = await page.locator('article').innerText();
    // the value at step 495 of the PyTorch file
    const [file] = readdirSync(join(FIXTURES, 'reducer-strict'));
    const last = readEvents(readFileSync(join(FIXTURES, 'reducer-strict', file)), { file }).events.at(-1)!;
    expect(last.step).toBe(495);
    expect(text).toContain(`The strict run’s foo ended at ${last.scalars[0].value.toFixed(4)}.`);

    const rows = page.locator('table.runs-table tbody tr');
    expect(await rows.count()).toBe(5);
    const heads = await page.locator('table.runs-table thead th').allTextContents();
    expect(heads.join('|')).toContain('strict/foo');
    expect(heads.join('|')).toContain('Losses/Value Loss');

    // both texts, the newest first, escaped; the footnote says all were kept, no reservoir
    const generations = page.locator('.generations');
    const shown = await generations.first().innerText();
    expect(shown).toContain('A story <b>at</b> step 50.');
    expect(shown.indexOf('step 50')).toBeLessThan(shown.indexOf('step 25'));
    const footnotes = await page.locator('section[data-footnotes]').innerText();
    expect(footnotes).toContain('all 2 it logged with tag samples');
    expect(footnotes).not.toContain('reservoir');

    expect(errors).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  test("an imported run's page says where it came from: the files with sizes and digests, and what was not imported", async () => {
    const page = await site.browser.newPage();
    await page.goto(`${site.url}/reports/imported/`);
    const href = await page.locator('table.runs-table a', { hasText: /./ }).first().getAttribute('href');
    expect((await page.goto(`${site.url}${href}`))?.status()).toBe(200);
    const text = await page.locator('main').innerText();
    expect(text).toMatch(/imported\s+tensorboard, from /);
    expect(text).toContain('Source');
    expect(await page.locator('table.source-files tbody tr').count()).toBe(1);
    expect(await page.locator('table.source-files td code').first().textContent()).toMatch(/^[\w-]+\/events\.out\.tfevents\./);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
