import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Document, isMap, isNode, isSeq, LineCounter, parseDocument } from 'yaml';
import { firstIssue, SweepFileError } from './errors';
import { SweepFile, type ParamValue, type Sweep } from './schema';

/** Colors for values that name none: the seed's rainbow order, then more. */
const DEFAULT_COLORS = ['red', 'orange', 'gold', 'green', 'blue', 'violet', 'brown', 'teal', 'magenta', 'gray'];

const SWEEP_ID = /^[a-z0-9][a-z0-9-]*$/;

/** Loads and validates content/sweeps/<id>.yaml; errors name the file, line and field. */
export function loadSweep(file: string): Sweep {
  const id = basename(file).replace(/\.ya?ml$/, '');
  if (!SWEEP_ID.test(id)) {
    throw new SweepFileError(file, `the file name must be a sweep id (lowercase letters, digits, dashes), got "${id}"`);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    throw new SweepFileError(file, `not valid YAML: ${error.message.split('\n')[0]}`, lineCounter.linePos(error.pos[0]).line);
  }
  const result = SweepFile.safeParse(doc.toJS());
  if (!result.success) {
    const { field, message, path } = firstIssue(result.error);
    throw new SweepFileError(file, message, lineInDocument(doc, lineCounter, path), field);
  }
  const sweep = result.data;

  const seen = new Set<string>();
  sweep.values.forEach((entry, index) => {
    const key = JSON.stringify(entry.value);
    if (seen.has(key)) {
      const line = lineInDocument(doc, lineCounter, ['values', index, 'value']);
      throw new SweepFileError(file, `value ${key} appears twice`, line, `values.${index}.value`);
    }
    seen.add(key);
  });

  return {
    id,
    file,
    title: sweep.title,
    description: sweep.description,
    vary: sweep.vary,
    seed: sweep.seed,
    config: sweep.config,
    values: sweep.values.map((entry, index) => ({
      value: entry.value,
      label: entry.label ?? `${sweep.vary}=${entry.value}`,
      color: entry.color ?? defaultColor(index),
    })),
  };
}

/**
 * The line of a field in a sweep file, e.g. ["values", 2, "value"], for errors
 * found after loading (a config value the trainer rejects). A missing field
 * points at its parent.
 */
export function sweepFieldLine(file: string, path: PropertyKey[]): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined; // the error still names the file and field
  }
  const lineCounter = new LineCounter();
  return lineInDocument(parseDocument(text, { lineCounter }), lineCounter, path);
}

function lineInDocument(doc: Document, lineCounter: LineCounter, path: PropertyKey[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as (string | number)[], true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}

/** Every sweep file in a folder, sorted by id. */
export function loadSweeps(dir: string): Sweep[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => loadSweep(join(dir, name)));
}

/** The YAML of a new sweep file, as `npm run new-sweep` writes it. */
export function formatSweepFile(sweep: {
  title: string;
  description?: string;
  vary: string;
  seed: number;
  values: { value: ParamValue; label: string; color: string }[];
  config: Record<string, unknown>;
}): string {
  const doc = new Document({
    title: sweep.title,
    ...(sweep.description ? { description: sweep.description } : {}),
    vary: sweep.vary,
    seed: sweep.seed,
    values: sweep.values,
    config: sweep.config,
  });
  // one value per line reads like a legend: { value: 10, label: beta=10, color: blue }
  const values = doc.get('values', true);
  if (isSeq(values)) for (const item of values.items) if (isMap(item)) item.flow = true;
  return doc.toString({ lineWidth: 0 });
}

/** The color of the i-th value when a sweep file names none. */
export function defaultColor(index: number): string {
  return DEFAULT_COLORS[index % DEFAULT_COLORS.length];
}
