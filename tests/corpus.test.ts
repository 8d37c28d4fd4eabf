import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PROMPT, generateStories } from '../src/corpus/stories';

const words = (text: string) => text.match(/[A-Za-z]+/g) ?? [];

describe('generateStories', () => {
  const stories = generateStories(500, 1);

  it('is the same for the same seed and differs between seeds', () => {
    expect(generateStories(50, 1)).toEqual(stories.slice(0, 50));
    expect(generateStories(50, 2)).not.toEqual(stories.slice(0, 50));
  });

  it('starts every story with the prompt and runs to 60-150 words', () => {
    expect(PROMPT).toBe('Once upon a time');
    for (const story of stories) {
      expect(story.startsWith(`${PROMPT},`) || story.startsWith(`${PROMPT} `)).toBe(true);
      expect(words(story).length).toBeGreaterThanOrEqual(60);
      expect(words(story).length).toBeLessThanOrEqual(150);
    }
  });

  it('uses several hundred distinct words whose first letters cover the alphabet', () => {
    const vocabulary = new Set(stories.flatMap(words).map((w) => w.toLowerCase()));
    expect(vocabulary.size).toBeGreaterThan(400);
    const letters = new Set([...vocabulary].map((w) => w[0]));
    expect([...letters].sort().join('')).toBe('abcdefghijklmnopqrstuvwxyz');
  });

  it('varies the stories: few repeats and many sentence shapes', () => {
    expect(new Set(stories).size).toBe(stories.length);
    // The sentence shapes: each sentence with its content words masked to their part of speech
    // is hard to get at, so count distinct sentence openings (first two words) instead.
    const openings = new Set(stories.flatMap((s) => s.split(/(?<=\.) /).map((x) => words(x).slice(0, 2).join(' '))));
    expect(openings.size).toBeGreaterThan(30);
  });

  it('writes plain sentences: capitalised, ending in a full stop, single spaces', () => {
    for (const story of stories.slice(0, 100)) {
      expect(story).toMatch(/\.$/);
      expect(story).not.toMatch(/ {2}|\s[.,]|\ba [aeio]/);
      for (const sentence of story.split(/(?<=\.) /)) expect(sentence).toMatch(/^[A-Z]/);
    }
  });
});

describe('the story stream', () => {
  it('is byte for byte what the generator wrote before it became a grammar (commit c446776)', () => {
    const hash = createHash('sha256').update(generateStories(2000, 1).join('\n')).digest('hex');
    expect(hash).toBe('8915573f388f716a012cdae11a55f708f784fa760030cd390156e8074e1f9e3e');
  });
});
