// The parts of tensorflow.Event (tensorflow/core/util/event.proto) and of the Summary
// it carries (tensorflow/core/framework/summary.proto, tensor.proto) that an import
// needs; every other field is skipped. Field numbers are given beside each case.
// float32 values come out as the shortest decimal that is the same float32 (float32.ts).
import { shortFloat32 } from './float32';
import { I32, I64, LEN, ProtoReader, utf8, VARINT } from './protobuf';

/** What an event held that the reader does not import, by kind. */
export type SkipKind =
  | 'graph'
  | 'meta_graph'
  | 'run_metadata'
  | 'log_message'
  | 'session_log'
  | 'histogram'
  | 'image'
  | 'audio'
  /** A tensor of another plugin (pr_curves, mesh, ...), or one this reader cannot read as its plugin's. */
  | 'tensor';

// Read-only, because events without texts (most) share one empty list, and so on:
// a million events would otherwise cost a million empty arrays to allocate and collect.
export interface TfEvent {
  readonly step: number;
  /** Seconds since the Unix epoch. */
  readonly wallTime: number;
  readonly scalars: readonly { readonly tag: string; readonly value: number }[];
  readonly texts: readonly { readonly tag: string; readonly text: string }[];
  /** The hparams plugin's summaries (`_hparams_/session_start_info`, ...): their HParamsPluginData bytes, not yet decoded. */
  readonly hparams: readonly { readonly tag: string; readonly content: Uint8Array }[];
  readonly skipped: Readonly<Partial<Record<SkipKind, number>>>;
  /** A SessionLog START: a session (re)starting at this step, which TensorBoard takes as a restart after the first. */
  readonly sessionStart?: true;
}

/** An event being decoded: its lists are the shared empty ones until something is added. */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Building = Mutable<TfEvent>;

const NONE: readonly never[] = Object.freeze([]);
const NO_SKIPS: Readonly<Partial<Record<SkipKind, number>>> = Object.freeze({});

/** `list` with `item` added: a new list if `list` is the shared empty one, else the same list, pushed to. */
function add<T>(list: readonly T[], item: T): readonly T[] {
  if (list === NONE) return [item];
  // Not NONE, so one of the lists this module created, which nothing else holds yet.
  (list as T[]).push(item);
  return list;
}

/** An event as decoded, before the reader sets apart the file's header record. */
export interface DecodedEvent extends TfEvent {
  readonly fileVersion?: string;
}

/**
 * Tag -> plugin name. Writers put a tag's metadata on its first value only (TF2's
 * summary ops do), so later values are known by their tag.
 */
export type TagPlugins = Map<string, string>;

// tensorflow.DataType
const DT_FLOAT = 1;
const DT_DOUBLE = 2;
const DT_INT32 = 3;
const DT_STRING = 7;
const DT_INT64 = 9;
const DT_HALF = 19;

/** tensorflow.Event, in r's bytes from r.pos to `end`. */
export function decodeEvent(r: ProtoReader, end: number, plugins: TagPlugins): DecodedEvent {
  const event: Mutable<DecodedEvent> = { step: 0, wallTime: 0, scalars: NONE, texts: NONE, hparams: NONE, skipped: NO_SKIPS };
  r.end = end;
  while (r.pos < end) {
    const key = r.varint();
    switch (key >>> 3) {
      case 1: // double wall_time
        r.expect(key, I64);
        event.wallTime = r.double();
        break;
      case 2: // int64 step
        r.expect(key, VARINT);
        event.step = r.int64();
        break;
      case 3: // string file_version
        r.expect(key, LEN);
        event.fileVersion = r.string();
        break;
      case 7: {
        // SessionLog session_log: SessionStatus status = 1 (START = 1), the rest not needed
        r.expect(key, LEN);
        const logEnd = r.lengthEnd();
        if (sessionLogStatus(r, logEnd) === SESSION_START) event.sessionStart = true;
        else count(event, 'session_log');
        r.end = end;
        break;
      }
      case 5: {
        // Summary summary
        r.expect(key, LEN);
        const summaryEnd = r.lengthEnd();
        decodeSummary(r, summaryEnd, plugins, event);
        r.end = end;
        break;
      }
      default: {
        const kind = SKIPPED_EVENT_FIELDS[key >>> 3];
        r.skip(key & 7);
        if (kind) count(event, kind);
      }
    }
  }
  return event;
}

/** Event payloads an import does not read, by field number: graph_def 4, log_message 6, tagged_run_metadata 8, meta_graph_def 9 (session_log 7 is read for its START). */
const SKIPPED_EVENT_FIELDS: Record<number, SkipKind> = { 4: 'graph', 6: 'log_message', 8: 'run_metadata', 9: 'meta_graph' };

const SESSION_START = 1;

function sessionLogStatus(r: ProtoReader, end: number): number {
  let status = 0;
  r.end = end;
  while (r.pos < end) {
    const key = r.varint();
    if (key >>> 3 === 1) {
      r.expect(key, VARINT);
      status = r.varint();
    } else r.skip(key & 7);
  }
  return status;
}

function count(event: Building, kind: SkipKind): void {
  event.skipped = { ...event.skipped, [kind]: (event.skipped[kind] ?? 0) + 1 };
}

/** Summary: repeated Value value = 1. */
function decodeSummary(r: ProtoReader, end: number, plugins: TagPlugins, event: Building): void {
  r.end = end;
  while (r.pos < end) {
    const key = r.varint();
    if (key >>> 3 === 1) {
      r.expect(key, LEN);
      const valueEnd = r.lengthEnd();
      decodeValue(r, valueEnd, plugins, event);
      r.end = end;
    } else r.skip(key & 7);
  }
}

/** Summary.Value: a tag, maybe its metadata, and one of several kinds of value. */
function decodeValue(r: ProtoReader, end: number, plugins: TagPlugins, event: Building): void {
  let tag = '';
  let simpleValue: number | undefined;
  let metadata: Metadata | undefined;
  let tensor: Tensor | undefined;
  let other: SkipKind | undefined;
  r.end = end;
  while (r.pos < end) {
    const key = r.varint();
    switch (key >>> 3) {
      case 1: // string tag
        r.expect(key, LEN);
        tag = r.string();
        break;
      case 2: // float simple_value
        r.expect(key, I32);
        simpleValue = shortFloat32(r.float());
        break;
      case 9: {
        // SummaryMetadata metadata
        r.expect(key, LEN);
        const metadataEnd = r.lengthEnd();
        metadata = decodeMetadata(r, metadataEnd);
        r.end = end;
        break;
      }
      case 8: {
        // TensorProto tensor
        r.expect(key, LEN);
        const tensorEnd = r.lengthEnd();
        tensor = decodeTensor(r, tensorEnd);
        r.end = end;
        break;
      }
      default: // histograms, images and audio are not read; 7, string node_name: deprecated, never set
        other = SKIPPED_VALUE_FIELDS[key >>> 3] ?? other;
        r.skip(key & 7);
    }
  }
  if (metadata?.plugin) plugins.set(tag, metadata.plugin);
  const plugin = metadata?.plugin ?? plugins.get(tag);

  if (simpleValue !== undefined) event.scalars = add(event.scalars, { tag, value: simpleValue });
  else if (plugin === 'hparams') event.hparams = add(event.hparams, { tag, content: metadata?.content ?? new Uint8Array(0) });
  else if (other) count(event, other);
  else if (tensor) {
    const value = plugin === 'scalars' ? tensorScalar(r, tensor) : undefined;
    const text = plugin === 'text' ? tensorText(r, tensor) : undefined;
    if (value !== undefined) event.scalars = add(event.scalars, { tag, value });
    else if (text !== undefined) event.texts = add(event.texts, { tag, text });
    else count(event, TENSOR_PLUGINS[plugin ?? ''] ?? 'tensor');
  }
}

/** Summary.Value kinds an import does not read, by field number: obsolete_old_style_histogram 3, image 4, histo 5, audio 6. */
const SKIPPED_VALUE_FIELDS: Record<number, SkipKind> = { 3: 'histogram', 4: 'image', 5: 'histogram', 6: 'audio' };

/** The plugins whose tensors hold what the older value kinds hold. */
const TENSOR_PLUGINS: Record<string, SkipKind> = { histograms: 'histogram', images: 'image', audio: 'audio' };

interface Metadata {
  plugin?: string;
  content?: Uint8Array;
}

/** SummaryMetadata: PluginData plugin_data = 1; display_name 2, summary_description 3 and data_class 4 are not needed. */
function decodeMetadata(r: ProtoReader, end: number): Metadata {
  const metadata: Metadata = {};
  r.end = end;
  while (r.pos < end) {
    const key = r.varint();
    if (key >>> 3 === 1) {
      r.expect(key, LEN);
      const pluginEnd = r.lengthEnd();
      r.end = pluginEnd;
      // PluginData: string plugin_name = 1; bytes content = 2
      while (r.pos < pluginEnd) {
        const pluginKey = r.varint();
        if (pluginKey >>> 3 === 1) {
          r.expect(pluginKey, LEN);
          metadata.plugin = r.string();
        } else if (pluginKey >>> 3 === 2) {
          r.expect(pluginKey, LEN);
          const contentEnd = r.lengthEnd();
          // A copy, so the file's bytes need not stay alive for the sake of a few (and
          // not Buffer's slice, which is a view).
          metadata.content = new Uint8Array(r.bytes.subarray(r.pos, contentEnd));
          r.pos = contentEnd;
        } else r.skip(pluginKey & 7);
      }
      r.end = end;
    } else r.skip(key & 7);
  }
  return metadata;
}

/**
 * Where a TensorProto's values lie, to be read once its dtype is known (fields may
 * come in any order). Only the first of the *_val fields is kept: a scalar has one.
 */
interface Tensor {
  dtype: number;
  /** The product of the shape's dimensions: 1 for a scalar, whose shape has none. */
  elements: number;
  contentStart: number;
  contentEnd: number;
  valField: number;
  valStart: number;
  valEnd: number;
  /** string_val's [start, end) offset pairs, flattened. */
  strings: number[];
}

function decodeTensor(r: ProtoReader, end: number): Tensor {
  const t: Tensor = { dtype: 0, elements: 1, contentStart: 0, contentEnd: 0, valField: 0, valStart: 0, valEnd: 0, strings: [] };
  r.end = end;
  while (r.pos < end) {
    const key = r.varint();
    const field = key >>> 3;
    switch (field) {
      case 1: // DataType dtype
        r.expect(key, VARINT);
        t.dtype = r.varint();
        break;
      case 2: {
        // TensorShapeProto tensor_shape
        r.expect(key, LEN);
        const shapeEnd = r.lengthEnd();
        t.elements = decodeShape(r, shapeEnd);
        r.end = end;
        break;
      }
      case 4: // bytes tensor_content: the values packed little-endian
        r.expect(key, LEN);
        t.contentEnd = r.lengthEnd();
        t.contentStart = r.pos;
        r.pos = t.contentEnd;
        break;
      case 8: {
        // repeated bytes string_val
        r.expect(key, LEN);
        const stringEnd = r.lengthEnd();
        t.strings.push(r.pos, stringEnd);
        r.pos = stringEnd;
        break;
      }
      case 5: // repeated float float_val
      case 6: // repeated double double_val
      case 7: // repeated int32 int_val
      case 10: // repeated int64 int64_val
      case 13: {
        // repeated int32 half_val (the float16's bits)
        // Packed (one length-delimited field) as proto3 writes them, or one field per value.
        const wire = key & 7;
        let start = r.pos;
        if (wire === LEN) {
          const valEnd = r.lengthEnd();
          start = r.pos;
          r.pos = valEnd;
        } else r.skip(wire);
        if (t.valField === 0) {
          t.valField = field;
          t.valStart = start;
          t.valEnd = r.pos;
        }
        break;
      }
      default:
        r.skip(key & 7);
    }
  }
  return t;
}

/** TensorShapeProto: repeated Dim dim = 2, each Dim { int64 size = 1; string name = 2 }. Returns the element count. */
function decodeShape(r: ProtoReader, end: number): number {
  let elements = 1;
  r.end = end;
  while (r.pos < end) {
    const key = r.varint();
    if (key >>> 3 === 2) {
      r.expect(key, LEN);
      const dimEnd = r.lengthEnd();
      r.end = dimEnd;
      let size = 0;
      while (r.pos < dimEnd) {
        const dimKey = r.varint();
        if (dimKey >>> 3 === 1) {
          r.expect(dimKey, VARINT);
          size = r.int64();
        } else r.skip(dimKey & 7);
      }
      elements *= size;
      r.end = end;
    } else r.skip(key & 7);
  }
  return elements;
}

/** The value of a one-element numeric tensor, or undefined if it is not one. */
function tensorScalar(r: ProtoReader, t: Tensor): number | undefined {
  if (t.elements !== 1) return undefined;
  const view = r.view;
  if (t.contentEnd > t.contentStart) {
    const at = t.contentStart;
    const size = t.contentEnd - at;
    if (t.dtype === DT_FLOAT && size === 4) return shortFloat32(view.getFloat32(at, true));
    if (t.dtype === DT_DOUBLE && size === 8) return view.getFloat64(at, true);
    if (t.dtype === DT_INT32 && size === 4) return view.getInt32(at, true);
    if (t.dtype === DT_INT64 && size === 8) return Number(view.getBigInt64(at, true));
    if (t.dtype === DT_HALF && size === 2) return halfToNumber(view.getUint16(at, true));
    return undefined;
  }
  if (t.valField !== VAL_FIELD[t.dtype] || t.valEnd <= t.valStart) return undefined;
  const at = t.valStart;
  if (t.valField === 5) return t.valEnd - at >= 4 ? shortFloat32(view.getFloat32(at, true)) : undefined;
  if (t.valField === 6) return t.valEnd - at >= 8 ? view.getFloat64(at, true) : undefined;
  // The varint kinds (int_val, int64_val, half_val): read the first one.
  const { pos, end } = r;
  r.pos = at;
  r.end = t.valEnd;
  const value = r.int64();
  r.pos = pos;
  r.end = end;
  return t.valField === 13 ? halfToNumber(value & 0xffff) : value;
}

/** Which *_val field holds each dtype's values. */
const VAL_FIELD: Record<number, number> = { [DT_FLOAT]: 5, [DT_DOUBLE]: 6, [DT_INT32]: 7, [DT_INT64]: 10, [DT_HALF]: 13 };

/** A DT_STRING tensor's strings as one text, a line each; undefined for other dtypes. */
function tensorText(r: ProtoReader, t: Tensor): string | undefined {
  if (t.dtype !== DT_STRING) return undefined;
  const lines: string[] = [];
  for (let i = 0; i < t.strings.length; i += 2) lines.push(utf8(r.bytes, t.strings[i], t.strings[i + 1]));
  return lines.join('\n');
}

/** IEEE 754 half precision bits as a number. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
