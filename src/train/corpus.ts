// The pretraining corpus: simple children's stories, generated from a seed
// because no data set can be downloaded here. Every story starts with PROMPT.
//
// A story has a hero (a child or an animal with a name), a friend animal, a
// place and a thing; an introduction, a random run of body sentences about
// them and an ending. The word lists cover a–z in every part of speech, so
// the alliteration reward can be earned with many different words, and the
// templates give the model enough sentence shapes to write varied, grammatical
// text. Stories run to about 60–150 words.
import { SeededRandom } from '../random';

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

interface Story {
  hero: string;
  /** 'she' or 'he'. */
  pronoun: string;
  possessive: string;
  /** The hero's friend, an animal, named by kind: "the fox". */
  friend: string;
  place: string;
  thing: string;
}

/** With this probability an adjective is chosen to share its noun's first letter: the
 * reference model then sees some alliteration, which gives the RL reward a foothold. */
const ALLITERATE = 0.25;

function describe(r: SeededRandom, noun: string): string {
  const matching = ADJECTIVES.filter((adj) => adj[0] === noun[0]);
  const adjective = matching.length > 0 && r.chance(ALLITERATE) ? r.pick(matching) : r.pick(ADJECTIVES);
  return `${adjective} ${noun}`;
}

/** The indefinite article for a phrase: "an owl", "a unicorn". */
function a(phrase: string): string {
  return /^[aeiou]/.test(phrase) && !/^(uni|use|usu)/.test(phrase) ? `an ${phrase}` : `a ${phrase}`;
}

function capitalize(sentence: string): string {
  return sentence[0].toUpperCase() + sentence.slice(1);
}

const verbBase = ([base]: [string, string]) => base;
const verbPast = ([, past]: [string, string]) => past;

type Template = (s: Story, r: SeededRandom) => string;

const INTRODUCTIONS: Template[] = [
  (s) => `${PROMPT}, there was a little ${s.pronoun === 'she' ? 'girl' : 'boy'} named ${s.hero}.`,
  (s, r) => `${PROMPT}, in ${a(describe(r, s.place))}, there lived a ${s.pronoun === 'she' ? 'girl' : 'boy'} named ${s.hero}.`,
  (s, r) => `${PROMPT}, there was ${a(describe(r, s.pronoun === 'she' ? 'girl' : 'boy'))} called ${s.hero}.`,
];

const ANIMAL_INTRODUCTIONS: Template[] = [
  (s, r) => `${PROMPT}, ${s.hero} the ${r.pick(ANIMALS)} lived near ${a(describe(r, s.place))}.`,
  (s, r) => `${PROMPT}, there was ${a(describe(r, r.pick(ANIMALS)))} called ${s.hero}.`,
];

/** The second sentence introduces the friend, so later sentences can say "the fox". */
const MEET_FRIEND: Template[] = [
  (s, r) => `${s.pronoun} had a friend, ${a(describe(r, s.friend))}.`,
  (s, r) => `Every day, ${s.pronoun} played with ${s.possessive} friend, ${a(describe(r, s.friend))}.`,
  (s, r) => `One day, ${s.pronoun} met ${a(describe(r, s.friend))} in the ${s.place}.`,
  (s, r) => `${s.pronoun} lived with ${a(describe(r, s.friend))} in ${a(describe(r, 'house'))}.`,
];

const BODY: Template[] = [
  (s, r) => `${s.pronoun} loved to ${verbBase(r.pick(ACTION_VERBS))} in the ${s.place}.`,
  (s, r) => `${s.pronoun} had ${a(describe(r, s.thing))} that ${s.pronoun} loved very much.`,
  (s, r) => {
    s.place = r.pick(PLACES);
    return `${r.pick(WHEN)}, ${s.hero} went to the ${s.place}.`;
  },
  (s, r) => {
    s.place = r.pick(PLACES);
    return `${r.pick(WHEN)}, ${s.hero} and the ${s.friend} went to ${a(describe(r, s.place))}.`;
  },
  (s, r) => `It was a ${r.pick(WEATHER)} day, and the ${r.pick(SKY_THINGS)} was ${r.pick(ADJECTIVES)}.`,
  (s, r) => `${s.pronoun} saw ${a(describe(r, r.pick(ANIMALS)))} near the ${s.thing}.`,
  (s, r) => `Suddenly, ${a(describe(r, r.pick(ANIMALS)))} ${verbPast(r.pick(ACTION_VERBS))} ${r.pick(ADVERBS)}.`,
  (s, r) => `Suddenly, the ${s.friend} ${verbPast(r.pick(MOVE_VERBS))} out of the ${s.place}.`,
  (s, r) => `Suddenly, ${s.pronoun} heard ${a(describe(r, 'noise'))} in the ${s.place}.`,
  (s, r) => `The ${s.friend} was ${r.pick(FEELINGS)} because it lost its ${describe(r, s.thing)}.`,
  (s, r) => `${s.hero} was ${r.pick(FEELINGS)} because ${s.pronoun} could not find ${s.possessive} ${s.thing}.`,
  (s, r) => `${s.pronoun} ${verbPast(r.pick(THING_VERBS))} the ${describe(r, s.thing)} and ${verbPast(r.pick(ACTION_VERBS))} ${r.pick(ADVERBS)}.`,
  (s, r) => `${s.hero} and the ${s.friend} ${verbPast(r.pick(ACTION_VERBS))} together in the ${s.place}.`,
  (s, r) => `${s.pronoun} felt very ${r.pick(FEELINGS)}.`,
  (s, r) =>
    `${s.pronoun} wanted to ${verbBase(r.pick(THING_VERBS))} the ${s.thing}, so ${s.pronoun} asked the ${s.friend} for help.`,
  (s, r) => `The ${s.friend} ${verbPast(r.pick(THING_VERBS))} ${a(describe(r, r.pick(THINGS)))} for ${s.hero}.`,
  (s, r) => {
    const hidden = r.pick(THINGS);
    const found = `${s.pronoun} found ${a(describe(r, s.thing))} under ${a(describe(r, hidden))}.`;
    s.thing = hidden;
    return found;
  },
  (s, r) => `Then ${s.pronoun} ${verbPast(r.pick(MOVE_VERBS))} all the way to the ${s.place}.`,
  (s, r) => `After that, ${s.pronoun} ${verbPast(r.pick(ACTION_VERBS))} and ${verbPast(r.pick(ACTION_VERBS))}.`,
  (s, r) => `The ${s.friend} ${verbPast(r.pick(ACTION_VERBS))} ${r.pick(ADVERBS)} because it was so ${r.pick(FEELINGS)}.`,
  (s) => `${s.hero} gave the ${s.thing} to the ${s.friend}.`,
  (s, r) =>
    `${s.pronoun} ${verbPast(r.pick(ACTION_VERBS))} ${r.pick(ADVERBS)}, and the ${s.friend} ${verbPast(r.pick(ACTION_VERBS))} too.`,
];

const ENDINGS: Template[] = [
  (s) => `From then on, ${s.hero} and the ${s.friend} were best friends.`,
  (s) => `From then on, ${s.pronoun} always kept ${s.possessive} ${s.thing} safe.`,
  (s, r) => `From then on, the ${s.friend} ${verbPast(r.pick(ACTION_VERBS))} ${r.pick(ADVERBS)} every day.`,
  () => `They lived happily ever after.`,
  (s, r) => `In the end, ${s.hero} and the ${s.friend} were very ${r.pick(GOOD_FEELINGS)}.`,
];

/** Words (not punctuation) in a text. */
function countWords(text: string): number {
  return text.match(/[A-Za-z]+/g)?.length ?? 0;
}

function generateStory(r: SeededRandom): string {
  const isAnimal = r.chance(0.3);
  const pronoun = r.chance(0.5) ? 'she' : 'he';
  const story: Story = {
    hero: r.pick(pronoun === 'she' ? GIRL_NAMES : BOY_NAMES),
    pronoun,
    possessive: pronoun === 'she' ? 'her' : 'his',
    friend: r.pick(ANIMALS),
    place: r.pick(PLACES),
    thing: r.pick(THINGS),
  };
  const sentences = [r.pick(isAnimal ? ANIMAL_INTRODUCTIONS : INTRODUCTIONS)(story, r), r.pick(MEET_FRIEND)(story, r)];
  // Body sentences are at most 12 words and the ending (with "The end.") 5 to 12, so
  // a target in [55, 125] keeps every story within 60–150 words.
  const target = r.int(55, 125);
  let words = sentences.reduce((sum, s) => sum + countWords(s), 0);
  while (words < target) {
    const sentence = r.pick(BODY)(story, r);
    if (sentence === sentences[sentences.length - 1]) continue;
    sentences.push(sentence);
    words += countWords(sentence);
  }
  sentences.push(r.pick(ENDINGS)(story, r));
  if (r.chance(0.7)) sentences.push('The end.');
  return sentences.map(capitalize).join(' ');
}

/** `count` stories, the same for the same seed. */
export function generateStories(count: number, seed: number): string[] {
  const r = new SeededRandom(seed);
  return Array.from({ length: count }, () => generateStory(r));
}
