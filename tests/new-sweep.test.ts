import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main, newSweep, parseValues } from '../src/runner/new-sweep';
import { loadSweep } from '../src/runs';

const tempContent = () => mkdtempSync(join(tmpdir(), 'sweepbook-content-'));

describe('new-sweep', () => {
  it('parses values as numbers where they are numbers', () => {
    expect(parseValues('10, 20,5e1,0.5,.25,gru')).toEqual([10, 20, 50, 0.5, 0.25, 'gru']);
  });

  it('writes a valid sweep file and a report stub that uses it', () => {
    const contentDir = tempContent();
    const { sweepFile, reportFile } = newSweep({ id: 'kl-third', vary: 'beta', values: [10, 20, 50], contentDir });
    const sweep = loadSweep(sweepFile);
    expect(sweep).toMatchObject({ id: 'kl-third', vary: 'beta', seeds: [0, 1, 2] });
    expect(readFileSync(sweepFile, 'utf8')).toContain('seeds: [0, 1, 2]');
    expect(loadSweep(newSweep({ id: 'one-seed', vary: 'beta', values: [1], seeds: [5], contentDir }).sweepFile).seeds).toEqual([5]);
    expect(sweep.values.map((v) => [v.value, v.label])).toEqual([[10, 'beta=10'], [20, 'beta=20'], [50, 'beta=50']]);
    expect(new Set(sweep.values.map((v) => v.color)).size).toBe(3);
    const report = readFileSync(reportFile, 'utf8');
    expect(report).toMatch(/^---\ntitle: /);
    for (const directive of ['::runs{sweep="kl-third"}', '::figure{sweep="kl-third" metric="raw_reward"', '::generations{sweep="kl-third" last=2}']) {
      expect(report).toContain(directive);
    }
    // The figures' axes say what x is; a stub caption saying it again ends up in every report made from it.
    expect(report).not.toMatch(/caption=/);
  });

  it('refuses to overwrite, to vary a field training does not have, and values it would reject', () => {
    const contentDir = tempContent();
    newSweep({ id: 's', vary: 'beta', values: [1], contentDir });
    expect(() => newSweep({ id: 's', vary: 'beta', values: [2], contentDir })).toThrow(/exists already/);
    expect(() => newSweep({ id: 't', vary: 'btea', values: [2], contentDir })).toThrow(/not a training config field/);
    expect(() => newSweep({ id: 'u', vary: 'lr', values: [0.1, 'x'], contentDir })).toThrow(/"x": .*expected number/);
    expect(() => newSweep({ id: 'v', vary: 'beta', values: [-1], contentDir })).toThrow(/-1: /);
  });

  it('exits 2 with a usage line on bad arguments', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/new-sweep.ts', 'x'], { encoding: 'utf8', env: { ...process.env, CONTENT_DIR: tempContent() } });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/usage: npm run new-sweep/);
  });

  describe('validates before writing anything (issue 27)', () => {
    /** main's exit code and what it printed to stderr. */
    function run(args: string[], contentDir: string): { code: number; stderr: string } {
      const error = vi.spyOn(console, 'error').mockImplementation(() => {});
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      try {
        const code = main(args, { CONTENT_DIR: contentDir });
        return { code, stderr: error.mock.calls.map((call) => call.join(' ')).join('\n') };
      } finally {
        error.mockRestore();
        log.mockRestore();
      }
    }
    const written = (contentDir: string, id: string) => [`sweeps/${id}.yaml`, `reports/${id}.md`].filter((file) => existsSync(join(contentDir, file)));

    it('--vary twice writes a grid colored by the first, with a ::final against the second; a field given twice or a bad value of the second: exit 2', () => {
      const contentDir = tempContent();
      expect(run(['g', '--vary', 'beta=0.1,1', '--vary', 'lr=0.001,0.002', '--seeds', '0'], contentDir).code).toBe(0);
      const sweep = loadSweep(join(contentDir, 'sweeps', 'g.yaml'));
      expect(sweep).toMatchObject({ search: 'grid', vary: 'beta', varied: ['beta', 'lr'], title: 'Sweeping beta × lr' });
      expect(sweep.values.map((point) => point.label)).toEqual(['beta=0.1, lr=0.001', 'beta=0.1, lr=0.002', 'beta=1, lr=0.001', 'beta=1, lr=0.002']);
      expect(readFileSync(join(contentDir, 'sweeps', 'g.yaml'), 'utf8')).toContain('grid:\n  beta: [0.1, 1]\n  lr: [0.001, 0.002]\ncolor_by: beta\n');
      expect(readFileSync(join(contentDir, 'reports', 'g.md'), 'utf8')).toContain('::final{sweeps="g" metric="raw_reward" x="lr"}');
      expect(readFileSync(join(contentDir, 'reports', 'g.md'), 'utf8')).toContain('::parallel{sweep="g" metrics="raw_reward,kl,repetition"}');
      expect(run(['h', '--vary', 'beta=1', '--vary', 'beta=2'], contentDir)).toEqual({ code: 2, stderr: 'new-sweep: --vary beta is given twice: give its values once, --vary beta=<v1>,<v2>' });
      expect(run(['h', '--vary', 'beta=1', '--vary', 'lr=0.1,-1'], contentDir)).toEqual({ code: 2, stderr: expect.stringMatching(/^new-sweep: --vary lr=0.1,-1: -1: /) });
      expect(written(contentDir, 'h')).toEqual([]);
    });

    it('a value or seed given twice: exit 2, no file left for the trainer to refuse', () => {
      const contentDir = tempContent();
      expect(run(['s', '--vary', 'beta=1,1'], contentDir)).toEqual({ code: 2, stderr: expect.stringMatching(/^new-sweep: .*value 1 appears twice$/) });
      expect(run(['s', '--vary', 'beta=1,2', '--seeds', '0,0'], contentDir)).toEqual({ code: 2, stderr: expect.stringMatching(/^new-sweep: .*seed 0 appears twice$/) });
      expect(written(contentDir, 's')).toEqual([]);
    });

    it('--force does not overwrite a hand-edited sweep with an invalid one', () => {
      const contentDir = tempContent();
      const { sweepFile, reportFile } = newSweep({ id: 's', vary: 'beta', values: [1], contentDir });
      writeFileSync(sweepFile, readFileSync(sweepFile, 'utf8') + '# edited by hand\n');
      const [sweepText, reportText] = [readFileSync(sweepFile, 'utf8'), readFileSync(reportFile, 'utf8')];
      expect(run(['s', '--vary', 'beta=2,2', '--force'], contentDir).code).toBe(2);
      expect([readFileSync(sweepFile, 'utf8'), readFileSync(reportFile, 'utf8')]).toEqual([sweepText, reportText]);
    });

    it('an id too long for a file name: one line, no stack', () => {
      const contentDir = tempContent();
      const { code, stderr } = run(['a'.repeat(300), '--vary', 'beta=1'], contentDir);
      expect(code).toBe(2);
      expect(stderr).toMatch(/^new-sweep: sweep id "a+": at most 64 characters$/);
      expect(written(contentDir, 'a'.repeat(300))).toEqual([]);
    });

    it('refuses --vary seed (seeds come from --seeds) and seeds that are not whole numbers as written', () => {
      const contentDir = tempContent();
      expect(run(['s', '--vary', 'seed=1,2'], contentDir)).toEqual({ code: 2, stderr: expect.stringMatching(/^new-sweep: --vary seed: .*--seeds/) });
      expect(run(['s', '--vary', 'beta=1', '--seeds', '1e-400'], contentDir)).toEqual({ code: 2, stderr: expect.stringMatching(/^new-sweep: --seeds 1e-400: give whole numbers/) });
      expect(written(contentDir, 's')).toEqual([]);
    });
  });
});
