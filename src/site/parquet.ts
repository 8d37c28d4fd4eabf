// A Parquet file of flat columns in one row group: what a run's metrics
// download is (metrics-downloads.ts). Only what that needs of the format
// (https://parquet.apache.org/docs/file-format/): an INT64 column of no nulls
// (the steps), DELTA_BINARY_PACKED, and DOUBLE columns in which NaN and
// ±Infinity are nulls, BYTE_STREAM_SPLIT; v1 data pages, GZIP.
//
// Why these: a logged metric is a double whose low mantissa bytes are noise,
// which no coder shrinks. Split into byte streams, the sign, exponent and high
// mantissa bytes of neighbouring steps sit together and compress, and the
// noise costs its 8 bits a byte: 6.3 bytes a value, where the same doubles as
// shortest decimal text (17 digits) gzip to 8.2. Steps are deltas of 1, packed
// in a few bytes. GZIP and v1 pages, because every reader takes them (pyarrow
// and so pandas, polars, DuckDB, arrow-rs, R's arrow, hyparquet).
import { endianness } from 'node:os';
import { constants, gzipSync } from 'node:zlib';

export type ParquetColumn =
  | { name: string; type: 'int64'; values: ArrayLike<number> }
  | { name: string; type: 'double'; values: Float64Array };

/** Rows a data page holds at most: a page is one read for a reader, so a run of millions of steps is not one 16 MB page a column. */
export const PAGE_ROWS = 1 << 16;

/**
 * Deflate matching only runs of a byte: the streams of noise leave it nothing
 * else to match, and the exponents' streams are runs. On the bench's runs 2%
 * bigger than level 1, at a third of its time (4 ms a run against 14).
 */
const GZIP = { strategy: constants.Z_RLE };

/**
 * The file's bytes, as pieces to write one after another (the pages are not
 * joined into one buffer). Every column holds `rows` values.
 */
export function parquetFile(rows: number, columns: ParquetColumn[]): Uint8Array[] {
  if (endianness() !== 'LE') throw new Error('parquet: the format is little-endian, and so must this machine be');
  for (const column of columns) {
    if (column.values.length !== rows) throw new Error(`parquet: column ${column.name} has ${column.values.length} values, not ${rows}`);
  }
  const pieces: Uint8Array[] = [MAGIC];
  let offset = MAGIC.length;
  const chunks: ChunkMeta[] = [];
  for (const column of columns) {
    const first = offset;
    let compressed = 0;
    let uncompressed = 0;
    // A column of no rows is one page of none.
    for (let start = 0; start === 0 || start < rows; start += PAGE_ROWS) {
      const end = Math.min(rows, start + PAGE_ROWS);
      const body = column.type === 'int64' ? [deltaBinaryPacked(column.values, start, end)] : doublePage(column.values, start, end);
      const plain = body.reduce((sum, piece) => sum + piece.length, 0);
      const zipped = gzipSync(Buffer.concat(body), GZIP);
      const header = pageHeader(end - start, column.type === 'int64' ? DELTA_BINARY_PACKED : BYTE_STREAM_SPLIT, plain, zipped.length);
      pieces.push(header, zipped);
      offset += header.length + zipped.length;
      compressed += header.length + zipped.length;
      uncompressed += header.length + plain;
    }
    chunks.push({ column, offset: first, compressed, uncompressed });
  }
  const footer = fileMetaData(rows, chunks);
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, footer.length, true);
  pieces.push(footer, length, MAGIC);
  return pieces;
}

const MAGIC = new TextEncoder().encode('PAR1');

// Enums of parquet.thrift.
const INT64 = 2;
const DOUBLE = 5;
const REQUIRED = 0;
const OPTIONAL = 1;
const RLE = 3;
const DELTA_BINARY_PACKED = 5;
const BYTE_STREAM_SPLIT = 9;
const CODEC_GZIP = 2;
const DATA_PAGE = 0;

interface ChunkMeta {
  column: ParquetColumn;
  offset: number;
  compressed: number;
  uncompressed: number;
}

/**
 * A page of a DOUBLE column of nulls: its definition levels (1 for a value,
 * 0 for a null), as runs of the RLE/bit-packing hybrid after their byte
 * length, then the values' bytes split into 8 streams (every value's byte 0,
 * then every value's byte 1, ...).
 */
function doublePage(values: Float64Array, start: number, end: number): Uint8Array[] {
  const levels = new Writer();
  const kept = new Float64Array(end - start);
  let count = 0;
  for (let row = start; row < end; ) {
    const defined = Number.isFinite(values[row]);
    let run = row;
    for (; run < end && Number.isFinite(values[run]) === defined; run++) if (defined) kept[count++] = values[run];
    levels.varint((run - row) * 2); // an RLE run: its length, shifted left once
    levels.byte(defined ? 1 : 0);
    row = run;
  }
  const levelBytes = levels.bytes();
  const levelLength = new Uint8Array(4);
  new DataView(levelLength.buffer).setUint32(0, levelBytes.length, true);
  const bytes = new Uint8Array(kept.buffer, 0, count * 8);
  const split = new Uint8Array(count * 8);
  for (let b = 0; b < 8; b++) {
    const stream = b * count;
    for (let i = 0; i < count; i++) split[stream + i] = bytes[i * 8 + b];
  }
  return [levelLength, levelBytes, split];
}

/**
 * DELTA_BINARY_PACKED integers: a header (block size 128, 4 miniblocks of
 * 32, the count, the first value), then per block of 128 deltas its least
 * delta and each miniblock's deltas above it packed in as few bits as the
 * largest needs.
 */
function deltaBinaryPacked(values: ArrayLike<number>, start: number, end: number): Uint8Array {
  const out = new Writer();
  out.varint(128);
  out.varint(4);
  out.varint(end - start);
  out.zigzag(end > start ? values[start] : 0);
  const deltas = new Float64Array(128);
  for (let from = start + 1; from < end; from += 128) {
    const n = Math.min(128, end - from);
    let least = Infinity;
    for (let i = 0; i < n; i++) least = Math.min(least, (deltas[i] = values[from + i] - values[from + i - 1]));
    out.zigzag(least);
    const widths: number[] = [];
    for (let mini = 0; mini < 4; mini++) {
      let largest = 0;
      for (let i = mini * 32; i < Math.min(n, mini * 32 + 32); i++) largest = Math.max(largest, deltas[i] - least);
      widths.push(mini * 32 < n ? bitWidth(largest) : 0);
    }
    for (const width of widths) out.byte(width);
    // The miniblocks past the last delta are not written; the last one is padded to 32.
    for (let mini = 0; mini * 32 < n; mini++) {
      const packed: number[] = [];
      for (let i = mini * 32; i < mini * 32 + 32; i++) packed.push(i < n ? deltas[i] - least : 0);
      out.packBits(packed, widths[mini]);
    }
  }
  return out.bytes();
}

function bitWidth(value: number): number {
  let width = 0;
  for (; value >= 1; value = Math.floor(value / 2)) width++;
  return width;
}

function pageHeader(rows: number, encoding: number, uncompressed: number, compressed: number): Uint8Array {
  const out = new Writer();
  out.struct(() => {
    out.i32(1, DATA_PAGE);
    out.i32(2, uncompressed);
    out.i32(3, compressed);
    out.structField(5, () => {
      out.i32(1, rows);
      out.i32(2, encoding);
      out.i32(3, RLE);
      out.i32(4, RLE);
    });
  });
  return out.bytes();
}

function fileMetaData(rows: number, chunks: ChunkMeta[]): Uint8Array {
  const out = new Writer();
  out.struct(() => {
    out.i32(1, 1);
    // The schema: its root, then a field per column.
    out.list(2, STRUCT, [undefined, ...chunks.map((chunk) => chunk.column)], (column) =>
      out.struct(() => {
        if (column) {
          out.i32(1, column.type === 'int64' ? INT64 : DOUBLE);
          out.i32(3, column.type === 'int64' ? REQUIRED : OPTIONAL);
        }
        out.string(4, column?.name ?? 'schema');
        if (!column) out.i32(5, chunks.length);
      }),
    );
    out.i64(3, rows);
    out.list(4, STRUCT, [chunks], (group) =>
      out.struct(() => {
        out.list(1, STRUCT, group, (chunk) =>
          out.struct(() => {
            out.i64(2, chunk.offset);
            out.structField(3, () => {
              const int64 = chunk.column.type === 'int64';
              out.i32(1, int64 ? INT64 : DOUBLE);
              out.list(2, I32, int64 ? [DELTA_BINARY_PACKED] : [RLE, BYTE_STREAM_SPLIT], (encoding) => out.zigzag(encoding));
              out.list(3, BINARY, [chunk.column.name], (name) => out.binary(name));
              out.i32(4, CODEC_GZIP);
              out.i64(5, rows);
              out.i64(6, chunk.uncompressed);
              out.i64(7, chunk.compressed);
              out.i64(9, chunk.offset);
            });
          }),
        );
        out.i64(2, group.reduce((sum, chunk) => sum + chunk.uncompressed, 0));
        out.i64(3, rows);
        out.i64(5, group[0]?.offset ?? MAGIC.length);
        out.i64(6, group.reduce((sum, chunk) => sum + chunk.compressed, 0));
      }),
    );
    out.string(6, 'sweepbook');
  });
  return out.bytes();
}

// Thrift compact protocol types.
const I32 = 5;
const I64 = 6;
const BINARY = 8;
const LIST = 9;
const STRUCT = 12;

/** Bytes in Thrift's compact protocol, and the bit-level pieces of Parquet's encodings. */
class Writer {
  private out: number[] = [];
  private lastField = [0];

  bytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }

  byte(value: number): void {
    this.out.push(value);
  }

  /** An unsigned LEB128 varint; exact up to 2^53. */
  varint(value: number): void {
    for (; value >= 0x80; value = Math.floor(value / 0x80)) this.out.push((value % 0x80) | 0x80);
    this.out.push(value);
  }

  zigzag(value: number): void {
    this.varint(value >= 0 ? 2 * value : -2 * value - 1);
  }

  binary(text: string): void {
    const bytes = new TextEncoder().encode(text);
    this.varint(bytes.length);
    for (const byte of bytes) this.out.push(byte);
  }

  /** `values` in `width` bits each, least significant bit first. */
  packBits(values: number[], width: number): void {
    let byte = 0;
    let filled = 0;
    for (const value of values) {
      let rest = value;
      for (let left = width; left > 0; ) {
        const take = Math.min(8 - filled, left);
        const low = rest % 2 ** take;
        byte |= low << filled;
        rest = (rest - low) / 2 ** take;
        filled += take;
        left -= take;
        if (filled === 8) {
          this.out.push(byte);
          byte = 0;
          filled = 0;
        }
      }
    }
    if (filled > 0) this.out.push(byte);
  }

  /** A struct's fields, then its stop byte. */
  struct(fields: () => void): void {
    this.lastField.push(0);
    fields();
    this.out.push(0);
    this.lastField.pop();
  }

  structField(id: number, fields: () => void): void {
    this.field(id, STRUCT);
    this.struct(fields);
  }

  i32(id: number, value: number): void {
    this.field(id, I32);
    this.zigzag(value);
  }

  i64(id: number, value: number): void {
    this.field(id, I64);
    this.zigzag(value);
  }

  string(id: number, text: string): void {
    this.field(id, BINARY);
    this.binary(text);
  }

  list<T>(id: number, type: number, items: T[], item: (value: T) => void): void {
    this.field(id, LIST);
    if (items.length < 15) this.out.push((items.length << 4) | type);
    else {
      this.out.push(0xf0 | type);
      this.varint(items.length);
    }
    for (const value of items) item(value);
  }

  private field(id: number, type: number): void {
    const delta = id - this.lastField[this.lastField.length - 1];
    if (delta > 0 && delta <= 15) this.out.push((delta << 4) | type);
    else {
      this.out.push(type);
      this.zigzag(id);
    }
    this.lastField[this.lastField.length - 1] = id;
  }
}
