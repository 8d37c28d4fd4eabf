// Finding our directives in a report and replacing them with what they render.
import type { Parent, Root, RootContent } from 'mdast';
import type { LeafDirective, TextDirective } from 'mdast-util-directive';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { z } from 'zod';
import { loadSweeps } from '../runs';
import { quickBuild } from '../site/dirs';
import { findSweep, otherWayNote, sweepRunsListed } from '../site/sweep-runs';
import { DirectiveError, directiveError, keepDirectiveError } from './directive-error';

export interface DirectiveMatch<Node = LeafDirective> {
  node: Node;
  parent: Parent;
  index: number;
}

/** Every `::name{...}` leaf directive in the tree, in document order. */
export function findDirectives(tree: Root, name: string): DirectiveMatch[] {
  const matches: DirectiveMatch[] = [];
  visit(tree, 'leafDirective', (node, index, parent) => {
    if (node.name === name && parent && index !== undefined) matches.push({ node, parent, index });
  });
  return matches;
}

/** Every inline `:name{...}` text directive in the tree, in document order. */
export function findTextDirectives(tree: Root, name: string): DirectiveMatch<TextDirective>[] {
  const matches: DirectiveMatch<TextDirective>[] = [];
  visit(tree, 'textDirective', (node, index, parent) => {
    if (node.name === name && parent && index !== undefined) matches.push({ node, parent, index });
  });
  return matches;
}

/**
 * Replaces each match with the nodes `render` returns. Matches are handled
 * last to first, so the indices of those before stay valid. A DirectiveError
 * is kept for the end of the report (remarkDirectiveErrors) and its directive
 * renders as nothing.
 */
export async function replaceDirectives<Node>(
  file: VFile,
  matches: DirectiveMatch<Node>[],
  render: (match: DirectiveMatch<Node>) => Promise<RootContent[]> | RootContent[],
): Promise<void> {
  for (const match of [...matches].reverse()) {
    let nodes: RootContent[];
    try {
      nodes = await render(match);
    } catch (error) {
      if (!(error instanceof DirectiveError)) throw error;
      // On to the report's other directives, so that the build lists all their mistakes at once.
      keepDirectiveError(file, error);
      nodes = [];
    }
    match.parent.children.splice(match.index, 1, ...(nodes as Parent['children']));
  }
}

/**
 * Validates a directive's attributes (all strings in markdown) against a zod
 * object; an unknown, missing or bad attribute is an error at its line.
 */
export function parseAttributes<Shape extends z.ZodRawShape>(
  shape: Shape,
  node: LeafDirective | TextDirective,
  file: VFile,
): z.infer<z.ZodObject<Shape>> {
  const attributes = node.attributes ?? {};
  const repeated = attributeNames(node, file).find((name, index, names) => names.indexOf(name) !== index);
  if (repeated) throw directiveError(file, node, node.name, `attribute "${repeated}" is given twice`);
  const known = Object.keys(shape);
  for (const key of Object.keys(attributes)) {
    if (!known.includes(key)) {
      throw directiveError(file, node, node.name, `unknown attribute "${key}" (known: ${known.join(', ')})`);
    }
  }
  const result = z.object(shape).safeParse(attributes);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = String(issue.path[0]);
  const given = (attributes as Record<string, string | null | undefined>)[key];
  const problem =
    given === undefined ? `missing attribute "${key}"` : `attribute ${key}="${given ?? ''}": ${issue.message}`;
  throw directiveError(file, node, node.name, problem);
}

/**
 * The attribute names a directive's source gives, repeats included:
 * remark-directive keeps only the last of a name given twice, so a typo'd
 * copy would silently win. Read from the report's text at the node's
 * position, by micromark-extension-directive's grammar: `:name[label]{...}`
 * with `key`, `key=value`, `key="..."`, `key='...'`, `#id` and `.class`.
 */
function attributeNames(node: LeafDirective | TextDirective, file: VFile): string[] {
  const { start, end } = node.position ?? {};
  if (start?.offset === undefined || end?.offset === undefined) return [];
  const source = String(file.value).slice(start.offset, end.offset);
  const name = /^:+[^\s[{]*/.exec(source);
  if (!name) return []; // a position not into this text: nothing to read
  let at = name[0].length;
  if (source[at] === '[') {
    for (let depth = 0; at < source.length; at++) {
      if (source[at] === '\\') at++;
      else if (source[at] === '[') depth++;
      else if (source[at] === ']' && --depth === 0) break;
    }
    at++;
  }
  if (source[at] !== '{') return [];
  const token = /\s+|[#.][^\s#.{}"'<=>`]+|([A-Za-z_:][\w.:-]*)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<=>`{}]+))?/y;
  const names: string[] = [];
  for (token.lastIndex = at + 1; token.lastIndex < source.length && source[token.lastIndex] !== '}'; ) {
    const match = token.exec(source);
    if (!match) break; // not the grammar we read: leave it to remark-directive
    if (match[1]) names.push(match[1]);
  }
  return names;
}

/** `seed=N`: a whole number as written, so `seed=""`, `"0x0"` or `"1e-400"` is not quietly seed 0. */
export const seedAttribute = z
  .string()
  .regex(/^-?\d+$/, 'expected a whole number, e.g. seed=0')
  .transform(Number);

/** `metrics="a,b"`: names of `what` (an "empty <what> <unit>" is refused), each once. */
export function listAttribute(what: string, unit = 'name') {
  return z
    .string()
    .min(1)
    .transform((text, context) => {
      const names = text.split(',').map((name) => name.trim());
      const repeated = names.find((name, index) => names.indexOf(name) !== index);
      if (names.includes('')) context.addIssue({ code: 'custom', message: `an empty ${what} ${unit}` });
      else if (repeated) context.addIssue({ code: 'custom', message: `${what} "${repeated}" is listed twice` });
      return names;
    });
}

/** `sweeps="a,b"`: sweep ids, each once (a sweep listed twice would draw its runs twice). */
export const sweepListAttribute = listAttribute('sweep', 'id');

/** Where our directives read sweeps and runs, and the site's base path for links. */
export interface DirectiveOptions {
  runsDir: string;
  sweepsDir: string;
  /** The site's base path, ending in "/". */
  base?: string;
}

/**
 * The sweep a directive names, with the runs drawn for it in sweep order
 * (src/runs' rule), the values nothing is drawn for, and how many of its runs
 * are only listed on its sweep page; an unknown sweep is an error.
 */
export function sweepOf(options: DirectiveOptions, id: string, node: LeafDirective | TextDirective, file: VFile) {
  const sweeps = loadSweeps(options.sweepsDir);
  const sweep = findSweep(sweeps, id);
  if (!sweep) {
    const known = sweeps.map((s) => s.id).join(', ') || `none in ${options.sweepsDir}`;
    throw directiveError(file, node, node.name, `unknown sweep "${id}" (known: ${known})`);
  }
  const { drawn, notDrawn, otherConfig, missing } = sweepRunsListed(sweep, options.runsDir);
  noteSweepUsed(file, id, node.position?.start.line ?? 0);
  const otherWay = otherConfig.filter((run) => run.quickMode !== undefined).length;
  return { sweep, runs: drawn, missing, listedOnly: { count: notDrawn.length + otherConfig.length, otherWay } };
}

/** How many of a sweep's runs are listed on its sweep page but not drawn, and how many of those were trained the other way (--quick, or not). */
export interface ListedOnly {
  count: number;
  otherWay: number;
}

/** Where a report keeps which sweeps it draws from: its remark frontmatter, which Astro stores with the rendering. */
export const SWEEPS_USED = 'sweepbookSweeps';

/** Sweep id to the first line of the report that draws from it. */
export type SweepsUsed = Record<string, number>;

/**
 * Notes that the report draws from this sweep, so the report can link its
 * sweep pages and each sweep page the reports that use it.
 */
function noteSweepUsed(file: VFile, id: string, line: number): void {
  const astro = (file.data.astro ??= {}) as { frontmatter?: Record<string, unknown> };
  const frontmatter = (astro.frontmatter ??= {});
  const used = (frontmatter[SWEEPS_USED] ??= {}) as SweepsUsed;
  used[id] = Math.min(used[id] ?? line, line);
}

/** The sweeps a report's remark frontmatter says it draws from, in the order the report first uses them. */
export function sweepsUsed(frontmatter: Record<string, unknown> | undefined): string[] {
  const used = (frontmatter?.[SWEEPS_USED] ?? {}) as SweepsUsed;
  return Object.keys(used).sort((a, b) => used[a] - used[b] || a.localeCompare(b));
}

/**
 * Says in the page that a sweep has no runs to draw yet, instead of failing a
 * report written before training; `listedOnly` runs (unfinished, or of
 * another config) are on the sweep page.
 */
export function noRunsYet(sweepId: string, listed: ListedOnly | ListedOnly[]): RootContent {
  const { count, otherWay } = [listed].flat().reduce((sum, l) => ({ count: sum.count + l.count, otherWay: sum.otherWay + l.otherWay }));
  // A demo trained with --quick and built without SWEEPBOOK_QUICK=1 (or the other way round) lands here: name the command that draws it.
  const text =
    count === 0
      ? `No runs of sweep "${sweepId}" yet.`
      : otherWay === count
        ? `No runs of sweep "${sweepId}" drawn: ${otherWayNote(otherWay, quickBuild())}.`
        : `No completed or running runs of sweep "${sweepId}" as its sweep file is now; its sweep page lists its other runs.`;
  return { type: 'paragraph', children: [{ type: 'emphasis', children: [{ type: 'text', value: text }] }] };
}

/** Says in the page that the sweep's runs have not logged any metric yet (e.g. they are pretraining). */
export function noMetricsYet(sweepId: string): RootContent {
  return { type: 'paragraph', children: [{ type: 'emphasis', children: [{ type: 'text', value: `No metrics logged yet by the runs of sweep "${sweepId}".` }] }] };
}
