import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { flushWrites, startWritingBehind, writeAside, writingBehind } from '../src/write-behind';

test('outside a build a file is written at once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sweepbook-write-behind-'));
  writeAside(join(dir, 'a.json'), join(dir, 'a.json.tmp'), '{"a":1}');
  expect(readFileSync(join(dir, 'a.json'), 'utf8')).toBe('{"a":1}');
  expect(readdirSync(dir)).toEqual(['a.json']);
});

test('in a build files land in the background, each whole under its name, and the build waits for them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sweepbook-write-behind-'));
  startWritingBehind();
  const files = Array.from({ length: 50 }, (_, i) => join(dir, `${i}.json`));
  files.forEach((file, i) => writeAside(file, `${file}.tmp`, JSON.stringify({ i, pad: 'x'.repeat(20_000) })));
  // not there yet, and known to be on its way
  expect(files.some((file) => existsSync(file))).toBe(false);
  expect(files.every(writingBehind)).toBe(true);
  await flushWrites();
  expect(files.map((file) => (JSON.parse(readFileSync(file, 'utf8')) as { i: number }).i)).toEqual(files.map((_, i) => i));
  expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  expect(files.some(writingBehind)).toBe(false);
  // flushed, it writes at once again
  writeAside(join(dir, 'after.json'), join(dir, 'after.json.tmp'), '1');
  expect(existsSync(join(dir, 'after.json'))).toBe(true);
});

test('a write that failed in the background fails the build when it waits', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sweepbook-write-behind-'));
  startWritingBehind();
  writeAside(join(dir, 'missing', 'a.json'), join(dir, 'missing', 'a.json.tmp'), '1');
  await expect(flushWrites()).rejects.toThrow(/ENOENT/);
  await expect(flushWrites()).resolves.toBeUndefined();
});
