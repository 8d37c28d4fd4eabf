import { describe, expect, test } from 'vitest';
import { MAX_DIFF_WORDS, similarity, splitWords, wordDiff, type DiffPart } from '../src/markdown/word-diff';

/** wordDiff of texts short enough to diff. */
function diffOf(before: string, after: string): DiffPart[] {
  const parts = wordDiff(before, after);
  if (!Array.isArray(parts)) throw new Error('expected a diff');
  return parts;
}

describe('wordDiff', () => {
  test('joining the parts of one side gives that text back', () => {
    const before = 'Once upon a time to the tall tall tree';
    const after = 'Once upon a time the tall tall tall tree.';
    const parts = diffOf(before, after);
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
    expect(similarity(diffOf('a b c', 'a b c'))).toBe(1);
    expect(similarity(diffOf('a b c', 'x y z'))).toBe(0);
    expect(similarity(diffOf('a b c d', 'a b c'))).toBe(0.75);
  });
});

/** About `chars` characters of story-like text; `variant` changes every 50th word. */
function story(chars: number, variant = false): string {
  const words = ['once', 'upon', 'a', 'time', 'there', 'was', 'tall', 'tree', 'and', 'the', 'dog', 'ran'];
  const out: string[] = [];
  for (let i = 0, length = 0; length < chars; i++) {
    const word = variant && i % 50 === 0 ? 'bird' : words[(i * 7 + (i >> 3)) % words.length];
    out.push(word);
    length += word.length + 1;
  }
  return out.join(' ');
}

describe('wordDiff of long texts', () => {
  test('two ~1 MB generations: no diff, quickly and in bounded memory', () => {
    const before = story(1_000_000);
    const after = story(1_000_000, true);
    const used = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const start = used();
    expect(wordDiff(before, after)).toBeUndefined();
    // The old table of words x words needed ~160 GB here.
    expect(used() - start).toBeLessThan(300 * 2 ** 20);
  });

  test(`texts of up to ${MAX_DIFF_WORDS} words are diffed`, () => {
    const before = story(2_000);
    const after = story(2_000, true);
    expect(splitWords(after).length).toBeLessThanOrEqual(MAX_DIFF_WORDS);
    const parts = diffOf(before, after);
    expect(parts.filter((p) => p.kind === 'added').map((p) => p.text.trim())).toEqual(expect.arrayContaining(['bird']));
    expect(parts.filter((p) => p.kind !== 'removed').map((p) => p.text).join('')).toBe(after);
    expect(wordDiff(before + ' x'.repeat(MAX_DIFF_WORDS), after)).toBeUndefined();
  });
});

describe('wordDiff with a least similarity', () => {
  test("says 'unlike' exactly when the full diff's similarity is below it, and otherwise gives the full diff", () => {
    const words = 'the cat saw a dog by tall red tree and'.split(' ');
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const text = () => Array.from({ length: 5 + Math.floor(random() * 40) }, () => words[Math.floor(random() * words.length)]).join(random() < 0.3 ? '  ' : ' ');
    let unlike = 0;
    for (let i = 0; i < 300; i++) {
      const [before, after] = random() < 0.5 ? [text(), text()] : ((t) => [t, t.replace(/\b(cat|tree)\b/g, 'dog')])(text());
      const full = diffOf(before, after);
      for (const least of [0.3, 0.5, 0.8]) {
        const bounded = wordDiff(before, after, least);
        if (similarity(full) < least) expect(bounded).toBe('unlike');
        else expect(bounded).toEqual(full);
        if (bounded === 'unlike') unlike++;
      }
    }
    expect(unlike).toBeGreaterThan(50);
    expect(unlike).toBeLessThan(850);
  });
});
