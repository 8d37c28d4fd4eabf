import { rmSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { listRuns } from '../src/runs';
import { fixtureDirs, lineOf, renderReport } from './fixtures/render-report';

const dirs = fixtureDirs();
afterAll(() => rmSync(dirs.root, { recursive: true, force: true }));

describe('::runs', () => {
  test('tables every run: linked id, value, color, status, steps and final metrics', async () => {
    const html = await renderReport(dirs, '::runs{sweep="fixture-sweep"}\n');
    const header = [...html.matchAll(/<th scope="col"[^>]*>([^<]+)<\/th>/g)].map((m) => m[1]);
    expect(header).toEqual(['Run', 'beta', 'Color', 'Status', 'Steps', 'raw_reward', 'kl', 'total_reward', 'repetition']);
    const rows = html.split('<tr>').slice(2);
    expect(rows).toHaveLength(3);
    const byValue = new Map(listRuns(dirs.runsDir).map((run) => [run.info.params.beta, run.info.id]));
    rows.forEach((row, index) => {
      const value = [0, 1, 10][index];
      expect(row).toContain(`<a href="/runs/${byValue.get(value)}/">`);
      expect(row).toContain(`<td class="num">${value}</td>`);
      expect(row).toContain('completed');
      expect(row).toContain(`</span> ${['red', 'green', 'blue'][index]}</td>`);
      expect(row).toContain('40/40');
    });
    // beta=1: final kl = 10 / (1 + 1)
    expect(rows[1]).toContain('<td class="num">5</td>');
  });

  test('an unknown sweep fails with the report file and line', async () => {
    const body = 'Intro.\n\n::runs{sweep="kl-penalty-frist"}\n';
    await expect(renderReport(dirs, body, 'bad.md')).rejects.toThrow(
      `reports/bad.md:${lineOf(body, '::runs')}: ::runs: unknown sweep "kl-penalty-frist" (known: fixture-sweep)`,
    );
  });
});
