import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join, posix } from 'node:path';
import { type CST, Document, isMap, isNode, isSeq, LineCounter, parseDocument, Parser } from 'yaml';
import { firstIssue, SweepFileError } from './errors';
import { OutputFormat, RUN_FOLDER_FILES, SweepFile, type ParamValue, type Sweep, type SweepCommand } from './schema';
import { sweepPoints } from './sweep-points';

const SWEEP_ID = /^[a-z0-9][a-z0-9-]*$/;
/** Far below a file name's 255 bytes, so `<id>.yaml` and every page and download named after a sweep fit. */
const MAX_SWEEP_ID = 64;

/** What is wrong with a sweep id, or undefined: the sweep file's name and `npm run new-sweep` share the rule. */
export function sweepIdProblem(id: string): string | undefined {
  if (!SWEEP_ID.test(id)) return 'use lowercase letters, digits and dashes';
  if (id.length > MAX_SWEEP_ID) return `at most ${MAX_SWEEP_ID} characters`;
  return undefined;
}
/** yaml's own default, stated: alias expansions allowed in one sweep file. */
const MAX_ALIAS_COUNT = 100;

/** Loads and validates content/sweeps/<id>.yaml; errors name the file, line and field. */
export function loadSweep(file: string): Sweep {
  const id = sweepId(file);
  const problem = sweepIdProblem(id);
  if (problem) throw new SweepFileError(file, `the file name must be a sweep id (${problem}), got "${id}"`);
  const text = readSweepText(file);
  // Parsed again only when its text changed: every page of a build loads the sweeps (the layout, a
  // run's sweep), and parsing a 1,000-value file for each of 1,000 run pages was half their time (issue 28).
  const kept = parsed.get(file);
  if (kept?.text === text) return kept.sweep;
  const sweep = parseSweep(file, text);
  parsed.set(file, { text, sweep });
  return sweep;
}
const parsed = new Map<string, { text: string; sweep: Sweep }>();

/** A sweep file's text as loadSweep would load it from `file`: so a new one is checked before it is written. */
export function parseSweep(file: string, text: string): Sweep {
  const id = sweepId(file);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    const unclosed = unclosedBefore(text, error.pos[0]);
    const { line, col } = lineCounter.linePos(unclosed?.offset ?? error.pos[0]);
    const detail = unclosed ? `the ${unclosed.opener} opened here is not closed${unclosed.closer ? ` with ${unclosed.closer}` : ''}` : error.message.split('\n')[0];
    throw new SweepFileError(file, `not valid YAML at column ${col}: ${detail}`, line);
  }
  let json: unknown;
  try {
    // yaml refuses more than maxAliasCount alias expansions (an "alias bomb" would take all memory)
    json = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    throw new SweepFileError(file, `too many YAML aliases (more than ${MAX_ALIAS_COUNT} expansions, an alias bomb?)`);
  }
  const result = SweepFile.safeParse(json);
  if (!result.success) {
    const { field, message, path } = firstIssue(result.error);
    throw new SweepFileError(file, message, lineInDocument(doc, lineCounter, path), field);
  }
  const sweep = result.data;
  const at = (...path: (string | number)[]) => lineInDocument(doc, lineCounter, path);
  const points = sweepPoints(file, sweep, at);
  // A seed in config: would give every seed of seeds: the same config, so the same run.
  if ('seed' in sweep.config) throw new SweepFileError(file, 'set the seed with seeds: [...] (or seed:), not in config:', at('config', 'seed'), 'config.seed');
  // config: is what every point shares: a varied param there would be overridden by each point's value.
  const varied = points.varied.find((name) => name in sweep.config);
  if (varied) throw new SweepFileError(file, `${varied} is varied by ${points.search}:, so it cannot also be set in config:`, at('config', varied), `config.${varied}`);
  if (sweep.runs === 'imported' && Object.keys(sweep.config).length > 0) {
    throw new SweepFileError(file, "a sweep of imported runs trains nothing, so it takes no config: (its runs' params come from the import)", at('config'), 'config');
  }
  const command = sweepCommand(file, sweep, at);
  if (sweep.seed !== undefined && sweep.seeds !== undefined) throw new SweepFileError(file, 'give seeds: [...] or seed:, not both', at('seed'), 'seed');
  const seeds = sweep.seeds ?? [sweep.seed ?? 0];
  seeds.forEach((seed, index) => {
    if (seeds.indexOf(seed) !== index) throw new SweepFileError(file, `seed ${seed} appears twice`, at('seeds', index), `seeds.${index}`);
  });
  return {
    id,
    file,
    title: sweep.title,
    description: sweep.description,
    ...points,
    seeds,
    config: sweep.config,
    runs: sweep.runs,
    ...(command ? { command } : {}),
  };
}

/**
 * A command sweep's `command:`, `output:` and `steps:`, which go together; the
 * placeholders are checked where the command is filled in (src/runner/command-line.ts).
 */
function sweepCommand(file: string, sweep: SweepFile, at: (...path: (string | number)[]) => number | undefined): SweepCommand | undefined {
  if (sweep.command === undefined) {
    for (const field of ['output', 'steps'] as const) {
      if (sweep[field] !== undefined) throw new SweepFileError(file, `${field}: goes with command: (a sweep of your own program); the built-in trainer's steps are config: { rl_steps: ... }`, at(field), field);
    }
    return undefined;
  }
  if (sweep.runs === 'imported') throw new SweepFileError(file, 'a sweep of imported runs runs no command: drop runs: imported to have sweepbook run it, or command: to import', at('command'), 'command');
  if (sweep.output === undefined) throw new SweepFileError(file, `command: needs output: the format the program writes into {out} (${OutputFormat.options.join(', ')})`, at('command'), 'output');
  const output = typeof sweep.output === 'string' ? { format: sweep.output, path: 'out' } : sweep.output;
  const problem = outputPathProblem(output.path);
  if (problem) throw new SweepFileError(file, `output path "${output.path}": ${problem}`, at('output', 'path'), 'output.path');
  return { command: sweep.command, output, ...(sweep.steps === undefined ? {} : { steps: sweep.steps }) };
}

/** Where a program's output may go: a folder of its own inside the run folder. */
function outputPathProblem(path: string): string | undefined {
  if (isAbsolute(path) || path.includes('\\')) return 'give a folder inside the run folder, relative to it, with / between names';
  const normal = posix.normalize(path).replace(/\/$/, '');
  if (normal === '.' || normal.startsWith('..')) return 'give a folder inside the run folder, not the run folder itself or outside it';
  if ((RUN_FOLDER_FILES as string[]).includes(normal.split('/')[0]) || normal.startsWith('.')) return `the run folder's own files (${RUN_FOLDER_FILES.join(', ')}) and hidden names are sweepbook's`;
  return undefined;
}

/**
 * The {, [ or quote left open that a YAML error at `offset` comes from: yaml
 * notices one only where the next thing starts, often the next line
 * ("Flow map in block collection must be sufficiently indented and end with a }"
 * at line 7 for a } missing at the end of line 6). The latest one opened
 * before the error is it.
 */
function unclosedBefore(text: string, offset: number): { offset: number; opener: string; closer?: string } | undefined {
  let found: { offset: number; opener: string; closer?: string } | undefined;
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const token = node as CST.Token;
    let open: { opener: string; closer?: string } | undefined;
    if (token.type === 'flow-collection') {
      const closer = token.start.source === '{' ? '}' : ']';
      if (!token.end.some((end) => end.source === closer)) open = { opener: token.start.source, closer };
    } else if (token.type === 'double-quoted-scalar' || token.type === 'single-quoted-scalar') {
      const quote = token.source[0];
      // An escaped \" (in double quotes) does not close; '' inside single quotes is an escaped quote, and the pair ends anyway.
      const closed = token.source.length > 1 && token.source.endsWith(quote) && !(quote === '"' && /(^|[^\\])(\\\\)*\\"$/.test(token.source));
      if (!closed) open = { opener: quote };
    }
    if (open && token.offset < offset && (!found || token.offset > found.offset)) found = { offset: token.offset, ...open };
    for (const value of Object.values(token)) visit(value);
  };
  new Parser().parse(text).forEach(visit);
  return found;
}

/** A sweep file's text; one that cannot be read (a folder, a dangling symlink) is a SweepFileError. */
function readSweepText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw new SweepFileError(file, 'is a folder, not a sweep file');
    if (code === 'ENOENT') throw new SweepFileError(file, 'does not exist (a dangling symlink?)');
    throw new SweepFileError(file, `cannot be read: ${(error as Error).message}`);
  }
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
  return sweepFiles(dir).map(loadSweep);
}

/** The sweep files in a folder (none if it is missing), sorted by id; two files of one sweep are a SweepFileError. */
export function sweepFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const files = names.filter((name) => /\.ya?ml$/.test(name)).sort();
  // s.yaml and s.yml would both be sweep "s": refuse rather than pick one.
  for (const [i, name] of files.entries()) {
    const twin = files.slice(0, i).find((other) => sweepId(other) === sweepId(name));
    if (twin) throw new SweepFileError(join(dir, name), `sweep "${sweepId(name)}" is also defined by ${join(dir, twin)}: keep one of the two files`);
  }
  return files.map((name) => join(dir, name));
}

/**
 * The file of sweep `id` in a folder, or null; s.yaml beside s.yml is a
 * SweepFileError, as in loadSweeps.
 */
export function findSweepFile(dir: string, id: string): string | null {
  const [yaml, yml] = ['.yaml', '.yml'].map((ext) => join(dir, id + ext));
  const found = [yaml, yml].filter(lstatExists);
  if (found.length === 2) throw new SweepFileError(yml, `sweep "${id}" is also defined by ${yaml}: keep one of the two files`);
  return found[0] ?? null;
}

/** Exists, or is a symlink (a dangling one is then reported by loadSweep, by name). */
function lstatExists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

function sweepId(fileName: string): string {
  return basename(fileName).replace(/\.ya?ml$/, '');
}

/** The YAML of a new sweep file, as `npm run new-sweep` and `npm run import` write it: of values of one param, or a grid or points colored by their first. */
export function formatSweepFile(
  sweep: {
    title: string;
    description?: string;
    seeds: number[];
    config?: Record<string, unknown>;
    runs?: 'imported';
  } & (
    | { vary: string; values: { value: ParamValue; label: string; color: string }[] }
    | { grid: Record<string, ParamValue[]> }
    | { points: Record<string, ParamValue>[] }
  ),
): string {
  const doc = new Document({
    title: sweep.title,
    ...(sweep.description ? { description: sweep.description } : {}),
    ...(sweep.runs ? { runs: sweep.runs } : {}),
    ...('vary' in sweep ? { vary: sweep.vary } : 'grid' in sweep ? { grid: sweep.grid, color_by: Object.keys(sweep.grid)[0] } : { color_by: Object.keys(sweep.points[0])[0] }),
    seeds: sweep.seeds,
    ...('values' in sweep ? { values: sweep.values } : 'points' in sweep ? { points: sweep.points } : {}),
    ...(sweep.config ? { config: sweep.config } : {}),
  });
  // one value per line reads like a legend: { value: 10, label: beta=10, color: blue }
  for (const list of ['values', 'points']) {
    const items = doc.get(list, true);
    if (isSeq(items)) for (const item of items.items) if (isMap(item)) item.flow = true;
  }
  // a grid's param per line: lr: [0.001, 0.002]
  const grid = doc.get('grid', true);
  if (isMap(grid)) for (const item of grid.items) if (isSeq(item.value)) item.value.flow = true;
  const seeds = doc.get('seeds', true);
  if (isSeq(seeds)) seeds.flow = true; // seeds: [0, 1, 2]
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
