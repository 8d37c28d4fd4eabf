import { describe, expect, it } from 'vitest';
import { generateStories } from '../src/corpus/stories';
import { BOS, EOS, Tokenizer, UNK, splitTokens } from '../src/corpus/tokenizer';

describe('Tokenizer', () => {
  const stories = generateStories(300, 7);
  const tokenizer = Tokenizer.fromTexts(stories);

  it('splits words and punctuation, keeping case', () => {
    expect(splitTokens('Once upon a time, Sam ran.  The end!')).toEqual([
      'Once', 'upon', 'a', 'time', ',', 'Sam', 'ran', '.', 'The', 'end', '!',
    ]);
  });

  it('round-trips every corpus story through encode and decode', () => {
    for (const story of stories) expect(tokenizer.decode(tokenizer.encode(story))).toBe(story);
  });

  it('puts special tokens first and decodes without them', () => {
    expect([tokenizer.pad, tokenizer.bos, tokenizer.eos, tokenizer.unk]).toEqual([0, 1, 2, 3]);
    const ids = [tokenizer.bos, ...tokenizer.encode('Once upon a time, there was a cat.'), tokenizer.eos];
    expect(tokenizer.decode(ids)).toBe('Once upon a time, there was a cat.');
    expect(tokenizer.tokenStrings(ids)).not.toContain(BOS);
    expect(tokenizer.tokenStrings(ids)).not.toContain(EOS);
  });

  it('maps unknown words to <unk>', () => {
    const ids = tokenizer.encode('Once upon a flibbertigibbet.');
    expect(ids[3]).toBe(tokenizer.unk);
    expect(tokenizer.decode(ids)).toBe(`Once upon a ${UNK}.`);
  });

  it('has one id per distinct token of the texts, plus four special tokens', () => {
    const distinct = new Set(stories.flatMap(splitTokens));
    expect(tokenizer.vocabSize).toBe(distinct.size + 4);
    expect(Tokenizer.fromTexts(['b a', 'a c .']).toJSON().tokens).toEqual(['<pad>', '<bos>', '<eos>', '<unk>', '.', 'a', 'b', 'c']);
  });

  it('survives JSON and rejects a malformed vocabulary', () => {
    const copy = Tokenizer.fromJSON(JSON.parse(JSON.stringify(tokenizer)));
    expect(copy.vocabSize).toBe(tokenizer.vocabSize);
    expect(copy.encode(stories[0])).toEqual(tokenizer.encode(stories[0]));
    expect(() => Tokenizer.fromJSON({ tokens: ['a', 'b', 'c', 'd'] })).toThrow(/first tokens/);
    expect(() => Tokenizer.fromJSON({ tokens: ['<pad>', '<bos>', '<eos>', '<unk>', 'a', 'a'] })).toThrow(/duplicate/);
    expect(() => Tokenizer.fromJSON({ words: [] })).toThrow();
  });
});
