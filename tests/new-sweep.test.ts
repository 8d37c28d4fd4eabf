import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newSweep, parseValues } from '../src/runner/new-sweep';
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
});
