import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { RunReference } from '../src/runs';
import { lineOf, renderReport } from './fixtures/render-report';
import { writeFixtureContent, writeFixtureRun } from './fixtures/site-fixture';

const REFERENCE: RunReference = {
  hash: '0123456789abcdef',
  held_out_loss: 1.0712,
  bound: 0.9641,
  held_out_stories: 256,
  pretrain_seconds: 287.4,
  pretrain_cpu_seconds: 280.1,
  samples: ['Once upon a time, there was a little girl named Anna. <b>She</b> had a friend, a fox.', 'Once upon a time, Max the dog lived near a big park.'],
};

/** Fixture runs in a fresh folder: `withReference` of the sweep's three values record REFERENCE. */
function dirsWith(withReference: number) {
  const root = mkdtempSync(join(tmpdir(), 'sweepbook-md-reference-'));
  [0, 1, 2].forEach((index) => writeFixtureRun(join(root, 'runs'), index, { reference: index < withReference ? REFERENCE : undefined }));
  writeFixtureContent(join(root, 'content'));
  mkdirSync(join(root, 'reports'));
  return { root, runsDir: join(root, 'runs'), sweepsDir: join(root, 'content', 'sweeps') };
}

const metric = (mean: number, step_sd: number) => ({ mean, step_sd, se: step_sd / 8 });
const SAMPLED: RunReference = {
  ...REFERENCE,
  sample: { samples: 2048, batch: 32, raw_reward: metric(144.2, 16), repetition: metric(0.21, 0.04), diversity: metric(0.83, 0.02), fluency: metric(-1.12, 0.08), grammatical: metric(0.97, 0.02) },
};

test('::reference shows the reference measured on a large sample, as a first step measures a run', async () => {
  const root = mkdtempSync(join(tmpdir(), 'sweepbook-md-reference-'));
  writeFixtureRun(join(root, 'runs'), 0, { reference: SAMPLED });
  writeFixtureContent(join(root, 'content'));
  mkdirSync(join(root, 'reports'));
  try {
    const html = await renderReport({ root, runsDir: join(root, 'runs'), sweepsDir: join(root, 'content', 'sweeps') }, '::reference{sweep="fixture-sweep"}\n');
    expect(html).toContain('over 2,048 samples (64 steps of 32)');
    expect(html).toContain('<tr><td>raw reward</td><td class="num">144</td><td class="num">2</td><td class="num">16</td></tr>');
    expect(html).toContain('<tr><td>fluency (nats/token)</td><td class="num">-1.12</td><td class="num">0.01</td><td class="num">0.08</td></tr>');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

describe(':value{at="reference"}', () => {
  const root = mkdtempSync(join(tmpdir(), 'sweepbook-md-reference-'));
  writeFixtureRun(join(root, 'runs'), 0, { reference: SAMPLED });
  writeFixtureContent(join(root, 'content'));
  mkdirSync(join(root, 'reports'));
  const dirs = { root, runsDir: join(root, 'runs'), sweepsDir: join(root, 'content', 'sweeps') };
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const text = (html: string) => html.replace(/<[^>]+>/g, '');

  test("puts the reference's mean over its large sample in the prose, with its standard error", async () => {
    const html = await renderReport(dirs, 'The reference scores :value{sweep="fixture-sweep" at="reference" metric="raw_reward" format=".1f"}.\n');
    expect(text(html)).toBe('The reference scores 144.2 ± 2.0.');
    expect(html).toContain('title="raw_reward of the reference model of sweep fixture-sweep: mean ± standard error over 2048 samples"');
    expect(text(await renderReport(dirs, ':value{sweep="fixture-sweep" at="reference" metric="fluency"}\n'))).toBe('-1.12 ± 0.01');
  });

  test('names what is wrong: a metric the sample lacks, a stat, runs without a sample', async () => {
    const body = ':value{sweep="fixture-sweep" at="reference" metric="kl"}\n';
    await expect(renderReport(dirs, body, 'bad.md')).rejects.toThrow(
      `reports/bad.md:${lineOf(body, ':value')}: :value: the reference\'s sample has no metric "kl" (it has raw_reward, repetition, diversity, fluency, grammatical)`,
    );
    await expect(renderReport(dirs, ':value{sweep="fixture-sweep" at="reference" metric="kl" stat="max"}\n', 'bad.md')).rejects.toThrow('at="reference" takes no stat or seed');
    expect(text(await renderReport(older, ':value{sweep="fixture-sweep" at="reference" metric="raw_reward"}\n'))).toBe('n/a');
  });
});

const recorded = dirsWith(3);
const older = dirsWith(0);
afterAll(() => [recorded, older].forEach(({ root }) => rmSync(root, { recursive: true, force: true })));

describe('::reference', () => {
  test("says what the sweep's reference model is: held-out loss against the bound, and stories it wrote", async () => {
    const html = await renderReport(recorded, '::reference{sweep="fixture-sweep"}\n');
    // Three runs, one reference model.
    expect(html.match(/class="reference"/g)).toHaveLength(1);
    expect(html).toContain('<code>0123456789abcdef</code>');
    expect(html).toContain('on 256 held-out stories');
    expect(html).toContain('<strong>1.07 nats/token</strong> (perplexity 2.92)');
    expect(html).toContain('against <strong>0.964</strong>');
    expect(html).toContain('0.107 above it');
    expect(html).toContain('Pretrained in 287 s');
    // Samples are data: escaped.
    expect(html).toContain('<blockquote class="reference-sample"><p>Once upon a time, there was a little girl named Anna. &#x3C;b>She&#x3C;/b> had a friend, a fox.</p></blockquote>');
    expect(html).not.toContain('<b>');
    expect(html.match(/class="reference-sample"/g)).toHaveLength(2);
  });

  test('says so when the runs were trained before they recorded their reference model', async () => {
    const html = await renderReport(older, '::reference{sweep="fixture-sweep"}\n');
    expect(html).toContain('were trained before runs recorded their reference model');
  });
});
