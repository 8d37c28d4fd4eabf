import { describe, expect, it } from 'vitest';
import { alliteration, distinctWordRatio, diversity, repetition, wordsOf } from '../src/train/reward';
import { splitTokens } from '../src/corpus/tokenizer';

const tokens = (text: string) => splitTokens(text);

describe('alliteration', () => {
  it('is the share of adjacent word pairs with the same first letter', () => {
    expect(alliteration(tokens('big brown bear'))).toBe(1);
    expect(alliteration(tokens('the big bear'))).toBe(0.5);
    expect(alliteration(tokens('big red bear'))).toBe(0);
    expect(alliteration(tokens('Sam saw a snake slither'))).toBe(0.5);
  });

  it('ignores case and skips punctuation, so a pair can span a sentence end', () => {
    expect(alliteration(tokens('Tall. Tom, too!'))).toBe(1);
    expect(alliteration(['<bos>', 'tall', 'tall', '<eos>'])).toBe(1);
  });

  it('is 0 with fewer than two words', () => {
    expect(alliteration([])).toBe(0);
    expect(alliteration(tokens('tall.'))).toBe(0);
  });

  it('rewards repeating one word as highly as possible', () => {
    // time-to, to-the, the-tall and four tall-tall pairs match: 7 of 10.
    expect(alliteration(tokens('Once upon a time to the tall tall tall tall tall'))).toBeCloseTo(7 / 10);
    expect(alliteration(tokens('tall '.repeat(50)))).toBe(1);
  });
});

describe('repetition', () => {
  it('is 1 - distinct words / words; higher is more repetitive', () => {
    expect(distinctWordRatio(tokens('tall tall tall tall'))).toBe(0.25);
    expect(repetition(tokens('tall tall tall tall'))).toBe(0.75);
    expect(repetition(tokens('The cat saw the dog.'))).toBe(0.2);
    expect(repetition(tokens('a b c d'))).toBe(0);
  });

  it('counts no repetition in empty text', () => {
    expect(distinctWordRatio([])).toBe(1);
    expect(repetition(tokens('. , !'))).toBe(0);
  });

  it('keeps only words, lowercased', () => {
    expect(wordsOf(tokens('She ran. He hid!'))).toEqual(['she', 'ran', 'he', 'hid']);
  });
});

describe('diversity', () => {
  it('is distinct word bigrams over all bigrams of the samples of a step', () => {
    // 2 + 2 bigrams, "the cat" shared: 3 distinct of 4
    expect(diversity([tokens('the cat sat'), tokens('the cat ran')])).toBe(3 / 4);
    expect(diversity([tokens('big brown bear'), tokens('red fox')])).toBe(1);
  });

  it('sees what repetition cannot: samples that each read well but are all alike', () => {
    const story = tokens('Once upon a time, a girl saw a tree.');
    expect(repetition(story)).toBeLessThan(0.25);
    expect(diversity([story, story, story, story])).toBe(1 / 4);
  });

  it('counts no bigram across two samples, skips punctuation, and is 1 with no bigrams', () => {
    expect(diversity([tokens('tall'), tokens('tall')])).toBe(1);
    expect(diversity([tokens('Tall. Tom!'), tokens('tall tom')])).toBe(1 / 2);
    expect(diversity([])).toBe(1);
  });
});
