// The pretraining corpus: simple children's stories, generated from a seed
// because no data set can be downloaded here. Every story starts with PROMPT.
//
// A story has a hero (a child or an animal with a name), a friend animal, a
// place and a thing; an introduction, a random run of body sentences about
// them and an ending. The word lists cover a–z in every part of speech, so
// the alliteration reward can be earned with many different words, and the
// templates give the model enough sentence shapes to write varied, grammatical
// text. Stories run to about 60–150 words.
//
// The generator is data (a Grammar, see grammar.ts), so the same description
// samples the stories and computes their exact probability, and so the
// entropy rate of the corpus: the lowest cross-entropy any model can reach.
import { SeededRandom } from '../random';
import {
  adjective,
  pick,
  sampleStory,
  storyLogProb as grammarLogProb,
  storyText,
  template,
  tokenLogProbs as grammarTokenLogProbs,
  type Grammar,
} from './grammar';
import { splitTokens } from './tokenizer';

export const PROMPT = 'Once upon a time';

const GIRL_NAMES = [
  'Anna', 'Bella', 'Clara', 'Daisy', 'Emma', 'Fiona', 'Grace', 'Hannah', 'Ivy', 'Julia', 'Kate', 'Lily', 'Mia',
  'Nora', 'Olive', 'Penny', 'Queenie', 'Rosa', 'Sara', 'Tina', 'Uma', 'Violet', 'Wendy', 'Yara', 'Zoe',
];
const BOY_NAMES = [
  'Adam', 'Ben', 'Carl', 'Dan', 'Eli', 'Finn', 'George', 'Henry', 'Ian', 'Jack', 'Kevin', 'Leo', 'Max', 'Ned',
  'Oscar', 'Peter', 'Quinn', 'Ralph', 'Sam', 'Tom', 'Victor', 'Will', 'Xavier', 'Yusuf', 'Zack',
];
const ANIMALS = [
  'ant', 'bear', 'bee', 'bird', 'bunny', 'cat', 'cow', 'crab', 'deer', 'dog', 'duck', 'eagle', 'elephant', 'fox',
  'frog', 'goat', 'goose', 'hen', 'horse', 'iguana', 'jaguar', 'kangaroo', 'kitten', 'koala', 'lamb', 'lion',
  'mole', 'monkey', 'mouse', 'newt', 'owl', 'otter', 'panda', 'parrot', 'pig', 'puppy', 'quail', 'rabbit',
  'robin', 'seal', 'sheep', 'snail', 'snake', 'squirrel', 'tiger', 'toad', 'turtle', 'unicorn', 'vulture',
  'walrus', 'whale', 'wolf', 'yak', 'zebra',
];
/** Adjectives that suit an animal, a place or a thing alike. */
const ADJECTIVES = [
  'big', 'black', 'blue', 'bouncy', 'brave', 'bright', 'brown', 'busy', 'clever', 'cozy', 'cute', 'curly', 'dark',
  'dusty', 'eager', 'fancy', 'fluffy', 'funny', 'fuzzy', 'gentle', 'giant', 'golden', 'gray', 'green', 'happy',
  'heavy', 'huge', 'icy', 'jolly', 'kind', 'large', 'lazy', 'little', 'lively', 'lucky', 'magic', 'merry',
  'mighty', 'muddy', 'neat', 'new', 'nice', 'noisy', 'old', 'orange', 'pink', 'plain', 'pretty', 'proud',
  'purple', 'quick', 'quiet', 'red', 'round', 'rusty', 'shiny', 'silly', 'silver', 'sleepy', 'small', 'soft',
  'sparkly', 'special', 'spotted', 'strong', 'sweet', 'tall', 'tiny', 'tidy', 'ugly', 'unusual', 'velvet',
  'warm', 'white', 'wild', 'wise', 'wooden', 'yellow', 'young', 'zany', 'zippy',
];
const FEELINGS = [
  'afraid', 'angry', 'bored', 'cheerful', 'curious', 'delighted', 'excited', 'glad', 'grumpy', 'happy',
  'hopeful', 'joyful', 'lonely', 'nervous', 'proud', 'sad', 'scared', 'sleepy', 'surprised', 'thankful', 'upset',
  'worried',
];
const GOOD_FEELINGS = ['cheerful', 'delighted', 'glad', 'happy', 'joyful', 'proud', 'thankful'];
const PLACES = [
  'attic', 'bakery', 'barn', 'beach', 'bridge', 'castle', 'cave', 'city', 'desert', 'farm', 'field', 'forest',
  'garden', 'hill', 'house', 'island', 'jungle', 'kitchen', 'lake', 'library', 'market', 'meadow', 'mountain',
  'ocean', 'orchard', 'park', 'playground', 'pond', 'river', 'school', 'shop', 'street', 'town', 'valley',
  'village', 'woods', 'yard', 'zoo',
];
const THINGS = [
  'apple', 'ball', 'balloon', 'basket', 'bell', 'blanket', 'boat', 'book', 'box', 'bucket', 'cake', 'candle',
  'cap', 'carrot', 'cookie', 'crayon', 'cup', 'doll', 'drum', 'egg', 'feather', 'flag', 'flower', 'gift',
  'guitar', 'hat', 'helmet', 'hoop', 'jacket', 'jar', 'jewel', 'kettle', 'key', 'kite', 'ladder', 'lamp', 'leaf',
  'letter', 'map', 'mirror', 'mitten', 'muffin', 'napkin', 'necklace', 'note', 'oar', 'pear', 'pebble', 'pencil',
  'pie', 'pillow', 'puzzle', 'quilt', 'radio', 'ribbon', 'ring', 'robot', 'rock', 'rope', 'sandwich', 'scarf',
  'shell', 'shoe', 'sled', 'sock', 'spoon', 'star', 'stick', 'teapot', 'ticket', 'toy', 'train', 'trumpet',
  'umbrella', 'vase', 'violin', 'wagon', 'wand', 'watch', 'whistle', 'xylophone', 'yoyo', 'zipper',
];
/** [base, past] of verbs that take any small thing as their object. */
const THING_VERBS: [string, string][] = [
  ['bring', 'brought'], ['buy', 'bought'], ['carry', 'carried'], ['catch', 'caught'], ['clean', 'cleaned'],
  ['drop', 'dropped'], ['find', 'found'], ['fix', 'fixed'], ['grab', 'grabbed'], ['hide', 'hid'],
  ['hold', 'held'], ['keep', 'kept'], ['lift', 'lifted'], ['make', 'made'], ['mend', 'mended'],
  ['paint', 'painted'], ['pull', 'pulled'], ['push', 'pushed'], ['share', 'shared'], ['take', 'took'],
  ['throw', 'threw'], ['toss', 'tossed'], ['wash', 'washed'], ['wrap', 'wrapped'],
];
/** [base, past] of verbs of moving, which can go "out of" or "all the way to" a place. */
const MOVE_VERBS: [string, string][] = [
  ['bounce', 'bounced'], ['climb', 'climbed'], ['crawl', 'crawled'], ['dash', 'dashed'], ['hop', 'hopped'],
  ['jump', 'jumped'], ['leap', 'leaped'], ['race', 'raced'], ['roll', 'rolled'], ['run', 'ran'],
  ['rush', 'rushed'], ['skip', 'skipped'], ['walk', 'walked'], ['wander', 'wandered'], ['zoom', 'zoomed'],
];
/** [base, past] of verbs without an object. */
const ACTION_VERBS: [string, string][] = [
  ...MOVE_VERBS,
  ['clap', 'clapped'], ['cry', 'cried'], ['dance', 'danced'], ['dig', 'dug'], ['explore', 'explored'],
  ['giggle', 'giggled'], ['hum', 'hummed'], ['laugh', 'laughed'], ['nap', 'napped'], ['play', 'played'],
  ['rest', 'rested'], ['sing', 'sang'], ['sit', 'sat'], ['sleep', 'slept'], ['smile', 'smiled'],
  ['splash', 'splashed'], ['swim', 'swam'], ['twirl', 'twirled'], ['wait', 'waited'], ['wave', 'waved'],
  ['wiggle', 'wiggled'], ['yawn', 'yawned'], ['yell', 'yelled'],
];
const ADVERBS = [
  'bravely', 'brightly', 'calmly', 'carefully', 'cheerfully', 'eagerly', 'gently', 'gladly', 'happily', 'kindly',
  'loudly', 'merrily', 'nicely', 'proudly', 'quickly', 'quietly', 'sadly', 'slowly', 'softly', 'sweetly',
  'warmly', 'wildly',
];
const WHEN = ['One day', 'The next day', 'Later', 'That morning', 'After lunch', 'In the evening'];
const WEATHER = ['bright', 'cold', 'foggy', 'rainy', 'snowy', 'sunny', 'warm', 'windy'];
const SKY_THINGS = ['sky', 'sun', 'wind', 'grass', 'water', 'air'];

/** With this probability an adjective is chosen to share its noun's first letter: the
 * reference model then sees some alliteration, which gives the RL reward a foothold. */
const ALLITERATE = 0.25;

const bases = (verbs: [string, string][]) => verbs.map(([base]) => base);
const pasts = (verbs: [string, string][]) => verbs.map(([, past]) => past);
// Picking a base or a past form is one uniform draw over the verb list, as picking the pair was.
const ACTION = bases(ACTION_VERBS);
const ACTED = pasts(ACTION_VERBS);
const MOVED = pasts(MOVE_VERBS);
const THING = bases(THING_VERBS);
const THINGED = pasts(THING_VERBS);

// Templates: {name} shows a draw or the story state (hero, pronoun, possessive, child
// = girl/boy, friend, place, thing); {a name} a draw with its article. Draws are listed
// in the order the sampler makes them.
const INTRODUCTIONS = [
  template(`${PROMPT}, there was a little {child} named {hero}.`),
  template(`${PROMPT}, in {a adj} {place}, there lived a {child} named {hero}.`, { adj: adjective('place') }),
  template(`${PROMPT}, there was {a adj} {child} called {hero}.`, { adj: adjective('child') }),
];

const ANIMAL_INTRODUCTIONS = [
  template(`${PROMPT}, {hero} the {kind} lived near {a adj} {place}.`, { kind: pick(ANIMALS), adj: adjective('place') }),
  template(`${PROMPT}, there was {a adj} {kind} called {hero}.`, { kind: pick(ANIMALS), adj: adjective('kind') }),
];

/** The second sentence introduces the friend, so later sentences can say "the fox". */
const MEET_FRIEND = [
  template('{pronoun} had a friend, {a adj} {friend}.', { adj: adjective('friend') }),
  template('Every day, {pronoun} played with {possessive} friend, {a adj} {friend}.', { adj: adjective('friend') }),
  template('One day, {pronoun} met {a adj} {friend} in the {place}.', { adj: adjective('friend') }),
  template('{pronoun} lived with {a adj} {friend} in {a home} house.', { adj: adjective('friend'), home: adjective('house') }),
];

const BODY = [
  template('{pronoun} loved to {verb} in the {place}.', { verb: pick(ACTION) }),
  template('{pronoun} had {a adj} {thing} that {pronoun} loved very much.', { adj: adjective('thing') }),
  template('{when}, {hero} went to the {to}.', { to: pick(PLACES), when: pick(WHEN) }, { place: 'to' }),
  template(
    '{when}, {hero} and the {friend} went to {a adj} {to}.',
    { to: pick(PLACES), when: pick(WHEN), adj: adjective('to') },
    { place: 'to' },
  ),
  template('It was a {weather} day, and the {sky} was {adj}.', { weather: pick(WEATHER), sky: pick(SKY_THINGS), adj: pick(ADJECTIVES) }),
  template('{pronoun} saw {a adj} {animal} near the {thing}.', { animal: pick(ANIMALS), adj: adjective('animal') }),
  template('Suddenly, {a adj} {animal} {verb} {how}.', { animal: pick(ANIMALS), adj: adjective('animal'), verb: pick(ACTED), how: pick(ADVERBS) }),
  template('Suddenly, the {friend} {verb} out of the {place}.', { verb: pick(MOVED) }),
  template('Suddenly, {pronoun} heard {a adj} noise in the {place}.', { adj: adjective('noise') }),
  template('The {friend} was {feeling} because it lost its {adj} {thing}.', { feeling: pick(FEELINGS), adj: adjective('thing') }),
  template('{hero} was {feeling} because {pronoun} could not find {possessive} {thing}.', { feeling: pick(FEELINGS) }),
  template('{pronoun} {verb} the {adj} {thing} and {acted} {how}.', {
    verb: pick(THINGED),
    adj: adjective('thing'),
    acted: pick(ACTED),
    how: pick(ADVERBS),
  }),
  template('{hero} and the {friend} {verb} together in the {place}.', { verb: pick(ACTED) }),
  template('{pronoun} felt very {feeling}.', { feeling: pick(FEELINGS) }),
  template('{pronoun} wanted to {verb} the {thing}, so {pronoun} asked the {friend} for help.', { verb: pick(THING) }),
  template('The {friend} {verb} {a adj} {gift} for {hero}.', { verb: pick(THINGED), gift: pick(THINGS), adj: adjective('gift') }),
  template(
    '{pronoun} found {a adj} {thing} under {a hiddenAdj} {hidden}.',
    { hidden: pick(THINGS), adj: adjective('thing'), hiddenAdj: adjective('hidden') },
    { thing: 'hidden' },
  ),
  template('Then {pronoun} {verb} all the way to the {place}.', { verb: pick(MOVED) }),
  template('After that, {pronoun} {verb} and {verb2}.', { verb: pick(ACTED), verb2: pick(ACTED) }),
  template('The {friend} {verb} {how} because it was so {feeling}.', { verb: pick(ACTED), how: pick(ADVERBS), feeling: pick(FEELINGS) }),
  template('{hero} gave the {thing} to the {friend}.'),
  template('{pronoun} {verb} {how}, and the {friend} {verb2} too.', { verb: pick(ACTED), how: pick(ADVERBS), verb2: pick(ACTED) }),
];

const ENDINGS = [
  template('From then on, {hero} and the {friend} were best friends.'),
  template('From then on, {pronoun} always kept {possessive} {thing} safe.'),
  template('From then on, the {friend} {verb} {how} every day.', { verb: pick(ACTED), how: pick(ADVERBS) }),
  template('They lived happily ever after.'),
  template('In the end, {hero} and the {friend} were very {feeling}.', { feeling: pick(GOOD_FEELINGS) }),
];

/** The story generator. */
export const STORIES: Grammar = {
  girls: GIRL_NAMES,
  boys: BOY_NAMES,
  animals: ANIMALS,
  places: PLACES,
  things: THINGS,
  adjectives: ADJECTIVES,
  alliterate: ALLITERATE,
  animalHero: 0.3,
  introductions: INTRODUCTIONS,
  animalIntroductions: ANIMAL_INTRODUCTIONS,
  meetFriend: MEET_FRIEND,
  body: BODY,
  endings: ENDINGS,
  // Body sentences are at most 12 words and the ending (with "The end.") 5 to 12, so
  // a target in [55, 125] keeps every story within 60–150 words.
  target: [55, 125],
  theEnd: 0.7,
};

/** `count` stories, the same for the same seed. */
export function generateStories(count: number, seed: number): string[] {
  const r = new SeededRandom(seed);
  return Array.from({ length: count }, () => storyText(sampleStory(STORIES, r)));
}

/**
 * The held-out stories of a corpus seed: drawn from a stream of their own (not
 * the training stories' continuation), so a bigger training corpus never
 * changes them. (mulberry32 streams of seeds that differ by a small multiple
 * of its increment overlap, hence a hashed seed rather than seed + 1.)
 */
export function heldOutStories(count: number, corpusSeed: number): string[] {
  const seed = Math.imul(corpusSeed ^ 0x48454c44, 0x9e3779b1) ^ 0x5eed;
  return generateStories(count, seed >>> 0);
}

/** log P(story) under the generator (text, or its token strings): the sum over every way it could have written it. */
export function storyLogProb(story: string | readonly string[]): number {
  return grammarLogProb(STORIES, typeof story === 'string' ? splitTokens(story) : story);
}

/**
 * log p(token | the tokens before it) under the generator, for each token of
 * the story (text, or its token strings without <bos>/<eos>) and then for <eos>,
 * given <bos>. (What a model's per-token loss is compared with; the sum is storyLogProb.)
 */
export function tokenLogProbs(story: string | readonly string[]): number[] {
  return grammarTokenLogProbs(STORIES, typeof story === 'string' ? splitTokens(story) : story);
}

/** The generator's entropy rate: the lowest cross-entropy any model can reach on its stories. */
export interface EntropyRate {
  /**
   * Nats per token of the pretraining stream (<bos> words... <eos>, story after
   * story), whose every token after the first is a training target: each story's
   * words, its <eos> and the next story's <bos>, which is certain (0 nats).
   */
  nats_per_token: number;
  standard_error: number;
  /** Nats per token of a whole story given its <bos>: its words and <eos>. */
  nats_per_story_token: number;
  story_standard_error: number;
  stories: number;
  /** Mean words and punctuation marks per story (without <bos> and <eos>). */
  tokens_per_story: number;
}

/** -mean log P(story) / mean tokens, over `count` stories of `seed`, with the ratio's standard error (delta method). */
export function entropyRate(count: number, seed: number): EntropyRate {
  const nats: number[] = [];
  const tokens: number[] = [];
  for (const story of generateStories(count, seed)) {
    nats.push(-storyLogProb(story));
    tokens.push(splitTokens(story).length);
  }
  const ratio = (extra: number) => {
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const n = tokens.map((t) => t + extra);
    const rate = mean(nats) / mean(n);
    const residuals = nats.map((a, i) => a - rate * n[i]);
    const variance = residuals.reduce((sum, r) => sum + r * r, 0) / (count - 1);
    return { rate, se: Math.sqrt(variance / count) / mean(n) };
  };
  const stream = ratio(2);
  const story = ratio(1);
  return {
    nats_per_token: stream.rate,
    standard_error: stream.se,
    nats_per_story_token: story.rate,
    story_standard_error: story.se,
    stories: count,
    tokens_per_story: tokens.reduce((a, b) => a + b, 0) / count,
  };
}
