import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../src/random';
import { STORIES, generateStories, storyLogProb, tokenLogProbs } from '../src/corpus/stories';
import { adjective, pick, sampleStory, storyText, template, type Chooser, type Grammar } from '../src/corpus/grammar';
import * as grammar from '../src/corpus/grammar';
import { splitTokens } from '../src/corpus/tokenizer';

/**
 * A grammar small enough to enumerate, with every kind of ambiguity the real
 * one has: two introductions (one per kind of hero) write the same text; "It
 * was park." is the place or a weather word; "pink pen" alliterates or not, and
 * so may "an odd ox", whose noun is drawn before its adjective; "very sunny" is one
 * draw of two words; the place is hidden until shown and can change; the target
 * is hidden; and the no-repeat rule, whose redraw depends on state that may still
 * be unknown.
 */
const TINY: Grammar = {
  girls: ['Ann'],
  boys: ['Bob'],
  animals: ['cat', 'dog'],
  places: ['park', 'pond'],
  things: ['pen'],
  adjectives: ['big', 'odd', 'pink'],
  alliterate: 0.5,
  animalHero: 0.5,
  introductions: [template('Hi, {hero}.'), template('Hi, {a adj} {child} {hero}.', { adj: adjective('child') })],
  animalIntroductions: [template('Hi, {hero}.')],
  meetFriend: [template('{pronoun} met the {friend}.')],
  body: [
    template('{pronoun} went to the {to}.', { to: pick(['park', 'pond']) }, { place: 'to' }),
    template('It was {place}.'),
    template('It was {w}.', { w: pick(['park', 'very sunny']) }),
    template('{pronoun} had {a adj} {thing}.', { adj: adjective('thing') }),
    template('{a adj} {pet} sat.', { pet: pick(['cat', 'ox']), adj: adjective('pet') }),
  ],
  endings: [template('The {friend} left.'), template('Bye.')],
  target: [5, 10],
  theEnd: 0.5,
};

class Prune extends Error {}

/** Draws that follow a script of choice indices, recording each choice's alternatives and the path's probability. */
class Replay implements Chooser {
  readonly choices: number[] = [];
  readonly sizes: number[] = [];
  p = 1;
  constructor(
    private readonly script: readonly number[],
    private readonly minP: number,
  ) {}
  private choose(weights: number[]): number {
    const c = this.script[this.choices.length] ?? 0;
    this.choices.push(c);
    this.sizes.push(weights.length);
    this.p *= weights[c];
    if (this.p < this.minP) throw new Prune();
    return c;
  }
  chance(p: number): boolean {
    return this.choose([p, 1 - p]) === 0;
  }
  int(lo: number, hi: number): number {
    return lo + this.choose(Array.from({ length: hi - lo + 1 }, () => 1 / (hi - lo + 1)));
  }
}

/**
 * Every way the sampler can run (paths below minP cut off, the no-repeat redraws
 * being endless): P(text) summed over the paths that write it, and the mass cut off.
 */
function enumerate(g: Grammar, minP: number): { stories: Map<string, number>; paths: Map<string, number>; lost: number } {
  const stories = new Map<string, number>();
  const paths = new Map<string, number>();
  let lost = 0;
  let script: number[] = [];
  for (;;) {
    const r = new Replay(script, minP);
    try {
      const text = storyText(sampleStory(g, r));
      stories.set(text, (stories.get(text) ?? 0) + r.p);
      paths.set(text, (paths.get(text) ?? 0) + 1);
    } catch (err) {
      if (!(err instanceof Prune)) throw err;
      lost += r.p;
    }
    // The next script: advance the last choice that has another alternative.
    let i = r.choices.length - 1;
    while (i >= 0 && r.choices[i] + 1 >= r.sizes[i]) i--;
    if (i < 0) return { stories, paths, lost };
    script = [...r.choices.slice(0, i), r.choices[i] + 1];
  }
}

const tinyLogProb = (text: string) => grammar.storyLogProb(TINY, splitTokens(text));
const tinyTokenLogProbs = (text: string) => grammar.tokenLogProbs(TINY, splitTokens(text));

describe('story log-probability, on a grammar enumerable by hand', () => {
  // Cut at 1e-8: the redraws make the tree deep, and every story is reached well above that.
  const { stories, paths, lost } = enumerate(TINY, 1e-8);

  it('equals the hand-computed value where two templates write the same words', () => {
    // Hero Ann: 1/2. "Hi, Ann.": a child (1/2) by the first of two introductions (1/2), or an
    // animal (1/2) by its only one: 3/4. "She met the cat.": the friend is the cat, 1/2.
    // 6 words so far; target uniform in 5..10: the body goes on when target > 6, 4/6.
    // "It was park." (1/5 per body template): the hidden place is the park (1/2), or the
    // word "park" of two (1/2): 1/5 * 1/2 + 1/5 * 1/2 = 1/5. 9 words: the body stops
    // unless target = 10, 3/4; "Bye." is one of two endings, 1/2; no "The end.", 1/2.
    const hand = (1 / 2) * (3 / 4) * (1 / 2) * (4 / 6) * (1 / 5) * (3 / 4) * (1 / 2) * (1 / 2);
    expect(Math.exp(tinyLogProb('Hi, Ann. She met the cat. It was park. Bye.'))).toBeCloseTo(hand, 15);
    expect(stories.get('Hi, Ann. She met the cat. It was park. Bye.')).toBeCloseTo(hand, 15);
    expect(paths.get('Hi, Ann. She met the cat. It was park. Bye.')).toBeGreaterThan(1);
  });

  it('gives each token its conditional probability by hand', () => {
    const lp = tinyTokenLogProbs('Hi, Ann. She met the cat. It was park. Bye.');
    // Hi , Ann . She met the cat . It was park . Bye . <eos>
    expect(lp).toHaveLength(15 + 1);
    expect(lp[0]).toBeCloseTo(0, 12); // every introduction starts "Hi,"
    expect(Math.exp(lp[2])).toBeCloseTo((1 / 2) * (3 / 4), 12); // Ann, by either introduction: 1/2 * 3/4
    expect(Math.exp(lp[7])).toBeCloseTo(1 / 2, 12); // cat
    // "It": after 6 words the body goes on with 4/6, and two of five body templates start "It".
    expect(Math.exp(lp[9])).toBeCloseTo((4 / 6) * (2 / 5), 12);
    // "park" after "It was": place park (1/2) or w = park (1/2), against place (1) or w (1).
    expect(Math.exp(lp[11])).toBeCloseTo(1 / 2, 12);
    expect(Math.exp(lp[13])).toBeCloseTo((3 / 4) * (1 / 2), 12); // Bye: the body stops (3/4), one of two endings
    expect(Math.exp(lp[15])).toBeCloseTo(1 / 2, 12); // <eos>: no "The end."
  });

  it('sums to 1 over all stories the grammar can write, each the sum over the ways to write it', () => {
    expect(lost).toBeLessThan(1e-3);
    expect(stories.size).toBe(1376);
    let total = 0;
    for (const [text, p] of stories) {
      const exact = Math.exp(tinyLogProb(text));
      // The enumeration misses at most the mass it cut off.
      expect(exact).toBeGreaterThanOrEqual(p - 1e-15);
      expect(exact).toBeLessThanOrEqual(p + lost);
      total += exact;
    }
    // Exact, since the enumeration found every story (the same 1376 when cut at 1e-10).
    expect(total).toBeCloseTo(1, 12);
    // A story written one way only scores exactly that way's probability.
    const unique = [...paths].filter(([, n]) => n === 1).map(([text]) => text);
    expect(unique.length).toBeGreaterThan(0);
    for (const text of unique.slice(0, 50)) expect(Math.exp(tinyLogProb(text))).toBeCloseTo(stories.get(text)!, 14);
  });

  it('counts the no-repeat redraw: the same body sentence twice in a row cannot happen', () => {
    expect(tinyLogProb('Hi, Ann. She met the cat. It was park. It was park. Bye.')).toBe(-Infinity);
    const p = Math.exp(tinyLogProb('Hi, Ann. She met the cat. It was park. It was pond. Bye.'));
    expect(p).toBeGreaterThan(0);
    // By hand: only a hidden place "pond" writes it: 1/2 * 3/4 * 1/2 * 4/6 for "Hi, Ann. She met the
    // cat." and going on, 1/2 * 1/10 for the pond and "park" as a word, 1/4 to go on (target 10),
    // then "It was pond." (1/5) redrawn whenever "It was park." came again (1/10): 1/5 / (9/10);
    // target 10 ends the body, "Bye." 1/2, no "The end." 1/2.
    const hand = (1 / 2) * (3 / 4) * (1 / 2) * (4 / 6) * (1 / 2) * (1 / 10) * (1 / 4) * (1 / 5 / (9 / 10)) * (1 / 2) * (1 / 2);
    expect(p).toBeCloseTo(hand, 15);
    const brute = stories.get('Hi, Ann. She met the cat. It was park. It was pond. Bye.')!;
    expect(p).toBeGreaterThanOrEqual(brute);
    expect(p).toBeLessThanOrEqual(brute + lost);
  });

  it('gives every prefix the probability of the stories that begin with it', () => {
    // Against the stories' exact probabilities, which the test above checks against the enumeration.
    const exact = [...stories.keys()].map((text) => ({ tokens: splitTokens(text), p: Math.exp(tinyLogProb(text)) }));
    for (const { tokens } of exact.filter((_, i) => i % 37 === 0)) {
      const lp = grammar.tokenLogProbs(TINY, tokens);
      expect(lp.reduce((a, b) => a + b, 0)).toBeCloseTo(grammar.storyLogProb(TINY, tokens), 12);
      let prefix = 0;
      for (let n = 1; n <= tokens.length; n++) {
        prefix += lp[n - 1];
        const begins = exact.filter((s) => s.tokens.length >= n && tokens.slice(0, n).every((x, i) => x === s.tokens[i]));
        expect(Math.exp(prefix)).toBeCloseTo(
          begins.reduce((sum, s) => sum + s.p, 0),
          12,
        );
      }
    }
  });
});

/** SeededRandom that adds up the log-probability of the draws it makes. */
class Recording implements Chooser {
  logProb = 0;
  constructor(private readonly r: SeededRandom) {}
  chance(p: number): boolean {
    const yes = this.r.chance(p);
    this.logProb += Math.log(yes ? p : 1 - p);
    return yes;
  }
  int(lo: number, hi: number): number {
    this.logProb -= Math.log(hi - lo + 1);
    return this.r.int(lo, hi);
  }
}

describe('story log-probability under the story generator', () => {
  it('is at least the probability of the draws the sampler made, for sampled stories', () => {
    const r = new Recording(new SeededRandom(3));
    const expected = generateStories(200, 3);
    for (const text of expected) {
      const before = r.logProb;
      const story = storyText(sampleStory(STORIES, r));
      expect(story).toBe(text);
      const drawn = r.logProb - before;
      const exact = storyLogProb(story);
      expect(exact).toBeGreaterThan(-Infinity);
      // Strictly more: the target behind the last body sentence is never the only one possible.
      expect(exact).toBeGreaterThan(drawn);
      expect(exact).toBeLessThan(0);
    }
  });

  it('adds up both ways of choosing an alliterating adjective', () => {
    const story = (adj: string) =>
      `Once upon a time, there was a little girl named Anna. She had a friend, a ${adj} bear. ` +
      'She felt very happy. She felt very sad. She felt very glad. She felt very sad. She felt very glad. She felt very sad. ' +
      'She felt very glad. She felt very sad. She felt very glad. She felt very sad. She felt very glad. She felt very sad. ' +
      'She felt very glad. They lived happily ever after.';
    // "big bear": the alliteration coin (1/4) picks among the 8 b-adjectives, or not (3/4)
    // among all 81; "tall bear" only the second way.
    const b = ['big', 'black', 'blue', 'bouncy', 'brave', 'bright', 'brown', 'busy'];
    expect(STORIES.adjectives.filter((a) => a.startsWith('b'))).toEqual(b);
    expect(STORIES.adjectives).toHaveLength(81);
    const ratio = (0.25 / 8 + 0.75 / 81) / (0.75 / 81);
    expect(storyLogProb(story('big')) - storyLogProb(story('tall'))).toBeCloseTo(Math.log(ratio), 10);
  });

  it('scores what the generator cannot write -Infinity, without throwing', () => {
    const story = generateStories(1, 5)[0];
    expect(storyLogProb('')).toBe(-Infinity);
    expect(storyLogProb('Once upon a time, there was a purple dragon.')).toBe(-Infinity);
    expect(storyLogProb(story.replace(/\.$/, ''))).toBe(-Infinity); // cut short
    expect(storyLogProb(`${story} <unk>`)).toBe(-Infinity);
    expect(storyLogProb(story.replace(/^Once/, 'Twice'))).toBe(-Infinity);
    const lp = tokenLogProbs(story.replace(/^Once upon/, 'Once below'));
    expect(lp[0]).toBeCloseTo(0, 12);
    expect(lp[1]).toBe(-Infinity);
    expect(lp.slice(2).every(Number.isNaN)).toBe(true);
  });

  it("gives tokens conditional log-probabilities that sum to the story's", () => {
    for (const text of generateStories(5, 11)) {
      const lp = tokenLogProbs(text);
      expect(lp).toHaveLength(splitTokens(text).length + 1);
      expect(lp.every((x) => x <= 1e-12)).toBe(true);
      expect(lp.reduce((a, b) => a + b, 0)).toBeCloseTo(storyLogProb(text), 8);
    }
  });
});
