// A word-level diff (jsdiff's Myers diff), to mark how a generation differs
// from the one before it.
import { diffArrays } from 'diff';

export interface DiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

/**
 * Texts longer than this are not diffed. Myers' diff takes time (and, in
 * jsdiff, memory) growing with words times edits; past this, marks would be
 * too many to read anyway. Generations are ~60 words.
 */
export const MAX_DIFF_WORDS = 500;

/** Words with the whitespace after each, so joining the parts gives the text back. */
export function splitWords(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/**
 * How `after` differs from `before`, word by word (whitespace aside); runs of
 * one kind are merged. Undefined when either text has more than MAX_DIFF_WORDS
 * words; 'unlike' when less than minSimilarity of the words are common (see
 * similarity), found by counting common words before any diff.
 */
export function wordDiff(before: string, after: string, minSimilarity = 0): DiffPart[] | 'unlike' | undefined {
  const a = splitWords(before);
  const b = splitWords(after);
  if (a.length > MAX_DIFF_WORDS || b.length > MAX_DIFF_WORDS) return undefined;
  // Words are compared trimmed once up front: a comparator that trims on every
  // call allocates a string per comparison, and Myers' diff compares many times.
  const [wordsA, wordsB] = [a.map((word) => word.trim()), b.map((word) => word.trim())];
  // similarity = common / max(a, b) and edits = a + b - 2 common, so this is
  // the most edits a diff as similar as asked can have. Unlike texts are told
  // by their common words counted in a table (~20 µs for 100 words each):
  // Myers' search would take ~1 ms to find out, most of its cost.
  const maxEdits = Math.floor(a.length + b.length - 2 * minSimilarity * Math.max(a.length, b.length));
  if (minSimilarity > 0 && a.length + b.length - 2 * commonWords(wordsA, wordsB) > maxEdits) return 'unlike';
  const changes = diffArrays(wordsA, wordsB);
  // Common words carry `after`'s whitespace.
  let inBefore = 0;
  let inAfter = 0;
  return changes.map((change) => {
    const kind = change.added ? 'added' : change.removed ? 'removed' : 'same';
    const from = kind === 'removed' ? a.slice(inBefore, inBefore + change.count) : b.slice(inAfter, inAfter + change.count);
    if (kind !== 'added') inBefore += change.count;
    if (kind !== 'removed') inAfter += change.count;
    return { kind, text: from.join('') };
  });
}

/**
 * How many words two lists have in common, in order: the length of their
 * longest common subsequence, by the bit-parallel algorithm (Hyyrö 2004): a
 * bit per word of b, 32 at a time, one pass per word of a (a run page
 * compares ~50 pairs of ~100 words: a table of every pair of words took
 * most of its generations' time).
 */
function commonWords(a: string[], b: string[]): number {
  const blocks = Math.ceil(b.length / 32);
  // per word of b: the bits of the places it holds in b
  const places = new Map<string, Uint32Array>();
  b.forEach((word, j) => {
    let bits = places.get(word);
    if (!bits) places.set(word, (bits = new Uint32Array(blocks)));
    bits[j >>> 5] |= 1 << (j & 31);
  });
  // a zero bit per word of b matched so far, along a longest common subsequence
  const row = new Uint32Array(blocks).fill(0xffffffff);
  for (const word of a) {
    const bits = places.get(word);
    if (!bits) continue;
    let carry = 0;
    for (let k = 0; k < blocks; k++) {
      const old = row[k];
      // row = (row + (row & bits)) | (row & ~bits), the sum carried from block to block
      const sum = old + ((old & bits[k]) >>> 0) + carry;
      carry = sum > 0xffffffff ? 1 : 0;
      row[k] = (sum >>> 0) | (old & ~bits[k]);
    }
  }
  let common = 0;
  for (let j = 0; j < b.length; j++) if (((row[j >>> 5] >>> (j & 31)) & 1) === 0) common++;
  return common;
}

/** Share of `after`'s words that `before` also has (in order): 1 = same text, 0 = nothing in common. */
export function similarity(parts: DiffPart[]): number {
  const count = (kind: DiffPart['kind']) =>
    parts.filter((part) => part.kind === kind).reduce((sum, part) => sum + splitWords(part.text).length, 0);
  const same = count('same');
  const total = Math.max(same + count('added'), same + count('removed'));
  return total === 0 ? 1 : same / total;
}

/** One place where two texts differ: the words `before` had there and those `after` has instead (either may be empty). */
export interface Change {
  removed: string;
  added: string;
}

/** Where the parts differ, each run of removed and added words next to each other as one change. */
export function changesOf(parts: DiffPart[]): Change[] {
  const changes: Change[] = [];
  let current: Change | undefined;
  for (const part of parts) {
    if (part.kind === 'same') {
      current = undefined;
      continue;
    }
    if (!current) changes.push((current = { removed: '', added: '' }));
    current[part.kind] += part.text;
  }
  return changes.map(({ removed, added }) => ({ removed: removed.trim(), added: added.trim() }));
}
