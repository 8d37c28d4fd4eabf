import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSweep, loadSweeps, SweepFileError } from '../src/runs';

function sweepFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sweepbook-sweeps-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function errorOf(file: string): SweepFileError {
  try {
    loadSweep(file);
  } catch (error) {
    expect(error).toBeInstanceOf(SweepFileError);
    return error as SweepFileError;
  }
  throw new Error('expected a SweepFileError');
}

const VALID = `title: KL penalty
vary: beta
seed: 7
values:
  - { value: 0, color: red }
  - { value: 0.01, label: tiny, color: "#ff8800" }
  - value: 1
config:
  steps: 100
`;

describe('sweep files', () => {
  it('loads a sweep with its id from the file name and fills labels and colors', () => {
    const sweep = loadSweep(sweepFile('kl-first.yaml', VALID));
    expect(sweep).toMatchObject({ id: 'kl-first', title: 'KL penalty', vary: 'beta', search: 'values', varied: ['beta'], seeds: [7], config: { steps: 100 } });
    expect(sweep.values).toEqual([
      { value: 0, params: { beta: 0 }, label: 'beta=0', color: 'red' },
      { value: 0.01, params: { beta: 0.01 }, label: 'tiny', color: '#ff8800' },
      { value: 1, params: { beta: 1 }, label: 'beta=1', color: 'seagreen' },
    ]);
  });

  it('takes seeds: a list, or one seed: as the list of it, or none: seed 0', () => {
    expect(loadSweep(sweepFile('s.yaml', VALID.replace('seed: 7', 'seeds: [0, 1, 2]'))).seeds).toEqual([0, 1, 2]);
    expect(loadSweep(sweepFile('s.yaml', VALID.replace('seed: 7\n', ''))).seeds).toEqual([0]);
  });

  it('names the file, line and field of a bad seeds list', () => {
    const bad = (seeds: string) => errorOf(sweepFile('s.yaml', VALID.replace('seed: 7', seeds)));
    expect(bad('seeds: []')).toMatchObject({ field: 'seeds', line: 3 });
    expect(bad('seeds: [0, one]')).toMatchObject({ field: 'seeds.1', line: 3 });
    expect(bad('seeds: [0, 1.5]')).toMatchObject({ field: 'seeds.1' });
    expect(bad('seeds: [0, 1, 0]').message).toMatch(/s\.yaml:3: seeds\.2: seed 0 appears twice/);
    expect(bad('seed: 7\nseeds: [1]').message).toMatch(/s\.yaml:3: seed: give seeds: \[...\] or seed:, not both/);
    expect(errorOf(sweepFile('s.yaml', VALID.replace('steps: 100', 'seed: 3')))).toMatchObject({ field: 'config.seed', line: 9 });
  });

  it('refuses vary: seed (every seed of seeds: would train the same runs, recorded as one seed)', () => {
    const error = errorOf(sweepFile('s.yaml', VALID.replace('vary: beta', 'vary: seed')));
    expect(error).toMatchObject({ field: 'vary', line: 2 });
    expect(error.message).toMatch(/s\.yaml:2: vary: vary the seed with seeds: \[\.\.\.\], not vary: seed/);
  });

  it('refuses a sweep id too long for a file name', () => {
    expect(errorOf(sweepFile(`${'a'.repeat(65)}.yaml`, VALID)).message).toMatch(/at most 64 characters/);
  });

  it('names the file, line and field of a wrong type', () => {
    const file = sweepFile('s.yaml', VALID.replace('seed: 7', 'seed: seven'));
    const error = errorOf(file);
    expect(error).toMatchObject({ file, field: 'seed', line: 3 });
    expect(error.message).toMatch(/s\.yaml:3: seed: /);
  });

  it('names a missing field and a field inside a list', () => {
    expect(errorOf(sweepFile('s.yaml', VALID.replace('vary: beta\n', '')))).toMatchObject({ field: 'vary' });
    const error = errorOf(sweepFile('s.yaml', VALID.replace('color: red', 'color: "not a color"')));
    expect(error).toMatchObject({ field: 'values.0.color', line: 5 });
    expect(errorOf(sweepFile('s.yaml', VALID.replace('color: red', 'color: violett')))).toMatchObject({ field: 'values.0.color', line: 5 });
    expect(loadSweep(sweepFile('s.yaml', VALID.replace('color: red', 'color: DarkCyan'))).values[0].color).toBe('DarkCyan');
  });

  it('rejects unknown fields, duplicate values, bad YAML and bad file names', () => {
    expect(errorOf(sweepFile('s.yaml', VALID + 'colour: red\n')).message).toMatch(/colour/);
    expect(errorOf(sweepFile('s.yaml', VALID.replace('value: 1', 'value: 0')))).toMatchObject({ field: 'values.2.value', line: 7 });
    expect(errorOf(sweepFile('s.yaml', 'title: [unclosed\n')).message).toMatch(/not valid YAML/);
    expect(errorOf(sweepFile('Bad Name.yaml', VALID)).message).toMatch(/sweep id/);
  });

  it('puts a YAML error at the line and column to fix: an unclosed {, [ or quote where it opens, not where the parser noticed', () => {
    const values = 'title: T\nvary: beta\nseeds: [0]\nvalues:\n  - { value: 0, label: "a" }\n  - { value: 1, label: "x"\n  - { value: 2, label: "b" }\n';
    const unclosedMap = errorOf(sweepFile('s.yaml', values));
    expect(unclosedMap.message).toMatch(/s\.yaml:6: not valid YAML at column 5: the \{ opened here is not closed with \}$/);
    expect(unclosedMap.line).toBe(6);
    // the last line of the file, and a list
    expect(errorOf(sweepFile('s.yaml', values.split('\n').slice(0, 6).join('\n') + '\n')).message).toMatch(/s\.yaml:6: not valid YAML at column 5: the \{/);
    expect(errorOf(sweepFile('s.yaml', 'title: T\nvary: beta\nseeds: [0, 1\nvalues: [{ value: 0 }]\n')).message).toMatch(/s\.yaml:3: not valid YAML at column 8: the \[ opened here is not closed with \]$/);
    expect(errorOf(sweepFile('s.yaml', 'title: "T\nvary: beta\nvalues: [{ value: 0 }]\n')).message).toMatch(/s\.yaml:1: not valid YAML at column 8: the " opened here is not closed$/);
    // other errors are where the parser puts them
    expect(errorOf(sweepFile('s.yaml', 'title: T\nvary: beta\n  seeds: [0]\n')).message).toMatch(/s\.yaml:2: not valid YAML at column 7: /);
  });

  it('loads every sweep in a folder, sorted, and none from a missing folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweepbook-sweeps-'));
    writeFileSync(join(dir, 'b.yaml'), VALID);
    writeFileSync(join(dir, 'a.yml'), VALID);
    writeFileSync(join(dir, 'notes.md'), '# not a sweep');
    expect(loadSweeps(dir).map((sweep) => sweep.id)).toEqual(['a', 'b']);
    expect(loadSweeps(join(dir, 'missing'))).toEqual([]);
  });

  it('rejects two values with the same label, at the second one', () => {
    const labelled = VALID.replace('value: 1', '{ value: 1, label: tiny }');
    expect(errorOf(sweepFile('s.yaml', labelled))).toMatchObject({ field: 'values.2.label', line: 7 });
    expect(errorOf(sweepFile('s.yaml', labelled)).message).toMatch(/s\.yaml:7: values\.2\.label: label "tiny" appears twice/);
    // a default label (beta=1) can clash with a written one
    const clash = VALID.replace('label: tiny', 'label: beta=1');
    expect(errorOf(sweepFile('s.yaml', clash))).toMatchObject({ field: 'values.2.label', line: 7 });
  });

  it('rejects a YAML alias bomb, a folder and a dangling symlink as sweep files, naming the file', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const name of 'bcdefgh') bomb.push(`${name}: &${name} [${Array(9).fill(`*${String.fromCharCode(name.charCodeAt(0) - 1)}`).join(', ')}]`);
    const bombFile = sweepFile('bomb.yaml', bomb.join('\n') + '\n');
    expect(errorOf(bombFile).message).toMatch(/bomb\.yaml: .*alias/);

    const dir = mkdtempSync(join(tmpdir(), 'sweepbook-sweeps-'));
    mkdirSync(join(dir, 'folder.yaml'));
    expect(errorOf(join(dir, 'folder.yaml')).message).toMatch(/folder\.yaml: .*folder/);
    symlinkSync(join(dir, 'missing.yaml'), join(dir, 'dangling.yaml'));
    expect(errorOf(join(dir, 'dangling.yaml')).message).toMatch(/dangling\.yaml: .*(does not exist|symlink)/);
  });

  it('rejects s.yaml beside s.yml: one sweep id, two files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweepbook-sweeps-'));
    writeFileSync(join(dir, 's.yaml'), VALID);
    writeFileSync(join(dir, 's.yml'), VALID);
    let error: unknown;
    try {
      loadSweeps(dir);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SweepFileError);
    expect((error as Error).message).toMatch(/s\.yml: .*s\.yaml/);
  });
});
