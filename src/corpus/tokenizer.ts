// Word-level tokenizer: a token is a word or one punctuation mark, so the
// reward (which looks at words) is exact on what the model generates.
//
// Case is kept ("The" and "the" are two tokens): the corpus capitalises only
// sentence starts and names, so this costs a few dozen tokens and decode needs
// no guessing to print readable text. The reward lowercases on its own.
import { z } from 'zod';

export const PAD = '<pad>';
export const BOS = '<bos>';
export const EOS = '<eos>';
export const UNK = '<unk>';
const SPECIALS = [PAD, BOS, EOS, UNK];

/** A word (letters, digits, apostrophes) or any other single non-space character. */
const TOKEN = /[A-Za-z0-9']+|[^\sA-Za-z0-9']/g;
/** Punctuation written against the preceding word. */
const NO_SPACE_BEFORE = /^[.,!?;:)]$/;

/** What toJSON writes: the token strings in id order, special tokens first. */
export const TokenizerJSON = z.strictObject({ tokens: z.array(z.string()).min(SPECIALS.length) });
export type TokenizerJSON = z.infer<typeof TokenizerJSON>;

/** Splits text into word and punctuation strings. */
export function splitTokens(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/** Readable text of token strings: a space between tokens, none before punctuation. */
export function joinTokens(tokens: Iterable<string>): string {
  let text = '';
  for (const token of tokens) text += text === '' || NO_SPACE_BEFORE.test(token) ? token : ` ${token}`;
  return text;
}

export class Tokenizer {
  readonly pad = 0;
  readonly bos = 1;
  readonly eos = 2;
  readonly unk = 3;
  private readonly ids: Map<string, number>;

  private constructor(private readonly tokens: readonly string[]) {
    this.ids = new Map(tokens.map((t, i) => [t, i]));
  }

  /** The vocabulary of `texts`: special tokens, then every token seen, sorted (deterministic). */
  static fromTexts(texts: Iterable<string>): Tokenizer {
    const seen = new Set<string>();
    for (const text of texts) for (const token of splitTokens(text)) seen.add(token);
    for (const special of SPECIALS) seen.delete(special);
    return new Tokenizer([...SPECIALS, ...[...seen].sort()]);
  }

  static fromJSON(json: unknown): Tokenizer {
    const { tokens } = TokenizerJSON.parse(json);
    if (SPECIALS.some((s, i) => tokens[i] !== s)) throw new Error(`tokenizer: the first tokens must be ${SPECIALS.join(' ')}`);
    if (new Set(tokens).size !== tokens.length) throw new Error('tokenizer: duplicate tokens');
    return new Tokenizer(tokens);
  }

  toJSON(): TokenizerJSON {
    return { tokens: [...this.tokens] };
  }

  get vocabSize(): number {
    return this.tokens.length;
  }

  /** Token ids of `text`, without <bos>/<eos>; unknown tokens become <unk>. */
  encode(text: string): number[] {
    return splitTokens(text).map((t) => this.ids.get(t) ?? this.unk);
  }

  /** The token strings of `ids`, leaving out <pad>, <bos> and <eos>. */
  tokenStrings(ids: Iterable<number>): string[] {
    const out: string[] = [];
    for (const id of ids) {
      if (id === this.pad || id === this.bos || id === this.eos) continue;
      out.push(this.tokens[id] ?? UNK);
    }
    return out;
  }

  /** Readable text: a space between tokens, none before punctuation. */
  decode(ids: Iterable<number>): string {
    return joinTokens(this.tokenStrings(ids));
  }
}
