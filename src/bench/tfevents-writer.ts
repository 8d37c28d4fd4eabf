// A small writer of TensorBoard event files, for the reader's bench and tests only:
// it writes the few messages they need, field by field, so that a test states
// exactly what a file holds. Field numbers as in src/import/tf-event.ts.
import { maskedCrc32c } from '../import/tfrecord';

type Bytes = Uint8Array | number[];

function varint(value: number): number[] {
  const out: number[] = [];
  // Negative int64s as their 64-bit two's complement, as protobuf writes them.
  let v = value < 0 ? BigInt.asUintN(64, BigInt(value)) : BigInt(value);
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

const key = (field: number, wireType: number) => varint(field * 8 + wireType);

export const pb = {
  varint: (field: number, value: number): number[] => [...key(field, 0), ...varint(value)],
  double: (field: number, value: number): number[] => {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value, true);
    return [...key(field, 1), ...bytes];
  },
  float: (field: number, value: number): number[] => {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    return [...key(field, 5), ...bytes];
  },
  bytes: (field: number, value: Bytes): number[] => [...key(field, 2), ...varint(value.length), ...value],
  string: (field: number, value: string): number[] => pb.bytes(field, [...Buffer.from(value, 'utf8')]),
  message: (field: number, ...parts: number[][]): number[] => pb.bytes(field, parts.flat()),
};

/** One Summary.Value's fields: a tag and what the caller adds. */
export interface ValueSpec {
  tag: string;
  /** plugin_data.plugin_name of the value's metadata, if it carries one. */
  plugin?: string;
  pluginContent?: Bytes;
  /** The value's own fields (simple_value, tensor, histo, ...), encoded. */
  fields: number[];
}

export const value = {
  simple: (x: number) => pb.float(2, x),
  histogram: () => pb.message(5, pb.double(1, 0), pb.double(2, 1), pb.double(3, 10)),
  image: () => pb.message(4, pb.varint(1, 2), pb.varint(2, 2), pb.bytes(4, [0x89, 0x50, 0x4e, 0x47])),
  /** A one-element DT_FLOAT tensor (shape []), its value packed in float_val as TF2 writes it. */
  floatTensor: (x: number) => {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, x, true);
    return pb.message(8, pb.varint(1, 1), pb.message(2), pb.bytes(5, bytes));
  },
  /** A one-element DT_DOUBLE tensor, its value in tensor_content. */
  doubleContentTensor: (x: number) => {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, x, true);
    return pb.message(8, pb.varint(1, 2), pb.message(2), pb.bytes(4, bytes));
  },
  /** A DT_STRING tensor of the given strings (shape [n]). */
  stringTensor: (...strings: string[]) =>
    pb.message(8, pb.varint(1, 7), pb.message(2, pb.message(2, pb.varint(1, strings.length))), ...strings.map((s) => pb.string(8, s))),
};

/** A tensorflow.Event with a Summary of the given values. */
export function summaryEvent(step: number, wallTime: number, values: ValueSpec[]): number[] {
  const encoded = values.map((v) => {
    const metadata = v.plugin === undefined ? [] : pb.message(9, pb.message(1, pb.string(1, v.plugin), v.pluginContent ? pb.bytes(2, v.pluginContent) : []));
    return pb.message(1, pb.string(1, v.tag), metadata, v.fields);
  });
  return [...pb.double(1, wallTime), ...pb.varint(2, step), ...pb.message(5, ...encoded)];
}

/** The header record every writer starts a file with. */
export function fileVersionEvent(wallTime: number): number[] {
  return [...pb.double(1, wallTime), ...pb.string(3, 'brain.Event:2')];
}

/** Records framed as TFRecord, as one file's bytes. */
export function eventFile(records: Bytes[]): Buffer {
  const size = records.reduce((sum, data) => sum + data.length + 16, 0);
  const out = Buffer.alloc(size);
  let pos = 0;
  for (const data of records) {
    out.writeUInt32LE(data.length, pos);
    out.writeUInt32LE(0, pos + 4);
    out.writeUInt32LE(maskedCrc32c(out, pos, pos + 8), pos + 8);
    out.set(data, pos + 12);
    out.writeUInt32LE(maskedCrc32c(out, pos + 12, pos + 12 + data.length), pos + 12 + data.length);
    pos += data.length + 16;
  }
  return out;
}

/** A SessionLog event (status 1 = START, 2 = STOP, 3 = CHECKPOINT), as a restarted TF1 Supervisor writes one. */
export function sessionLogEvent(step: number, wallTime: number, status: number): number[] {
  return [...pb.double(1, wallTime), ...pb.varint(2, step), ...pb.message(7, pb.varint(1, status))];
}

/** HParamsPluginData content of a session_start_info with these hparams, as PyTorch's add_hparams writes it. */
export function sessionStartContent(hparams: Record<string, number | string | boolean>): number[] {
  const entries = Object.entries(hparams).map(([name, v]) => {
    const protoValue = typeof v === 'number' ? pb.double(2, v) : typeof v === 'string' ? pb.string(3, v) : pb.varint(4, v ? 1 : 0);
    return pb.message(1, pb.string(1, name), pb.message(2, protoValue));
  });
  return [...pb.varint(1, 0), ...pb.message(3, ...entries)];
}
