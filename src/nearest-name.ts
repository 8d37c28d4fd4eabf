// "Did you mean ...?" for a name that is not known: the known one it is a
// typo of, shared by every place that suggests one (config keys, placeholders).

/** The known name nearest to `name` (case aside) by at most two letters inserted, deleted or changed, or undefined. */
export function nearestName(name: string, known: readonly string[]): string | undefined {
  const distances = known.map((candidate) => [candidate, editDistance(name.toLowerCase(), candidate.toLowerCase())] as const);
  const [best] = distances.filter(([, distance]) => distance <= 2).sort((a, b) => a[1] - b[1]);
  return best?.[0];
}

/** Levenshtein distance: letters inserted, deleted or changed to turn a into b. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length];
}
