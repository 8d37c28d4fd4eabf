// The reward and the repetition measure, on token strings (Tokenizer.tokenStrings).
//
// Alliteration, exactly: keep the tokens that start with a letter (words;
// punctuation and special tokens are skipped, so a pair may span a sentence
// end), lowercase them, and count the adjacent pairs (w[i], w[i+1]) whose first
// letters are equal. alliteration = matching pairs / all adjacent pairs, in
// [0, 1]; 0 when there are fewer than two words. "big brown bear" scores 1,
// "the big bear" 0.5, "big red bear" 0. The raw reward of a run is
// config.reward_scale * alliteration(generated tokens), scaled by the caller.
//
// Repetition: the share of words that repeat an earlier word,
// 1 - distinct words / words, in [0, 1). Higher means more repetitive: corpus
// stories score 0.43 (median; 0.24 over their first 40 tokens), and
// "tall tall tall tall" scores 0.75. It grows with length, so compare equal lengths.
// (Corpus stories' alliteration: median 0.07.)
//
// Diversity, across the samples of one step: the distinct word bigrams of all
// the samples over all their bigrams (pairs within one sample; none spans two),
// in (0, 1]. Repetition sees one sample at a time: samples that each read well
// but all tell the same story score low diversity. n identical samples score
// at most 1/n; n samples sharing no bigram score 1 minus their own repeats.

/** The words among `tokens`, lowercased. */
export function wordsOf(tokens: readonly string[]): string[] {
  return tokens.filter((t) => /^[A-Za-z]/.test(t)).map((t) => t.toLowerCase());
}

/** Share of adjacent word pairs that start with the same letter (see above). */
export function alliteration(tokens: readonly string[]): number {
  const words = wordsOf(tokens);
  if (words.length < 2) return 0;
  let matches = 0;
  for (let i = 0; i + 1 < words.length; i++) if (words[i][0] === words[i + 1][0]) matches++;
  return matches / (words.length - 1);
}

/** Distinct words / words, in (0, 1]; 1 when there are no words. Lower means more repetitive. */
export function distinctWordRatio(tokens: readonly string[]): number {
  const words = wordsOf(tokens);
  return words.length === 0 ? 1 : new Set(words).size / words.length;
}

/** 1 - distinctWordRatio: the `repetition` metric; higher means more repetitive. */
export function repetition(tokens: readonly string[]): number {
  const words = wordsOf(tokens);
  return words.length === 0 ? 0 : (words.length - new Set(words).size) / words.length;
}

/** Distinct word bigrams over all word bigrams of the samples (see above); 1 when there are none. */
export function diversity(samples: readonly (readonly string[])[]): number {
  const distinct = new Set<string>();
  let all = 0;
  for (const tokens of samples) {
    const words = wordsOf(tokens);
    for (let i = 0; i + 1 < words.length; i++) distinct.add(`${words[i]} ${words[i + 1]}`);
    all += Math.max(0, words.length - 1);
  }
  return all === 0 ? 1 : distinct.size / all;
}
