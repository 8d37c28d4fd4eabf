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

/** How many words two lists have in common, in order: their longest common subsequence, one row of the table at a time. */
function commonWords(a: string[], b: string[]): number {
  const ids = new Map<string, number>();
  const idsOf = (words: string[]) => Int32Array.from(words, (word) => ids.get(word) ?? (ids.set(word, ids.size), ids.size - 1));
  const [x, y] = [idsOf(a), idsOf(b)];
  let row = new Int32Array(y.length + 1);
  let next = new Int32Array(y.length + 1);
  for (let i = 0; i < x.length; i++) {
    for (let j = 0; j < y.length; j++) next[j + 1] = x[i] === y[j] ? row[j] + 1 : Math.max(row[j + 1], next[j]);
    [row, next] = [next, row];
  }
  return row[y.length];
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
