// How much a sample reads like the corpus, by the story generator itself
// (src/corpus/stories.ts): its exact log-probability of each generated token
// given the prompt and the tokens before it. The generator can write only its
// own grammar's sentences, so a sample has a log-probability only up to the
// first token the generator could not have written (-Infinity there: a word
// loop fails at its first repeat). Hence two numbers:
//
//   grammatical = generated tokens before that first impossible one / generated tokens
//   fluency     = the generator's log-probability per token of those tokens (nats/token)
//
// A corpus story's tokens score about -1.1 nats per token over their first 64
// (its entropy rate is 0.96 per token over whole stories) and grammatical 1.
// Over a step's samples, grammatical is their mean, and fluency the nats of
// all their writable tokens over their number (undefined if none is writable).
import { PROMPT, tokenLogProbs } from '../corpus/stories';
import { splitTokens } from '../corpus/tokenizer';

const PROMPT_TOKENS = splitTokens(PROMPT);

export interface SampleFluency {
  /** Generated tokens before the first the generator cannot write. */
  writable: number;
  /** Their summed log-probability under the generator (nats, <= 0). */
  logProb: number;
  /** Generated tokens up to <eos> (the story's end), or all of them. */
  generated: number;
}

/** A sample's fluency: `words` are its generated token strings, up to its <eos>. */
export function sampleFluency(words: readonly string[]): SampleFluency {
  const logProbs = tokenLogProbs([...PROMPT_TOKENS, ...words]);
  let writable = 0;
  let logProb = 0;
  for (let i = PROMPT_TOKENS.length; i < PROMPT_TOKENS.length + words.length; i++) {
    if (!Number.isFinite(logProbs[i])) break;
    writable++;
    logProb += logProbs[i];
  }
  return { writable, logProb, generated: words.length };
}

/** A step's (or any set of samples') fluency and grammatical share, as defined above. */
export function fluencyOf(samples: readonly SampleFluency[]): { fluency: number; grammatical: number } {
  let nats = 0;
  let writable = 0;
  let share = 0;
  for (const s of samples) {
    nats += s.logProb;
    writable += s.writable;
    share += s.generated === 0 ? 1 : s.writable / s.generated;
  }
  return { fluency: writable === 0 ? NaN : nats / writable, grammatical: share / samples.length };
}
