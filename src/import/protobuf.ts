// A reader of the protobuf wire format, just enough for TensorBoard's messages.
// Each field is a key varint (field number << 3 | wire type) then its value:
//   wire type 0  varint
//   wire type 1  8 bytes (double, fixed64)
//   wire type 2  varint length, then that many bytes (string, bytes, message, packed repeated)
//   wire type 5  4 bytes (float, fixed32)
// Positions are offsets into the whole file's bytes, so an error can name the byte.

export const VARINT = 0;
export const I64 = 1;
export const LEN = 2;
export const I32 = 5;

/** Bytes that are not a well-formed message: `at` is the offset where reading failed. */
export class ProtobufError extends Error {
  constructor(
    readonly at: number,
    detail: string,
  ) {
    super(detail);
    this.name = 'ProtobufError';
  }
}

export class ProtoReader {
  readonly view: DataView;
  pos = 0;
  /** The end of the message being read; nested messages narrow it for their length. */
  end = 0;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /**
   * An unsigned varint as a number: exact up to 2^53, which steps and lengths stay under.
   * Multiplying rather than shifting, because JavaScript's shifts stop at 32 bits.
   */
  varint(): number {
    const bytes = this.bytes;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtobufError(this.pos, 'varint runs past the end of its message');
      const byte = bytes[this.pos++];
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
    throw new ProtobufError(this.pos, 'varint longer than 10 bytes');
  }

  /**
   * An int64 varint. Negative numbers are written as their 64-bit two's complement,
   * too big for a double to hold exactly, so the two 32-bit halves are read apart.
   */
  int64(): number {
    const bytes = this.bytes;
    let lo = 0;
    let hi = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (this.pos >= this.end) throw new ProtobufError(this.pos, 'varint runs past the end of its message');
      const byte = bytes[this.pos++];
      const bits = byte & 0x7f;
      if (shift < 28) lo |= bits << shift;
      else if (shift === 28) (lo |= bits << 28), (hi |= bits >>> 4);
      else hi |= bits << (shift - 32);
      if (byte < 0x80) {
        if (hi & 0x80000000) return -((~hi >>> 0) * 2 ** 32 + (~lo >>> 0) + 1);
        return (hi >>> 0) * 2 ** 32 + (lo >>> 0);
      }
    }
    throw new ProtobufError(this.pos, 'varint longer than 10 bytes');
  }

  double(): number {
    this.need(8);
    const value = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  float(): number {
    this.need(4);
    const value = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return value;
  }

  /** Reads a length-delimited field's length; returns the end of its bytes, which start at `pos`. */
  lengthEnd(): number {
    const length = this.varint();
    this.need(length);
    return this.pos + length;
  }

  /** A length-delimited field as a string (UTF-8). */
  string(): string {
    const end = this.lengthEnd();
    const text = utf8(this.bytes, this.pos, end);
    this.pos = end;
    return text;
  }

  /** Reads past a field of the given wire type: how unknown fields are ignored. */
  skip(wireType: number): void {
    if (wireType === VARINT) this.varint();
    else if (wireType === I64) this.need(8), (this.pos += 8);
    else if (wireType === LEN) this.pos = this.lengthEnd();
    else if (wireType === I32) this.need(4), (this.pos += 4);
    // Groups (3, 4) are proto2's, which none of TensorBoard's messages use.
    else throw new ProtobufError(this.pos, `unknown wire type ${wireType}`);
  }

  /** Throws unless the key just read has the wire type the schema gives the field. */
  expect(key: number, wireType: number): void {
    if ((key & 7) !== wireType) throw new ProtobufError(this.pos, `field ${key >>> 3}: wire type ${key & 7}, expected ${wireType}`);
  }

  private need(length: number): void {
    if (this.pos + length > this.end) throw new ProtobufError(this.pos, `${length} bytes run past the end of their message`);
  }
}

const decoder = new TextDecoder();

// Tags repeat in every event: the ASCII ones are looked up by a hash of their bytes,
// which is cheaper than building the string again, and shares one copy of each.
const interned = new Map<number, string>();
const INTERN_MAX = 64;

/** bytes[start, end) as UTF-8. */
export function utf8(bytes: Uint8Array, start: number, end: number): string {
  if (end - start > INTERN_MAX) return decoder.decode(bytes.subarray(start, end));
  let hash = 0x811c9dc5; // FNV-1a
  for (let i = start; i < end; i++) {
    const byte = bytes[i];
    if (byte >= 0x80) return decoder.decode(bytes.subarray(start, end));
    hash = Math.imul(hash ^ byte, 0x01000193);
  }
  const known = interned.get(hash);
  if (known !== undefined && sameAscii(known, bytes, start, end)) return known;
  const text = String.fromCharCode(...bytes.subarray(start, end));
  // Bounded, so that a file of a million distinct strings does not keep them all.
  if (interned.size < 10_000) interned.set(hash, text);
  return text;
}

function sameAscii(text: string, bytes: Uint8Array, start: number, end: number): boolean {
  if (text.length !== end - start) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== bytes[start + i]) return false;
  return true;
}
