// CSV as RFC 4180 has it, and as Python's csv module, pandas and W&B's exports
// write it: fields separated by commas, quoted when they hold a comma, a quote
// (doubled) or a line break; records ended by CRLF or LF. Read by charCode, with
// no regex per cell, since a metrics file can have a million cells; and kept as
// offsets into the text rather than a string per cell, since a million strings
// kept until the last row is read cost more in garbage collection than the reading.
import { CsvFileError } from './errors';

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const BOM = 0xfeff;

/** The header and the complete rows of a CSV text, each row with as many fields as the header. */
export class CsvTable {
  constructor(
    readonly header: string[],
    readonly rowCount: number,
    private readonly text: string,
    /** Per cell, row by row: where its text starts and ends (inside the quotes of a quoted one). */
    private readonly starts: Int32Array,
    private readonly ends: Int32Array,
    /** Cells whose text is not the text between their offsets: quoted ones with a doubled quote, undoubled. */
    private readonly unescaped: Map<number, string>,
    /** The line (1-based) each row starts on. */
    private readonly rowLines: Int32Array,
    /**
     * The line of a last row the text stops inside, with no line break after it
     * (a writer still writing): that row is not among the rows.
     */
    readonly cutLine?: number,
  ) {}

  cell(row: number, column: number): string {
    const at = row * this.header.length + column;
    const unescaped = this.unescaped.size === 0 ? undefined : this.unescaped.get(at);
    return unescaped ?? this.text.slice(this.starts[at], this.ends[at]);
  }

  /** The cell as cellNumber reads it; one of digits alone (a step, an epoch) without making a string of it. */
  number(row: number, column: number): number | null | undefined {
    const at = row * this.header.length + column;
    const start = this.starts[at];
    const end = this.ends[at];
    // Up to 15 digits are below 2^53, so summed exactly.
    if (end > start && end - start <= 15) {
      let value = 0;
      let i = start;
      for (; i < end; i++) {
        const digit = this.text.charCodeAt(i) - 0x30;
        if (digit < 0 || digit > 9) break;
        value = value * 10 + digit;
      }
      if (i === end) return value;
    }
    return cellNumber(this.cell(row, column));
  }

  /** The line a cell starts on: its row's, plus the line breaks inside the quoted fields before it. */
  lineOf(row: number, column: number): number {
    const width = this.header.length;
    let line = this.rowLines[row];
    for (let at = this.starts[row * width]; ; ) {
      at = this.text.indexOf('\n', at);
      if (at === -1 || at >= this.starts[row * width + column]) return line;
      line++;
      at++;
    }
  }
}

/**
 * The table of a CSV text. Throws a CsvFileError naming `file`, the line and the
 * column for a row with more or fewer fields than the header, text after a
 * closing quote, or a quote never closed; a text that stops inside its last line
 * is not an error (see `cutLine`). Blank lines are skipped, as Python's csv reader
 * skips them; a quote inside an unquoted field is kept as it is, as Python's is.
 */
export function parseCsv(text: string, file: string): CsvTable {
  const n = text.length;
  let i = text.charCodeAt(0) === BOM ? 1 : 0;
  let line = 1;
  let header: string[] | undefined;
  let width = 0;
  let starts = new Int32Array(1024);
  let ends = new Int32Array(1024);
  const unescaped = new Map<number, string>();
  let rowLines = new Int32Array(256);
  let rows = 0;
  // The next comma and line feed at or after i, once i has passed the last ones found.
  let comma = -1;
  let lf = -1;
  const columnAt = (index: number) => header?.[index] ?? `${index + 1}`;

  while (i < n) {
    const first = text.charCodeAt(i);
    if (first === LF || first === CR) {
      i += first === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      continue;
    }
    const rowLine = line;
    // Cells are written at `rows * width` on, before the row is known to be complete.
    const base = rows * width;
    let fields = 0;
    // The line a quoted field opened on, if the text ends before its closing quote.
    let openQuoteLine: number | undefined;
    const headerFields: string[] | undefined = header === undefined ? [] : undefined;
    for (;;) {
      let start = i;
      let end: number;
      let undoubled: string | undefined;
      if (text.charCodeAt(i) === QUOTE) {
        const quoteLine = line;
        start = i + 1;
        let from = start;
        for (;;) {
          const quote = text.indexOf('"', from);
          if (quote === -1) {
            end = n;
            openQuoteLine = quoteLine;
            break;
          }
          if (text.charCodeAt(quote + 1) === QUOTE) {
            undoubled = (undoubled ?? '') + text.slice(from, quote + 1);
            from = quote + 2;
            continue;
          }
          end = quote;
          if (undoubled !== undefined) undoubled += text.slice(from, quote);
          break;
        }
        for (let at = text.indexOf('\n', start); at !== -1 && at < end; at = text.indexOf('\n', at + 1)) line++;
        i = openQuoteLine === undefined ? end + 1 : n;
        const next = text.charCodeAt(i);
        if (i < n && next !== COMMA && next !== LF && next !== CR) {
          throw new CsvFileError(file, line, columnAt(fields), 'text after the closing quote of a quoted field (a quote inside a quoted field is written twice: "")');
        }
      } else {
        // Found by indexOf, which is fast even before the JIT has compiled this loop:
        // a file is read once, so most of its cells are read by code not yet compiled.
        if (comma < i) comma = indexOrEnd(text, ',', i);
        if (lf < i) lf = indexOrEnd(text, '\n', i);
        end = comma < lf ? comma : lf;
        if (end === lf && end > i && text.charCodeAt(end - 1) === CR) end--;
        i = end;
      }
      if (headerFields !== undefined) headerFields.push(undoubled ?? text.slice(start, end));
      else if (fields < width) {
        const at = base + fields;
        if (at === starts.length) {
          starts = grown(starts);
          ends = grown(ends);
        }
        starts[at] = start;
        ends[at] = end;
        if (undoubled !== undefined) unescaped.set(at, undoubled);
      }
      fields++;
      if (openQuoteLine === undefined && i < n && text.charCodeAt(i) === COMMA) {
        i++;
        continue;
      }
      break;
    }

    const ended = i < n;
    if (ended) {
      i += text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
    }
    const short = header !== undefined && fields < width;
    // Only a last row that started on the last line: a quote left open many lines up is a broken file, not a writer mid-row.
    if (!ended && header !== undefined && line === rowLine && (short || openQuoteLine !== undefined)) {
      return new CsvTable(header, rows, text, starts, ends, unescaped, rowLines, rowLine);
    }
    if (openQuoteLine !== undefined) {
      throw new CsvFileError(file, openQuoteLine, columnAt(fields - 1), 'the quote that opens this field is never closed');
    }
    if (header === undefined) {
      header = headerFields ?? [];
      width = header.length;
      continue;
    }
    if (fields !== width) {
      const detail = `the row has ${fields} field${fields === 1 ? '' : 's'} where the header has ${width}`;
      if (short) throw new CsvFileError(file, rowLine, header[fields], `missing: ${detail}`);
      throw new CsvFileError(file, rowLine, undefined, `${detail} (an unquoted comma in a field?)`);
    }
    if (rows === rowLines.length) rowLines = grown(rowLines);
    rowLines[rows++] = rowLine;
  }
  return new CsvTable(header ?? [], rows, text, starts, ends, unescaped, rowLines);
}

function indexOrEnd(text: string, char: string, from: number): number {
  const at = text.indexOf(char, from);
  return at === -1 ? text.length : at;
}

/** `array` copied into one twice as long. */
function grown(array: Int32Array): Int32Array<ArrayBuffer> {
  const longer = new Int32Array(array.length * 2);
  longer.set(array);
  return longer;
}

/** Python's, numpy's and JavaScript's words for the non-finite values, lowercased. */
const NON_FINITE: Record<string, number> = {
  nan: NaN,
  '+nan': NaN,
  '-nan': NaN,
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
  infinity: Infinity,
  '+infinity': Infinity,
  '-infinity': -Infinity,
};

/** A cell's number as JavaScript reads it, or nan/inf in any case; undefined for an empty cell (not logged at that row), null for text. */
export function cellNumber(cell: string): number | null | undefined {
  if (cell.length === 0) return undefined;
  const value = Number(cell);
  // Number() reads a cell of spaces as 0, and nan or inf as NaN: look again at those.
  if (value !== 0 && !Number.isNaN(value)) return value;
  const word = cell.trim();
  if (word.length === 0) return undefined;
  if (value === 0) return value;
  return NON_FINITE[word.toLowerCase()] ?? null;
}
