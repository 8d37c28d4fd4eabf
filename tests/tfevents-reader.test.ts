import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventFile, fileVersionEvent, pb, summaryEvent, value } from '../src/bench/tfevents-writer';
import { EventFileError } from '../src/import/errors';
import { readEvents, type TfEvent } from '../src/import/tfevents';
import { crc32c, maskedCrc32c } from '../src/import/tfrecord';

const FIXTURES = join(import.meta.dirname, 'fixtures/tfevents');

/** The one event file of a fixture folder, as its path and bytes. */
function fixture(folder: string): { file: string; bytes: Buffer } {
  const dir = join(FIXTURES, folder);
  const [name] = readdirSync(dir);
  const file = join(dir, name);
  return { file, bytes: readFileSync(file) };
}

/** tag -> steps, in file order. */
function stepsByTag(events: readonly TfEvent[]): Map<string, number[]> {
  const steps = new Map<string, number[]>();
  for (const event of events) for (const { tag } of event.scalars) steps.set(tag, [...(steps.get(tag) ?? []), event.step]);
  return steps;
}

/** Where each record starts, walked by the length fields alone (no CRC checks), and where the bytes end. */
function recordStarts(bytes: Buffer): number[] {
  const starts: number[] = [];
  for (let pos = 0; pos < bytes.length; pos += 16 + bytes.readUInt32LE(pos)) starts.push(pos);
  return starts;
}

const range = (from: number, to: number, by = 1) => Array.from({ length: Math.floor((to - from) / by) + 1 }, (_, i) => from + i * by);

describe('CRC32C', () => {
  it('gives the check value of the Castagnoli polynomial, on both the 8-byte and the byte-at-a-time paths', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(32))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });

  it('masks as TFRecord does: rotated right by 15 bits, plus 0xa282ead8', () => {
    const crc = 0xe3069283;
    expect(maskedCrc32c(Buffer.from('123456789'))).toBe((((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0);
  });
});

describe('real event files (tests/fixtures/tfevents/SOURCES.md)', () => {
  it('reducer-strict: one tag strict/foo, simple_value, 100 points, steps 0..495', () => {
    const { file, bytes } = fixture('reducer-strict');
    const read = readEvents(bytes, { file });
    expect(read.fileVersion).toBe('brain.Event:2');
    expect(read.end).toBe(bytes.length);
    expect(read.truncatedAt).toBeUndefined();
    const steps = stepsByTag(read.events);
    expect([...steps.keys()]).toEqual(['strict/foo']);
    expect(steps.get('strict/foo')).toEqual(range(0, 495, 5));
    expect(read.events.every((e) => e.wallTime > 1.6e9 && e.wallTime < 1.7e9)).toBe(true);
    expect(read.events.every((e) => Number.isFinite(e.scalars[0].value))).toBe(true);
  });

  it('reducer-lax: 3 tags, steps 0..109', () => {
    const { file, bytes } = fixture('reducer-lax');
    const steps = stepsByTag(readEvents(bytes, { file }).events);
    expect(steps.size).toBe(3);
    for (const tagSteps of steps.values()) {
      expect(Math.min(...tagSteps)).toBe(0);
      expect(Math.max(...tagSteps)).toBe(109);
    }
  });

  it('reducer-dupsteps: 210 events per tag over steps 0..199, steps 90-99 twice', () => {
    const { file, bytes } = fixture('reducer-dupsteps');
    const steps = stepsByTag(readEvents(bytes, { file }).events);
    expect(steps.size).toBeGreaterThan(0);
    for (const tagSteps of steps.values()) {
      expect(tagSteps).toHaveLength(210);
      expect([...new Set(tagSteps)].sort((a, b) => a - b)).toEqual(range(0, 199));
      const twice = range(0, 199).filter((step) => tagSteps.filter((s) => s === step).length === 2);
      expect(twice).toEqual(range(90, 99));
    }
  });

  it('tfevents-js-asset (TensorFlow 2): a simple_value with plugin metadata scalars', () => {
    const { file, bytes } = fixture('tfevents-js-asset');
    const read = readEvents(bytes, { file });
    expect(read.events).toHaveLength(1);
    expect(read.events[0].scalars).toEqual([{ tag: 'hello', value: 1 }]);
    expect(read.plugins.get('hello')).toBe('scalars');
  });

  it('every record of every fixture passes both CRC checks', () => {
    for (const folder of ['reducer-strict', 'reducer-lax', 'reducer-dupsteps', 'tfevents-js-asset']) {
      const { bytes } = fixture(folder);
      for (const start of recordStarts(bytes)) {
        const length = bytes.readUInt32LE(start);
        expect(bytes.readUInt32LE(start + 4)).toBe(0);
        expect(bytes.readUInt32LE(start + 8)).toBe(maskedCrc32c(bytes, start, start + 8));
        expect(bytes.readUInt32LE(start + 12 + length)).toBe(maskedCrc32c(bytes, start + 12, start + 12 + length));
      }
    }
  });
});

describe('damaged and growing files', () => {
  const { file, bytes } = fixture('reducer-strict');
  const whole = readEvents(bytes, { file });
  const starts = recordStarts(bytes);

  it('a flipped data byte is a data CRC mismatch naming the file, the record and its byte offset', () => {
    const broken = Buffer.from(bytes);
    broken[starts[16] + 14] ^= 0x01;
    expect(() => readEvents(broken, { file })).toThrow(EventFileError);
    expect(() => readEvents(broken, { file })).toThrow(`${file}: byte ${starts[16]}: data CRC mismatch (record 17)`);
  });

  it('a flipped length byte is a length CRC mismatch', () => {
    const broken = Buffer.from(bytes);
    broken[starts[3]] ^= 0x01;
    expect(() => readEvents(broken, { file })).toThrow(`${file}: byte ${starts[3]}: length CRC mismatch (record 4)`);
  });

  it('a record whose CRCs pass but which is not an Event names the byte where decoding failed', () => {
    // Field 5 (summary) claiming 100 bytes where there are 1: the error names the byte after its length.
    const header = fileVersionEvent(1);
    const damaged = eventFile([header, [0x2a, 100, 0x0a]]);
    const second = header.length + 16;
    expect(() => readEvents(damaged, { file: 'x' })).toThrow(
      `x: byte ${second + 14}: not a tensorflow.Event: 100 bytes run past the end of their message (record 2 at byte ${second})`,
    );
  });

  it('a file cut inside its last record gives the records before it and where the cut record starts', () => {
    for (const cut of [starts[50] + 5, starts[50] + 12, starts[50] + 20, bytes.length - 1]) {
      const read = readEvents(bytes.subarray(0, cut), { file });
      const complete = starts.filter((start) => start < cut).length - 1;
      const cutStart = starts[complete];
      expect(read.truncatedAt).toBe(cutStart);
      expect(read.end).toBe(cutStart);
      // minus the header record, which is no event
      expect(read.events).toEqual(whole.events.slice(0, complete - 1));
    }
  });

  it('reading on from the end of a prefix gives what reading the whole file gives', () => {
    const cut = starts[40] + 30;
    const first = readEvents(bytes.subarray(0, cut), { file });
    const rest = readEvents(bytes, { file, from: first.end, plugins: first.plugins });
    expect(rest.truncatedAt).toBeUndefined();
    expect(rest.end).toBe(bytes.length);
    expect([...first.events, ...rest.events]).toEqual(whole.events);
  });
});

describe('summaries written the TF2 way, and those not imported', () => {
  it('a one-element DT_FLOAT tensor is a scalar when its tag was marked scalars, on the first event only', () => {
    const bytes = eventFile([
      fileVersionEvent(1),
      summaryEvent(0, 1, [{ tag: 'loss', plugin: 'scalars', fields: value.floatTensor(2.5) }]),
      summaryEvent(1, 2, [{ tag: 'loss', fields: value.floatTensor(1.25) }]),
      summaryEvent(2, 3, [{ tag: 'loss', fields: value.doubleContentTensor(0.1) }]),
    ]);
    const read = readEvents(bytes, { file: 'tf2' });
    expect(read.events.map((e) => [e.step, e.scalars])).toEqual([
      [0, [{ tag: 'loss', value: 2.5 }]],
      [1, [{ tag: 'loss', value: 1.25 }]],
      [2, [{ tag: 'loss', value: 0.1 }]],
    ]);
  });

  it('a tensor of a tag never marked scalars is not a scalar', () => {
    const read = readEvents(eventFile([summaryEvent(0, 1, [{ tag: 'x', fields: value.floatTensor(1) }])]), { file: 'f' });
    expect(read.events[0].scalars).toEqual([]);
    expect(read.events[0].skipped).toEqual({ tensor: 1 });
  });

  it('a text summary is read as text, its strings a line each', () => {
    const bytes = eventFile([
      summaryEvent(3, 1, [{ tag: 'notes', plugin: 'text', fields: value.stringTensor('hello', 'wörld') }]),
      summaryEvent(4, 2, [{ tag: 'notes', fields: value.stringTensor('again') }]),
    ]);
    const read = readEvents(bytes, { file: 'text' });
    expect(read.events.map((e) => e.texts)).toEqual([[{ tag: 'notes', text: 'hello\nwörld' }], [{ tag: 'notes', text: 'again' }]]);
  });

  it('hparams summaries keep their plugin content for later decoding', () => {
    const content = [0x08, 0x00, 0x1a, 0x00];
    const bytes = eventFile([summaryEvent(0, 1, [{ tag: '_hparams_/session_start_info', plugin: 'hparams', pluginContent: content, fields: pb.message(8, pb.varint(1, 7)) }])]);
    const [event] = readEvents(bytes, { file: 'hp' }).events;
    expect(event.hparams).toEqual([{ tag: '_hparams_/session_start_info', content: new Uint8Array(content) }]);
  });

  it('histograms, images and graphs are counted as skipped, by kind, beside the scalars', () => {
    const bytes = eventFile([
      summaryEvent(5, 1, [
        { tag: 'w', fields: value.histogram() },
        { tag: 'w2', plugin: 'histograms', fields: value.floatTensor(0) },
        { tag: 'sample', fields: value.image() },
        { tag: 'loss', fields: value.simple(0.5) },
      ]),
      [...pb.double(1, 2), ...pb.bytes(4, [1, 2, 3])],
    ]);
    const read = readEvents(bytes, { file: 'mixed' });
    expect(read.events[0].scalars).toEqual([{ tag: 'loss', value: 0.5 }]);
    expect(read.events[0].skipped).toEqual({ histogram: 2, image: 1 });
    expect(read.events[1].skipped).toEqual({ graph: 1 });
  });

  it('unknown fields are skipped, and int64 steps read exactly, negative or past 2^32', () => {
    const big = eventFile([pb.varint(2, 2 ** 40 + 3)]);
    expect(readEvents(big, { file: 'big' }).events[0].step).toBe(2 ** 40 + 3);
    const bytes = eventFile([[...pb.varint(2, -3), ...pb.varint(99, 1), ...pb.bytes(98, [1, 2]), ...pb.message(5, pb.message(1, pb.string(1, 'a'), pb.float(2, 1)))]]);
    const [event] = readEvents(bytes, { file: 'u' }).events;
    expect(event.step).toBe(-3);
    expect(event.scalars).toEqual([{ tag: 'a', value: 1 }]);
  });
});
