import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { RunReference } from '../src/runs';
import { renderReport } from './fixtures/render-report';
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
