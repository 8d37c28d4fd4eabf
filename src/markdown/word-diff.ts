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
 * similarity), found without finishing the diff: for unrelated texts the end
 * of Myers' search is most of its cost.
 */
export function wordDiff(before: string, after: string, minSimilarity = 0): DiffPart[] | 'unlike' | undefined {
  const a = splitWords(before);
  const b = splitWords(after);
  if (a.length > MAX_DIFF_WORDS || b.length > MAX_DIFF_WORDS) return undefined;
  // similarity = common / max(a, b) and edits = a + b - 2 common, so this is
  // the most edits a diff as similar as asked can have.
  const maxEditLength = Math.floor(a.length + b.length - 2 * minSimilarity * Math.max(a.length, b.length));
  // Words are compared trimmed once up front: a comparator that trims on every
  // call allocates a string per comparison, and Myers' diff compares many times.
  const changes = diffArrays(
    a.map((word) => word.trim()),
    b.map((word) => word.trim()),
    { maxEditLength },
  );
  if (!changes) return 'unlike';
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

/** Share of `after`'s words that `before` also has (in order): 1 = same text, 0 = nothing in common. */
export function similarity(parts: DiffPart[]): number {
  const count = (kind: DiffPart['kind']) =>
    parts.filter((part) => part.kind === kind).reduce((sum, part) => sum + splitWords(part.text).length, 0);
  const same = count('same');
  const total = Math.max(same + count('added'), same + count('removed'));
  return total === 0 ? 1 : same / total;
}
