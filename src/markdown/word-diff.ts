// A word-level diff (longest common subsequence), to mark how a generation
// differs from the one before it.

export interface DiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

/** Words with the whitespace after each, so joining the parts gives the text back. */
export function splitWords(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/** How `after` differs from `before`, word by word; runs of one kind are merged. */
export function wordDiff(before: string, after: string): DiffPart[] {
  const a = splitWords(before);
  const b = splitWords(after);
  const same = (i: number, j: number) => a[i].trim() === b[j].trim();
  // lcs[i][j] = length of the longest common subsequence of a[i..] and b[j..]
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i][j] = same(i, j) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const parts: DiffPart[] = [];
  const push = (kind: DiffPart['kind'], text: string) => {
    const last = parts.at(-1);
    if (last?.kind === kind) last.text += text;
    else parts.push({ kind, text });
  };
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (same(i, j)) {
      push('same', b[j]);
      i++;
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
      push('removed', a[i++]);
    } else {
      push('added', b[j++]);
    }
  }
  while (i < a.length) push('removed', a[i++]);
  while (j < b.length) push('added', b[j++]);
  return parts;
}

/** Share of `after`'s words that `before` also has (in order): 1 = same text, 0 = nothing in common. */
export function similarity(parts: DiffPart[]): number {
  const count = (kind: DiffPart['kind']) =>
    parts.filter((part) => part.kind === kind).reduce((sum, part) => sum + splitWords(part.text).length, 0);
  const same = count('same');
  const total = Math.max(same + count('added'), same + count('removed'));
  return total === 0 ? 1 : same / total;
}
