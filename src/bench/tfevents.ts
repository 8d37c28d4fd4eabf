// Bench: reading a TensorBoard event file of scalar events (PyTorch's add_scalar
// layout: one simple_value per event), CRCs checked, from bytes in memory.
import { readEvents } from '../import/tfevents';
import { eventFile, fileVersionEvent, summaryEvent, value } from './tfevents-writer';

/** A file of `events` scalar events over four tags. Its own function, so that the writer's arrays are garbage before the reads. */
function scalarFile(events: number): Buffer {
  const tags = ['train/loss', 'train/lr', 'eval/accuracy', 'eval/loss'];
  const records = [fileVersionEvent(1.7e9)];
  for (let i = 0; i < events; i++) {
    records.push(summaryEvent(i, 1.7e9 + i / 100, [{ tag: tags[i % tags.length], fields: value.simple(Math.exp(-i / 1e5)) }]));
  }
  return eventFile(records);
}

export function benchEventsRead(events = 500_000) {
  const bytes = scalarFile(events);
  readEvents(bytes, { file: 'bench' }); // warm-up: the first pass compiles
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    const read = readEvents(bytes, { file: 'bench' });
    times.push((performance.now() - start) / 1000);
    if (read.events.length !== events) throw new Error(`tfevents bench: read ${read.events.length} events of ${events}`);
  }
  const seconds = times.sort((a, b) => a - b)[2];
  return { bench: 'tfevents-read', events, bytes: bytes.length, seconds: Number(seconds.toFixed(4)), events_per_second: Math.round(events / seconds) };
}
