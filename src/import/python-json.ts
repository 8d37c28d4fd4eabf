// Parses JSON as Python's json module writes it: by default (allow_nan=True) it
// writes a NaN or infinite float as the bare words NaN, Infinity and -Infinity,
// which JSON.parse refuses, and a trainer's loss or grad norm is NaN often enough.
// A parser of its own rather than a rewrite of those words before JSON.parse: it
// cannot mistake one inside a string for a value, and it knows where a file that
// stops early stops, which tells a file cut mid-write from one that is not JSON.

/** Where and why a text is not JSON; `cut` when the text stops before its value is complete. */
export class PythonJsonError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly detail: string,
    readonly cut: boolean,
  ) {
    super(`line ${line}, column ${column}: ${detail}`);
    this.name = 'PythonJsonError';
  }
}

const WORDS = new Map<string, unknown>([
  ['true', true],
  ['false', false],
  ['null', null],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
]);
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
/** What a number cut anywhere looks like: "", "-", "12.", "1e", "1e-". */
const NUMBER_START = /^-?(?:\d+(?:\.\d*)?(?:[eE][+-]?\d*)?)?$/;
/** A word or number: the characters up to the next space, comma, bracket, colon or quote. */
const BARE = /[\w.+-]+/y;
/** A string's characters and escapes: it stops at the closing quote, or where the text does. */
const STRING_BODY = /(?:[^"\\]+|\\.)*/sy;

/** The value of `text`; throws a PythonJsonError with its line and column if it is not JSON with Python's three words. */
export function parsePythonJson(text: string): unknown {
  const parser = new Parser(text);
  const value = parser.value();
  parser.space();
  if (!parser.atEnd()) parser.fail('more after the end of the JSON value');
  return value;
}

class Parser {
  pos = 0;

  constructor(private readonly text: string) {}

  value(): unknown {
    this.space();
    const c = this.text[this.pos];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    return this.bare();
  }

  private object(): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    this.pos++;
    this.space();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return object;
    }
    for (;;) {
      this.space();
      if (this.atEnd()) this.stops();
      if (this.text[this.pos] !== '"') this.fail(`expected a key in quotes, found ${this.found()}`);
      const key = this.string();
      this.expect(':');
      const value = this.value();
      // As JSON.parse does: "__proto__" is a key like any other, not the object's prototype.
      if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      else object[key] = value;
      if (this.expect(',', '}') === '}') return object;
    }
  }

  private array(): unknown[] {
    const array: unknown[] = [];
    this.pos++;
    this.space();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return array;
    }
    for (;;) {
      array.push(this.value());
      if (this.expect(',', ']') === ']') return array;
    }
  }

  private string(): string {
    const start = this.pos;
    STRING_BODY.lastIndex = start + 1;
    STRING_BODY.exec(this.text);
    const end = STRING_BODY.lastIndex;
    if (this.text[end] !== '"') this.stops();
    this.pos = end + 1;
    try {
      // Escapes and control characters exactly as JSON has them.
      return JSON.parse(this.text.slice(start, this.pos)) as string;
    } catch {
      return this.fail('a string with a control character or an escape JSON does not have', start);
    }
  }

  /** A number, or true, false, null, NaN, Infinity, -Infinity. */
  private bare(): unknown {
    const start = this.pos;
    BARE.lastIndex = start;
    const token = BARE.exec(this.text)?.[0] ?? '';
    this.pos = start + token.length;
    if (WORDS.has(token)) return WORDS.get(token);
    if (NUMBER.test(token)) return Number(token);
    const mayGoOn = NUMBER_START.test(token) || [...WORDS.keys()].some((word) => word.startsWith(token));
    if (this.atEnd() && mayGoOn) this.stops();
    return this.fail(token ? `${JSON.stringify(token)} is not a JSON value` : `expected a value, found ${this.found()}`, start);
  }

  /** Skips spaces, then reads one of `chars`. */
  private expect(...chars: string[]): string {
    this.space();
    if (this.atEnd()) this.stops();
    const c = this.text[this.pos];
    if (!chars.includes(c)) this.fail(`expected ${chars.map((char) => `'${char}'`).join(' or ')}, found ${this.found()}`);
    this.pos++;
    return c;
  }

  space(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.pos++;
    }
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  private found(): string {
    return JSON.stringify(this.text[this.pos]);
  }

  /** The text stops before its value is complete: at its end, which is where a cut file was cut. */
  private stops(): never {
    return this.fail('the JSON stops before it is complete', this.text.length, true);
  }

  fail(detail: string, at = this.pos, cut = false): never {
    const before = this.text.slice(0, at);
    const line = before.split('\n').length;
    const column = at - before.lastIndexOf('\n');
    throw new PythonJsonError(line, column, detail, cut);
  }
}
