// A run's metrics as metrics.csv holds them: one row per logged step, one
// column per metric, empty where a step did not log it or logged a
// non-finite value. A build writes millions of rows: made from the lines'
// own bytes where they are as the writer writes them (no number formatted
// again: half the time), else from the columns. (metrics.json is the lines
// themselves: see metricsJsonArray.) Both are made from one read of the file.
//
// Both are written into the site at the end of a build, not as Astro
// endpoints: Astro takes an endpoint's bytes through a Response (~10 ms a
// 4 MB file), which was a third of a 100-run site's downloads' time.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { metricsJsonArray, readMetricsLines, type MetricsLines, type RunMetrics } from '../runs';
import { toCsv } from './csv';
import { basePath } from './href';
import { allRuns } from './site-data';

/** The downloads of each run page: file name, content type, and how its bytes are made from the metrics file's lines. */
const DOWNLOADS = [
  { name: 'metrics.csv', type: 'text/csv; charset=utf-8', bytes: metricsCsv },
  { name: 'metrics.json', type: 'application/json', bytes: metricsJsonArray },
];

/** Writes every run's metrics.csv and metrics.json into the built site (runs/<id>/), and serves them in `astro dev`. */
export function metricsDownloads(): AstroIntegration {
  return {
    name: 'sweepbook-metrics-downloads',
    hooks: {
      'astro:build:done': ({ dir }) => {
        const out = fileURLToPath(dir);
        for (const run of allRuns()) {
          const folder = join(out, 'runs', run.info.id);
          mkdirSync(folder, { recursive: true });
          const lines = readMetricsLines(run.dir);
          for (const { name, bytes } of DOWNLOADS) writeFileSync(join(folder, name), bytes(lines));
        }
      },
      'astro:server:setup': ({ server }) => {
        server.middlewares.use((request, response, next) => {
          const path = request.url?.split('?')[0] ?? '';
          const prefix = `${basePath()}runs/`;
          const [id, name] = path.startsWith(prefix) ? path.slice(prefix.length).split('/') : [];
          const download = DOWNLOADS.find((d) => d.name === name);
          const run = download && allRuns().find((r) => r.info.id === id);
          if (!download || !run) return next();
          response.setHeader('Content-Type', download.type);
          response.end(download.bytes(readMetricsLines(run.dir)));
        });
      },
    },
  };
}

export function metricsCsv({ bytes, ends, metrics }: MetricsLines): Uint8Array<ArrayBuffer> {
  return csvFromLines(bytes, ends, metrics) ?? new TextEncoder().encode(csvFromColumns(metrics));
}

function header(metrics: RunMetrics): string {
  return toCsv([['step', 'time', ...metrics.series.keys()]]);
}

/**
 * The CSV from lines written by JSON.stringify (keys in the columns' order,
 * no spaces; a line may leave metrics out): each value's text copied as is
 * (JSON and String() write a number alike), keys dropped. null if a line is
 * written otherwise.
 */
function csvFromLines(bytes: Buffer, ends: Int32Array, metrics: RunMetrics): Uint8Array<ArrayBuffer> | null {
  const names = ['step', 'time', ...metrics.series.keys()];
  const keys = names.map((name, i) => Buffer.from(`${i === 0 ? '{' : ','}${JSON.stringify(name)}:`));
  const head = Buffer.from(header(metrics));
  // A row is no longer than its line (keys go, \r\n replaces }\n) but for the commas of metrics the line left out.
  const out = new Uint8Array(head.length + bytes.length + ends.length * (names.length + 2));
  out.set(head);
  let at = head.length;
  // Byte loops, not Buffer.compare and copy: a native call per value cost more than the bytes it moved.
  for (let line = 0, start = 0; line < ends.length; start = ends[line++] + 1) {
    const end = ends[line];
    let p = start;
    for (let k = 0; k < keys.length; k++) {
      if (k > 0) out[at++] = COMMA;
      const key = keys[k];
      let matched = 0;
      if (p + key.length <= end) while (matched < key.length && bytes[p + matched] === key[matched]) matched++;
      if (matched < key.length) {
        if (k < 2) return null; // step and time lead every line
        continue; // not logged at this step: an empty cell
      }
      p += key.length;
      // The value's text up to , or }, copied as it is checked: digits, sign, point and exponent only (a JSON number as JSON.stringify writes it).
      const valueStart = p;
      for (let c = bytes[p]; p < end && c !== COMMA && c !== CLOSE; c = bytes[++p]) {
        if (!((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e || c === 0x65 || c === 0x2b)) break;
        out[at++] = c;
      }
      if (p < end && bytes[p] !== COMMA && bytes[p] !== CLOSE) {
        // not a number: null (a non-finite value, an empty cell) or a line written otherwise
        at -= p - valueStart;
        if (!isNullAt(bytes, valueStart, end)) return null;
        p = valueStart + 4;
        continue;
      }
      if (p === valueStart) return null;
    }
    if (p + 1 !== end || bytes[p] !== CLOSE) return null; // the line must end right after its last value
    out[at++] = 0x0d;
    out[at++] = 0x0a;
  }
  return out.subarray(0, at);
}

const COMMA = 0x2c;
const CLOSE = 0x7d; // }

/** `null` at `at`, followed by , or } before `end`. */
function isNullAt(bytes: Buffer, at: number, end: number): boolean {
  return at + 4 < end && bytes[at] === 0x6e && bytes[at + 1] === 0x75 && bytes[at + 2] === 0x6c && bytes[at + 3] === 0x6c && (bytes[at + 4] === COMMA || bytes[at + 4] === CLOSE);
}

/** The CSV from the columns, for lines written some other way. */
function csvFromColumns(metrics: RunMetrics): string {
  const columns = [...metrics.series.values()];
  const at = new Int32Array(columns.length); // each column's next unwritten value
  const chunks = [header(metrics)];
  let rows: string[] = [];
  for (let row = 0; row < metrics.steps.length; row++) {
    const step = metrics.steps[row];
    let line = `${step},${metrics.times[row]}`;
    for (let column = 0; column < columns.length; column++) {
      const { steps, values } = columns[column];
      const value = steps[at[column]] === step ? values[at[column]++] : NaN;
      line += Number.isNaN(value) ? ',' : `,${value}`;
    }
    rows.push(`${line}\r\n`);
    // Joined as we go: 20k rows held to the end (each a tree of small strings)
    // would outlive young-generation collections, which copy what survives.
    if (rows.length === 1000) {
      chunks.push(rows.join(''));
      rows = [];
    }
  }
  chunks.push(rows.join(''));
  return chunks.join('');
}
