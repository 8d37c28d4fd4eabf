// Reads a TensorBoard event file (events.out.tfevents.*): TFRecord records, each a
// tensorflow.Event. Synchronous, from bytes in memory, so that a watcher can read
// only what was appended since the last `end`.
import { EventFileError } from './errors';
import { ProtobufError, ProtoReader } from './protobuf';
import { decodeEvent, type TagPlugins, type TfEvent } from './tf-event';
import { frameAt } from './tfrecord';

export type { SkipKind, TagPlugins, TfEvent } from './tf-event';

export interface ReadEventsOptions {
  /** The file's name, for errors. */
  file: string;
  /** Offset of the first record to read: 0, or an `end` an earlier read returned. */
  from?: number;
  /** The tags' plugins seen so far in this file; pass an earlier read's on to read on from its `end`. */
  plugins?: TagPlugins;
}

export interface ReadEventsResult {
  /** The events in file order, without the header record that names the file's version. */
  events: TfEvent[];
  /** `brain.Event:2` and the like, if the header record was among the bytes read. */
  fileVersion?: string;
  /** Offset after the last complete record: where to read on from once the file has grown. */
  end: number;
  /**
   * Where the last record starts if the bytes stop inside it: a writer still
   * writing, or a copy cut short. The records before it are all in `events`.
   */
  truncatedAt?: number;
  plugins: TagPlugins;
}

/**
 * The events of an event file's bytes. Throws an EventFileError naming the file and
 * byte when a CRC does not match or a record is not a well-formed Event; a file
 * that merely stops inside its last record is not an error (see `truncatedAt`).
 */
export function readEvents(bytes: Uint8Array, options: ReadEventsOptions): ReadEventsResult {
  const { file } = options;
  const plugins = options.plugins ?? new Map<string, string>();
  const r = new ProtoReader(bytes);
  const events: TfEvent[] = [];
  let fileVersion: string | undefined;
  let pos = options.from ?? 0;
  // Counted from `from`, as the message's byte offset is what locates the record.
  let record = 0;
  while (pos < bytes.length) {
    record++;
    const frame = frameAt(bytes, r.view, pos);
    if (frame.kind === 'truncated') return { events, fileVersion, end: pos, truncatedAt: pos, plugins };
    if (frame.kind === 'bad length crc') throw new EventFileError(file, pos, `length CRC mismatch (record ${record})`);
    if (frame.kind === 'bad data crc') throw new EventFileError(file, pos, `data CRC mismatch (record ${record})`);
    r.pos = frame.dataStart;
    try {
      const event = decodeEvent(r, frame.dataEnd, plugins);
      if (event.fileVersion === undefined) events.push(event);
      else fileVersion = event.fileVersion;
    } catch (error) {
      if (!(error instanceof ProtobufError)) throw error;
      throw new EventFileError(file, error.at, `not a tensorflow.Event: ${error.message} (record ${record} at byte ${pos})`);
    }
    pos = frame.end;
  }
  return { events, fileVersion, end: pos, plugins };
}
