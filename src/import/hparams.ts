// The hyperparameters in a TensorBoard hparams summary (tensorboard/plugins/hparams/
// plugin_data.proto): HParamsPluginData { int32 version = 1; oneof data { Experiment
// experiment = 2; SessionStartInfo session_start_info = 3; SessionEndInfo
// session_end_info = 4 } }. Only session_start_info holds a run's values; the
// experiment lists every run's domains and the end info its status, neither needed.
import type { ParamValue } from '../runs';
import { LEN, ProtoReader, VARINT, I64 } from './protobuf';

/**
 * The hparams of a session_start_info, or undefined if the content is another kind.
 * Values that are not a number, string or boolean (null, struct, list) are left out.
 */
export function sessionStartHparams(content: Uint8Array): Record<string, ParamValue> | undefined {
  const r = new ProtoReader(content);
  r.end = content.length;
  let hparams: Record<string, ParamValue> | undefined;
  while (r.pos < content.length) {
    const key = r.varint();
    if (key >>> 3 === 3) {
      r.expect(key, LEN);
      const infoEnd = r.lengthEnd();
      hparams = sessionStartInfo(r, infoEnd);
      r.end = content.length;
    } else r.skip(key & 7);
  }
  return hparams;
}

/** SessionStartInfo: map<string, google.protobuf.Value> hparams = 1, a map being repeated { key = 1; value = 2 } entries. */
function sessionStartInfo(r: ProtoReader, end: number): Record<string, ParamValue> {
  const hparams: Record<string, ParamValue> = {};
  r.end = end;
  while (r.pos < end) {
    const key = r.varint();
    if (key >>> 3 !== 1) {
      r.skip(key & 7);
      continue;
    }
    r.expect(key, LEN);
    const entryEnd = r.lengthEnd();
    r.end = entryEnd;
    let name = '';
    let value: ParamValue | undefined;
    while (r.pos < entryEnd) {
      const entryKey = r.varint();
      if (entryKey >>> 3 === 1) {
        r.expect(entryKey, LEN);
        name = r.string();
      } else if (entryKey >>> 3 === 2) {
        r.expect(entryKey, LEN);
        const valueEnd = r.lengthEnd();
        value = protobufValue(r, valueEnd);
        r.end = entryEnd;
      } else r.skip(entryKey & 7);
    }
    if (value !== undefined) hparams[name] = value;
    r.end = end;
  }
  return hparams;
}

/** google.protobuf.Value: number_value = 2 (double), string_value = 3, bool_value = 4; null 1, struct 5 and list 6 give undefined. */
function protobufValue(r: ProtoReader, end: number): ParamValue | undefined {
  let value: ParamValue | undefined;
  r.end = end;
  while (r.pos < end) {
    const key = r.varint();
    const field = key >>> 3;
    if (field === 2) {
      r.expect(key, I64);
      value = r.double();
    } else if (field === 3) {
      r.expect(key, LEN);
      value = r.string();
    } else if (field === 4) {
      r.expect(key, VARINT);
      value = r.varint() !== 0;
    } else {
      r.skip(key & 7);
      value = undefined;
    }
  }
  return value;
}
