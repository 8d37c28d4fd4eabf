// TFRecord framing, as TensorFlow's record writer lays out event files. Each record:
//   uint64 LE  length
//   uint32 LE  masked CRC32C of those 8 length bytes
//   length     bytes of data
//   uint32 LE  masked CRC32C of the data

/** CRC32C (Castagnoli), reflected polynomial. Not the zlib CRC32, whose polynomial differs. */
const POLY = 0x82f63b78;

// Slicing-by-8: table k gives the CRC of a byte followed by k zero bytes, so eight
// bytes are folded in with eight look-ups instead of eight dependent steps.
const TABLE = new Int32Array(8 * 256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  TABLE[n] = c;
}
for (let n = 0; n < 256; n++) {
  for (let k = 1; k < 8; k++) {
    const previous = TABLE[(k - 1) * 256 + n];
    TABLE[k * 256 + n] = (previous >>> 8) ^ TABLE[previous & 0xff];
  }
}

/** CRC32C of bytes[start, end), as an unsigned 32-bit number. */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const t = TABLE;
  let crc = -1;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const a = crc ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
    crc =
      t[1792 + (a & 0xff)] ^
      t[1536 + ((a >>> 8) & 0xff)] ^
      t[1280 + ((a >>> 16) & 0xff)] ^
      t[1024 + (a >>> 24)] ^
      t[768 + bytes[i + 4]] ^
      t[512 + bytes[i + 5]] ^
      t[256 + bytes[i + 6]] ^
      t[bytes[i + 7]];
  }
  for (; i < end; i++) crc = t[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

/**
 * The CRC as TFRecord stores it: rotated and offset, because a CRC of data that
 * itself holds CRCs (a record inside a record) is otherwise prone to collide.
 */
export function maskedCrc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const crc = crc32c(bytes, start, end);
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}

/** Bytes a record takes besides its data: length, its CRC, the data's CRC. */
export const RECORD_OVERHEAD = 16;

export type RecordFrame =
  | { kind: 'record'; start: number; dataStart: number; dataEnd: number; end: number }
  /** The bytes stop inside this record: a writer still writing, or a copy cut short. */
  | { kind: 'truncated'; start: number }
  | { kind: 'bad length crc'; start: number }
  | { kind: 'bad data crc'; start: number };

/** The record framed at `start` (which must be before bytes.length), its CRCs checked. */
export function frameAt(bytes: Uint8Array, view: DataView, start: number): RecordFrame {
  if (start + 12 > bytes.length) return { kind: 'truncated', start };
  if (view.getUint32(start + 8, true) !== maskedCrc32c(bytes, start, start + 8)) return { kind: 'bad length crc', start };
  // A length past 2^53 cannot be a number, nor a file; it reads as "longer than the file".
  const length = view.getUint32(start, true) + view.getUint32(start + 4, true) * 2 ** 32;
  const dataStart = start + 12;
  const dataEnd = dataStart + length;
  if (dataEnd + 4 > bytes.length) return { kind: 'truncated', start };
  if (view.getUint32(dataEnd, true) !== maskedCrc32c(bytes, dataStart, dataEnd)) return { kind: 'bad data crc', start };
  return { kind: 'record', start, dataStart, dataEnd, end: dataEnd + 4 };
}
