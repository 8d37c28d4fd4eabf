import { describe, expect, test } from 'vitest';
import { similarity, wordDiff } from '../src/markdown/word-diff';

describe('wordDiff', () => {
  test('joining the parts of one side gives that text back', () => {
    const before = 'Once upon a time to the tall tall tree';
    const after = 'Once upon a time the tall tall tall tree.';
    const parts = wordDiff(before, after);
    expect(parts.filter((p) => p.kind !== 'removed').map((p) => p.text).join('')).toBe(after);
    expect(parts.filter((p) => p.kind !== 'added').map((p) => p.text).join('')).toBe(before);
  });

  test('marks a word that is gone and one that is new', () => {
    expect(wordDiff('she saw the dog', 'she saw a dog')).toEqual([
      { kind: 'same', text: 'she saw ' },
      { kind: 'removed', text: 'the ' },
      { kind: 'added', text: 'a ' },
      { kind: 'same', text: 'dog' },
    ]);
  });

  test('similarity is 1 for the same text and 0 for nothing in common', () => {
    expect(similarity(wordDiff('a b c', 'a b c'))).toBe(1);
    expect(similarity(wordDiff('a b c', 'x y z'))).toBe(0);
    expect(similarity(wordDiff('a b c d', 'a b c'))).toBe(0.75);
  });
});
