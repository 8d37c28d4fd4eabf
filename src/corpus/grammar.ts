// A story grammar described once, as data, that both samples stories and
// scores them exactly.
//
// A story has a hidden state (the hero, a friend animal, a place, a thing),
// drawn at its start, and is a sequence of sentences, each from a template:
// an introduction, a sentence meeting the friend, body sentences until the
// story has at least `target` words (target drawn uniformly and never shown),
// an ending and, maybe, "The end.". A template lists its random draws in the
// order the sampler makes them (so a seed gives the same stories as before
// this file existed) and its text, which shows state and draws; a body
// template may change the place or the thing.
//
// Scoring sums over everything hidden: which template wrote a sentence, the
// alliteration coin behind an adjective, the target, and state never (or not
// yet) shown. Every sentence ends with its only ".", so a story splits into
// sentences without ambiguity, and the forward algorithm runs over sentences:
// its hidden state is the story state (a variable not shown yet stays
// "unknown", i.e. still at its prior), the phase and the word count at which
// the body loop last went on. Weights are renormalised after each sentence and
// the log of the scale accumulates, which is log-space arithmetic in effect.
// Probabilities are the ideal ones (chance(p) is p, int(lo, hi) uniform); the
// 32-bit generator behind a seed differs from them by under 2^-32 per draw.
import { splitTokens, joinTokens } from './tokenizer';

export type StateVar = 'hero' | 'friend' | 'place' | 'thing';
/** What a template can show of the state: a variable, or a word that follows from the hero's gender. */
export type StateView = StateVar | 'pronoun' | 'possessive' | 'child';
const STATE_VARS: readonly StateVar[] = ['hero', 'friend', 'place', 'thing'];
const VIEW_OF: Record<StateView, StateVar> = {
  hero: 'hero', friend: 'friend', place: 'place', thing: 'thing', pronoun: 'hero', possessive: 'hero', child: 'hero',
};

/** The noun an adjective describes: shown state, another draw of the template, or a fixed word. */
type Noun = { view: StateView } | { draw: string } | { word: string };
type Draw = { kind: 'pick'; items: readonly string[] } | { kind: 'adjective'; noun: Noun };
type Part = { word: string } | { view: StateView } | { draw: string; article: boolean };

export interface Template {
  /** In the order the sampler draws them. */
  draws: [string, Draw][];
  parts: Part[];
  /** State variables this sentence changes, to the value of a draw. */
  sets: [StateVar, string][];
}

export interface Grammar {
  girls: readonly string[];
  boys: readonly string[];
  /** The friend's kinds. */
  animals: readonly string[];
  places: readonly string[];
  things: readonly string[];
  adjectives: readonly string[];
  /** With this probability an adjective is chosen among those sharing its noun's first letter. */
  alliterate: number;
  /** With this probability the hero is an animal (an introduction from animalIntroductions). */
  animalHero: number;
  introductions: Template[];
  animalIntroductions: Template[];
  meetFriend: Template[];
  body: Template[];
  endings: Template[];
  /** The story's body runs until it has at least `target` words, target uniform in [lo, hi]. */
  target: [number, number];
  /** The probability that "The end." follows the ending. */
  theEnd: number;
}

export const pick = (items: readonly string[]): Draw => ({ kind: 'pick', items });
/** An adjective for `noun`: a state view, a draw named earlier, or a literal word. */
export const adjective = (noun: string): Draw => ({ kind: 'adjective', noun: { word: noun } });

const isView = (name: string): name is StateView => name in VIEW_OF;

/**
 * A template from its text: `{name}` shows a draw or a state view, `{a name}` a
 * draw with its article ("a big", "an old"). `draws` are made in key order.
 */
export function template(text: string, draws: Record<string, Draw> = {}, sets: Partial<Record<StateVar, string>> = {}): Template {
  const parts: Part[] = [];
  for (const piece of text.split(/(\{[^}]+\})/)) {
    const slot = /^\{(a )?(\w+)\}$/.exec(piece);
    if (!slot) {
      parts.push(...splitTokens(piece).map((word) => ({ word })));
    } else if (slot[2] in draws) {
      parts.push({ draw: slot[2], article: slot[1] !== undefined });
    } else if (isView(slot[2]) && !slot[1]) {
      parts.push({ view: slot[2] });
    } else {
      throw new Error(`template "${text}": unknown slot ${piece}`);
    }
  }
  const names = Object.keys(draws);
  const resolved = Object.entries(draws).map(([name, draw]): [string, Draw] => {
    if (draw.kind === 'pick' || !('word' in draw.noun)) return [name, draw];
    const noun = draw.noun.word;
    if (noun in draws) {
      // Scoring sums over such a noun while only its adjective is shown, one word at a time.
      const source = draws[noun];
      if (names.indexOf(noun) > names.indexOf(name) || source.kind !== 'pick' || source.items.some((x) => splitTokens(x).length !== 1)) {
        throw new Error(`template "${text}": ${name} must describe a one-word pick drawn before it`);
      }
      return [name, { kind: 'adjective', noun: { draw: noun } }];
    }
    return [name, { kind: 'adjective', noun: isView(noun) ? { view: noun } : { word: noun } }];
  });
  return { draws: resolved, parts, sets: Object.entries(sets) as [StateVar, string][] };
}

/** The indefinite article for a phrase: "an owl", "a unicorn". */
export function article(phrase: string): string {
  return /^[aeiou]/.test(phrase) && !/^(uni|use|usu)/.test(phrase) ? 'an' : 'a';
}

const capitalize = (word: string) => word[0].toUpperCase() + word.slice(1);
const isWord = (token: string) => /^[A-Za-z]/.test(token);
export const countWords = (tokens: readonly string[]) => tokens.filter(isWord).length;

type State = Record<StateVar, string>;

function viewValue(g: Grammar, hero: string, view: 'pronoun' | 'possessive' | 'child'): string {
  const girl = g.girls.includes(hero);
  return view === 'pronoun' ? (girl ? 'she' : 'he') : view === 'possessive' ? (girl ? 'her' : 'his') : girl ? 'girl' : 'boy';
}

function showView(g: Grammar, state: Partial<State>, view: StateView): string | undefined {
  const value = state[VIEW_OF[view]];
  if (value === undefined || view === VIEW_OF[view]) return value;
  return viewValue(g, value, view as 'pronoun' | 'possessive' | 'child');
}

// ---------------------------------------------------------------- sampling

/** The draws the sampler needs: SeededRandom, or anything that records or enumerates them. */
export interface Chooser {
  chance(p: number): boolean;
  /** Uniform in [lo, hi], both included. */
  int(lo: number, hi: number): number;
}

const pickFrom = <T>(r: Chooser, items: readonly T[]): T => items[r.int(0, items.length - 1)];

const alliterating = new WeakMap<Grammar, Map<string, string[]>>();

function sampleAdjective(g: Grammar, r: Chooser, noun: string): string {
  let byLetter = alliterating.get(g);
  if (!byLetter) alliterating.set(g, (byLetter = new Map()));
  let matching = byLetter.get(noun[0]);
  if (!matching) byLetter.set(noun[0], (matching = g.adjectives.filter((adj) => adj[0] === noun[0])));
  return matching.length > 0 && r.chance(g.alliterate) ? pickFrom(r, matching) : pickFrom(r, g.adjectives);
}

function sampleSentence(g: Grammar, r: Chooser, t: Template, state: State): string[] {
  const values: Record<string, string> = {};
  for (const [name, draw] of t.draws) {
    if (draw.kind === 'pick') {
      values[name] = pickFrom(r, draw.items);
    } else {
      const noun = draw.noun;
      const nounValue = 'word' in noun ? noun.word : 'draw' in noun ? values[noun.draw] : showView(g, state, noun.view)!;
      values[name] = sampleAdjective(g, r, nounValue);
    }
  }
  const tokens = t.parts.flatMap((part) => {
    if ('word' in part) return [part.word];
    if ('view' in part) return [showView(g, state, part.view)!];
    const value = values[part.draw];
    return part.article ? [article(value), ...splitTokens(value)] : splitTokens(value);
  });
  for (const [variable, draw] of t.sets) state[variable] = values[draw];
  tokens[0] = capitalize(tokens[0]);
  return tokens;
}

const THE_END = template('The end.');

/** One story, as its sentences' tokens. */
export function sampleStory(g: Grammar, r: Chooser): string[][] {
  const isAnimal = r.chance(g.animalHero);
  const she = r.chance(0.5);
  const state: State = {
    hero: pickFrom(r, she ? g.girls : g.boys),
    friend: pickFrom(r, g.animals),
    place: pickFrom(r, g.places),
    thing: pickFrom(r, g.things),
  };
  const sentences = [
    sampleSentence(g, r, pickFrom(r, isAnimal ? g.animalIntroductions : g.introductions), state),
    sampleSentence(g, r, pickFrom(r, g.meetFriend), state),
  ];
  const target = r.int(...g.target);
  let words = sentences.reduce((sum, s) => sum + countWords(s), 0);
  while (words < target) {
    const sentence = sampleSentence(g, r, pickFrom(r, g.body), state);
    // A sentence never repeats the one before it. Redrawing cannot leave a changed state
    // behind: a template that changes state shows the new value, so an identical
    // sentence sets what the previous one already set.
    if (sameTokens(sentence, sentences[sentences.length - 1])) continue;
    sentences.push(sentence);
    words += countWords(sentence);
  }
  sentences.push(sampleSentence(g, r, pickFrom(r, g.endings), state));
  if (r.chance(g.theEnd)) sentences.push(sampleSentence(g, r, THE_END, state));
  return sentences;
}

const sameTokens = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((t, i) => t === b[i]);

export const storyText = (sentences: string[][]) => sentences.map(joinTokens).join(' ');

// ---------------------------------------------------------------- scoring

/** Where a partial match of a template against tokens stopped, and what it showed. */
interface Match {
  /** The values each shown draw can have: one, or several when the tokens end inside it. */
  values: Map<string, string[]>;
  /** Shown state views and the token each showed (capitalised at a sentence start). */
  views: { view: StateView; token: string; first: boolean }[];
}

/** A draw's possible renderings, indexed by first token. */
interface Rendering {
  value: string;
  tokens: string[];
}
const renderingCache = new WeakMap<Draw, Map<boolean, Map<string, Rendering[]>>>();

function renderings(g: Grammar, draw: Draw, withArticle: boolean): Map<string, Rendering[]> {
  let byArticle = renderingCache.get(draw);
  if (!byArticle) renderingCache.set(draw, (byArticle = new Map()));
  let index = byArticle.get(withArticle);
  if (!index) {
    index = new Map();
    const values = [...new Set(draw.kind === 'pick' ? draw.items : g.adjectives)];
    for (const value of values) {
      const tokens = withArticle ? [article(value), ...splitTokens(value)] : splitTokens(value);
      for (const key of new Set([tokens[0], capitalize(tokens[0])])) {
        const list = index.get(key) ?? [];
        list.push({ value, tokens });
        index.set(key, list);
      }
    }
    byArticle.set(withArticle, index);
  }
  return index;
}

/**
 * Every way `tokens` can begin (or, if `whole`, be) the text of template `t`.
 * Which draws and views the tokens show is independent of the state, so this
 * runs once per sentence and template.
 */
function matchTemplate(g: Grammar, t: Template, tokens: readonly string[], whole: boolean): Match[] {
  const matches: Match[] = [];
  const draws = new Map(t.draws);
  const values = new Map<string, string[]>();
  const views: Match['views'] = [];
  const walk = (i: number, pos: number): void => {
    if (pos === tokens.length) {
      if (!whole || i === t.parts.length) matches.push({ values: new Map(values), views: [...views] });
      return;
    }
    if (i === t.parts.length) return;
    const part = t.parts[i];
    const token = tokens[pos];
    if ('word' in part) {
      if (token === (pos === 0 ? capitalize(part.word) : part.word)) walk(i + 1, pos + 1);
    } else if ('view' in part) {
      views.push({ view: part.view, token, first: pos === 0 });
      walk(i + 1, pos + 1);
      views.pop();
    } else {
      const shown = (r: Rendering, k: number) => (pos + k === 0 ? capitalize(r.tokens[k]) : r.tokens[k]) === tokens[pos + k];
      const cut: string[] = [];
      for (const r of renderings(g, draws.get(part.draw)!, part.article).get(token) ?? []) {
        const available = Math.min(r.tokens.length, tokens.length - pos);
        let k = 0;
        while (k < available && shown(r, k)) k++;
        if (k < available) continue;
        if (available === r.tokens.length) {
          values.set(part.draw, [r.value]);
          walk(i + 1, pos + r.tokens.length);
          values.delete(part.draw);
        } else if (!whole) {
          cut.push(r.value);
        }
      }
      if (cut.length > 0) matches.push({ values: new Map([...values, [part.draw, cut]]), views: [...views] });
    }
  };
  walk(0, 0);
  return matches;
}

/** What scoring looks up again and again, computed once per grammar. */
interface Tables {
  /** Each state variable's values and their prior probabilities. */
  priors: Record<StateVar, Map<string, number>>;
  /** P(adjective | noun), by the noun's first letter. */
  adjectives: Map<string, Map<string, number>>;
  /** P(adjective) when its noun is drawn from a list not shown yet, by list. */
  marginals: Map<readonly string[], Map<string, number>>;
}
const tablesCache = new WeakMap<Grammar, Tables>();

function shares(lists: [readonly string[], number][]): Map<string, number> {
  const out = new Map<string, number>();
  for (const [list, weight] of lists) for (const x of list) out.set(x, (out.get(x) ?? 0) + weight / list.length);
  return out;
}

function tables(g: Grammar): Tables {
  let t = tablesCache.get(g);
  if (!t) {
    // The pronoun is read off the hero's name.
    if (g.girls.some((name) => g.boys.includes(name))) throw new Error('grammar: a name is both a girl\'s and a boy\'s');
    const priors = {
      hero: shares([[g.girls, 0.5], [g.boys, 0.5]]),
      friend: shares([[g.animals, 1]]),
      place: shares([[g.places, 1]]),
      thing: shares([[g.things, 1]]),
    };
    tablesCache.set(g, (t = { priors, adjectives: new Map(), marginals: new Map() }));
  }
  return t;
}

function adjectiveProbability(g: Grammar, adj: string, noun: string): number {
  const byLetter = tables(g).adjectives;
  let p = byLetter.get(noun[0]);
  if (!p) {
    const matching = g.adjectives.filter((a) => a[0] === noun[0]);
    const alliterate = matching.length > 0 ? g.alliterate : 0;
    byLetter.set(noun[0], (p = shares([[matching, alliterate], [g.adjectives, 1 - alliterate]])));
  }
  return p.get(adj) ?? 0;
}

/** P(adjective) when its noun is drawn uniformly from `nouns` and not shown yet. */
function adjectiveMarginal(g: Grammar, adj: string, nouns: readonly string[]): number {
  const marginals = tables(g).marginals;
  let p = marginals.get(nouns);
  if (!p) {
    p = new Map();
    for (const a of g.adjectives) p.set(a, nouns.reduce((sum, noun) => sum + adjectiveProbability(g, a, noun), 0) / nouns.length);
    marginals.set(nouns, p);
  }
  return p.get(adj) ?? 0;
}

/** The state variables a match's probability depends on: those it shows, and the nouns of adjectives it shows. */
function neededVars(t: Template, m: Match): Set<StateVar> {
  const needed = new Set(m.views.map((v) => VIEW_OF[v.view]));
  for (const [name, draw] of t.draws) {
    if (draw.kind === 'adjective' && 'view' in draw.noun && m.values.has(name)) needed.add(VIEW_OF[draw.noun.view]);
  }
  return needed;
}

/**
 * The probability of a match's shown draws and views given the state, one
 * term per way of filling in the unknown state variables it needs (each at
 * its prior), with the state after the sentence.
 */
function evaluate(g: Grammar, t: Template, m: Match, state: Partial<State>): { state: Partial<State>; p: number }[] {
  const needed = neededVars(t, m);
  const viewOk = (s: Partial<State>, v: Match['views'][number]) => {
    const value = showView(g, s, v.view);
    return value === undefined || (v.first ? capitalize(value) : value) === v.token;
  };
  // Fill in unknown variables one at a time, keeping only values the shown views allow.
  let filled: { state: Partial<State>; p: number }[] = [{ state, p: 1 }];
  for (const variable of STATE_VARS) {
    if (!needed.has(variable) || state[variable] !== undefined) continue;
    const checks = m.views.filter((v) => VIEW_OF[v.view] === variable);
    const priors = tables(g).priors[variable];
    // Shown as itself, the variable can only be the shown word (or that word, capitalised).
    const shownAs = checks.find((v) => v.view === variable)?.token;
    const values = shownAs === undefined ? [...priors.keys()] : [...new Set([shownAs, shownAs[0].toLowerCase() + shownAs.slice(1)])];
    filled = filled.flatMap(({ state: s, p }) =>
      values
        .filter((value) => priors.has(value))
        .map((value) => ({ state: { ...s, [variable]: value }, p: p * priors.get(value)! }))
        .filter((f) => checks.every((v) => viewOk(f.state, v))),
    );
  }
  const out: { state: Partial<State>; p: number }[] = [];
  for (const { state: s, p: p0 } of filled) {
    if (!m.views.every((v) => viewOk(s, v))) continue;
    let p = p0;
    for (const [name, draw] of t.draws) {
      const shown = m.values.get(name);
      if (!shown) continue; // not shown yet: its probabilities sum to 1
      if (draw.kind === 'pick') {
        p *= shown.reduce((sum, v) => sum + draw.items.filter((x) => x === v).length, 0) / draw.items.length;
        continue;
      }
      const noun = draw.noun;
      if ('draw' in noun && !m.values.has(noun.draw)) {
        const nouns = (t.draws.find(([n]) => n === noun.draw)![1] as { items: readonly string[] }).items;
        p *= shown.reduce((sum, adj) => sum + adjectiveMarginal(g, adj, nouns), 0);
      } else {
        const nounValue = 'word' in noun ? noun.word : 'draw' in noun ? m.values.get(noun.draw)![0] : showView(g, s, noun.view)!;
        p *= shown.reduce((sum, adj) => sum + adjectiveProbability(g, adj, nounValue), 0);
      }
    }
    if (p === 0) continue;
    const after = { ...s };
    for (const [variable, draw] of t.sets) {
      const value = m.values.get(draw);
      if (value) after[variable] = value[0];
    }
    out.push({ state: after, p });
  }
  return out;
}

/** What the forward algorithm tracks besides the state: where in the story it is. */
type Phase = 'intro' | 'meet' | 'body' | 'theEnd' | 'end';

interface Hidden {
  phase: Phase;
  state: Partial<State>;
  /** The word count at which the body loop last decided to go on (-1: not yet). */
  checked: number;
  weight: number;
}

/** A template that can write the next sentence, with its probability there. */
interface Option {
  template: Template;
  p: number;
  next: Phase;
  /** A body sentence: it cannot repeat the sentence before it. */
  body: boolean;
}

/** P(target > words). */
function survival(g: Grammar, words: number): number {
  const [lo, hi] = g.target;
  return Math.min(1, Math.max(0, (hi - Math.max(words, lo - 1)) / (hi - lo + 1)));
}

function options(g: Grammar, h: Hidden, words: number): Option[] {
  const each = (templates: Template[], p: number, next: Phase, body = false) =>
    templates.map((template) => ({ template, p: p / templates.length, next, body }));
  switch (h.phase) {
    case 'intro':
      return [...each(g.introductions, 1 - g.animalHero, 'meet'), ...each(g.animalIntroductions, g.animalHero, 'meet')];
    case 'meet':
      return each(g.meetFriend, 1, 'body');
    case 'body': {
      const goOn = survival(g, words) / survival(g, h.checked);
      return [...each(g.body, goOn, 'body', true), ...each(g.endings, 1 - goOn, 'theEnd')];
    }
    case 'theEnd':
      return [{ template: THE_END, p: g.theEnd, next: 'end', body: false }];
    case 'end':
      return [];
  }
}

const endProbability = (g: Grammar, phase: Phase) => (phase === 'end' ? 1 : phase === 'theEnd' ? 1 - g.theEnd : 0);

/** Scores stories under a grammar, sentence by sentence. */
class Forward {
  private hidden: Hidden[] = [{ phase: 'intro', state: {}, checked: -1, weight: 1 }];
  /** log P(the sentences so far); the weights are normalised to sum to 1. */
  logProb = 0;
  private words = 0;
  private previous: readonly string[] = [];
  /** Matches of whole sentences and of prefixes, by token array (the same arrays are asked about again and again). */
  private wholeMatches = new Map<readonly string[], Map<Template, Match[]>>();
  private prefixMatches = new Map<readonly string[], Map<Template, Match[]>>();

  constructor(private readonly g: Grammar) {}

  private match(t: Template, tokens: readonly string[], whole: boolean): Match[] {
    const cache = whole ? this.wholeMatches : this.prefixMatches;
    let byTemplate = cache.get(tokens);
    if (!byTemplate) cache.set(tokens, (byTemplate = new Map()));
    let m = byTemplate.get(t);
    if (!m) byTemplate.set(t, (m = matchTemplate(this.g, t, tokens, whole)));
    return m;
  }

  /** P(a body sentence equals `tokens` | state): what the no-repeat rule takes out. */
  private bodyProbability(state: Partial<State>, tokens: readonly string[]): number {
    let p = 0;
    for (const t of this.g.body) {
      for (const m of this.match(t, tokens, true)) for (const e of evaluate(this.g, t, m, state)) p += e.p;
    }
    return p / this.g.body.length;
  }

  /**
   * The hidden states split so that every variable the previous sentence
   * showed (as a body sentence) is known: the no-repeat rule divides by
   * 1 - P(previous | state), which is not linear in an unknown variable.
   */
  private splitForRepeat(h: Hidden): Hidden[] {
    let out = [h];
    for (const t of this.g.body) {
      for (const m of this.match(t, this.previous, true)) {
        for (const variable of neededVars(t, m)) {
          out = out.flatMap((x) =>
            x.state[variable] !== undefined
              ? [x]
              : [...tables(this.g).priors[variable]].map(([value, prior]) => ({
                  ...x,
                  state: { ...x.state, [variable]: value },
                  weight: x.weight * prior,
                })),
          );
        }
      }
    }
    return out.filter((x) => x.weight > 0);
  }

  /** For each hidden state: the sentence's options, and for body options 1 - P(previous). */
  private *alternatives(): Generator<{ h: Hidden; o: Option; keep: number }> {
    for (const h0 of this.hidden) {
      for (const h of h0.phase === 'body' ? this.splitForRepeat(h0) : [h0]) {
        let keep = 1;
        if (h.phase === 'body') keep = 1 - this.bodyProbability(h.state, this.previous);
        for (const o of options(this.g, h, this.words)) if (o.p > 0) yield { h, o, keep: o.body ? keep : 1 };
      }
    }
  }

  /** P(the next sentence begins with `tokens` | the sentences so far). */
  prefixProbability(tokens: readonly string[]): number {
    let p = 0;
    const repeats = this.previous.length >= tokens.length && tokens.every((t, i) => t === this.previous[i]);
    for (const { h, o, keep } of this.alternatives()) {
      let q = 0;
      for (const m of this.match(o.template, tokens, false)) for (const e of evaluate(this.g, o.template, m, h.state)) q += e.p;
      p += (h.weight * o.p * q) / keep;
      // The no-repeat rule: the previous sentence's share of these tokens is redrawn.
      if (o.body && repeats && keep < 1) {
        let r = 0;
        for (const m of this.match(o.template, this.previous, true)) for (const e of evaluate(this.g, o.template, m, h.state)) r += e.p;
        p -= (h.weight * o.p * r) / keep;
      }
    }
    return Math.max(0, p);
  }

  /** Takes in one whole sentence; returns false if the grammar cannot write it here. */
  addSentence(tokens: string[]): boolean {
    const next = new Map<string, Hidden>();
    const repeats = sameTokens(tokens, this.previous);
    for (const { h, o, keep } of this.alternatives()) {
      if (o.body && repeats) continue;
      for (const m of this.match(o.template, tokens, true)) {
        for (const e of evaluate(this.g, o.template, m, h.state)) {
          const checked = o.body ? this.words : h.checked;
          const key = [o.next, checked, ...STATE_VARS.map((v) => e.state[v] ?? '?')].join('|');
          const weight = (h.weight * o.p * e.p) / keep;
          const seen = next.get(key);
          if (seen) seen.weight += weight;
          else next.set(key, { phase: o.next, state: e.state, checked, weight });
        }
      }
    }
    const total = [...next.values()].reduce((sum, h) => sum + h.weight, 0);
    if (!(total > 0)) return false;
    for (const h of next.values()) h.weight /= total;
    this.hidden = [...next.values()];
    this.logProb += Math.log(total);
    this.words += countWords(tokens);
    this.previous = tokens;
    // Only the new previous sentence is asked about again.
    this.wholeMatches = new Map([[tokens, this.wholeMatches.get(tokens) ?? new Map()]]);
    this.prefixMatches.clear();
    return true;
  }

  /** P(the story ends here | the sentences so far). */
  endProbability(): number {
    return this.hidden.reduce((sum, h) => sum + h.weight * endProbability(this.g, h.phase), 0);
  }
}

/** The tokens split after each ".": whole sentences, then what follows the last one. */
function sentencesOf(tokens: readonly string[]): { sentences: string[][]; rest: string[] } {
  const sentences: string[][] = [];
  let start = 0;
  tokens.forEach((t, i) => {
    if (t === '.') {
      sentences.push(tokens.slice(start, i + 1));
      start = i + 1;
    }
  });
  return { sentences, rest: tokens.slice(start) };
}

/** log P(the story is exactly `tokens`) under the grammar; -Infinity if it cannot be written. */
export function storyLogProb(g: Grammar, tokens: readonly string[]): number {
  const { sentences, rest } = sentencesOf(tokens);
  if (rest.length > 0) return -Infinity;
  const forward = new Forward(g);
  for (const s of sentences) if (!forward.addSentence(s)) return -Infinity;
  return forward.logProb + Math.log(forward.endProbability());
}

/**
 * log p(token | the tokens before it) for each token and then for the end of
 * the story (<eos>): tokens.length + 1 numbers that sum to storyLogProb. The
 * first token the grammar cannot write gets -Infinity, those after it NaN.
 */
export function tokenLogProbs(g: Grammar, tokens: readonly string[]): number[] {
  const { sentences, rest } = sentencesOf(tokens);
  const forward = new Forward(g);
  const out: number[] = [];
  let possible = true;
  for (const sentence of [...sentences, rest]) {
    let before = 1;
    for (let n = 1; n <= sentence.length; n++) {
      if (!possible) {
        out.push(NaN);
        continue;
      }
      const p = forward.prefixProbability(sentence.slice(0, n));
      out.push(Math.log(p / before));
      before = p;
      if (p === 0) possible = false;
    }
    if (possible && sentence === rest) break;
    if (possible && !forward.addSentence(sentence)) possible = false; // cannot happen: its last prefix had p > 0
  }
  out.push(!possible ? NaN : rest.length > 0 ? -Infinity : Math.log(forward.endProbability()));
  return out;
}
