// Errors in a report's directives fail the build and point at the line to fix.
import { readFileSync } from 'node:fs';
import type { Node } from 'unist';
import type { VFile } from 'vfile';
import { shortPath } from '../site/short-path';

export class DirectiveError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    message: string,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${message}`);
    this.name = 'DirectiveError';
  }
}

/** An error at `node` of the report being rendered: `content/reports/x.md:12: ::figure: ...` (`:value` for an inline one). */
export function directiveError(file: VFile, node: Node, directive: string, message: string): DirectiveError {
  const path = file.path ? shortPath(file.path) : '<report>';
  const line = node.position ? node.position.start.line + bodyLineOffset(file) : undefined;
  const colons = node.type === 'textDirective' ? ':' : '::';
  return new DirectiveError(path, line, `${colons}${directive}: ${message}`);
}

/**
 * Astro renders a report's body without its frontmatter, so positions count
 * from the body's first line; this is how many lines come before it in the file.
 */
function bodyLineOffset(file: VFile): number {
  if (!file.path) return 0;
  let source: string;
  try {
    source = readFileSync(file.path, 'utf8');
  } catch {
    return 0;
  }
  const start = source.indexOf(String(file.value));
  return start > 0 ? source.slice(0, start).split('\n').length - 1 : 0;
}

/** Where a report's directive errors wait (in its vfile's data) until all its directives are rendered. */
const KEPT = 'sweepbookDirectiveErrors';

/**
 * Keeps a directive's error and lets the report's other directives render:
 * a build then lists every mistake of a report at once (see remarkDirectiveErrors).
 */
export function keepDirectiveError(file: VFile, error: DirectiveError): void {
  ((file.data[KEPT] ??= []) as DirectiveError[]).push(error);
}

/**
 * The last plugin: fails the report with every directive error kept, in line
 * order, one per line (one alone is thrown as it is).
 */
export function remarkDirectiveErrors() {
  return (_tree: unknown, file: VFile) => {
    const errors = ((file.data[KEPT] ?? []) as DirectiveError[]).sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new DirectiveErrors(errors);
  };
}

/** Several directive errors of one report, a line each. */
export class DirectiveErrors extends Error {
  readonly file: string;
  constructor(errors: DirectiveError[]) {
    super(errors.map((error) => error.message).join('\n'));
    this.name = 'DirectiveErrors';
    this.file = errors[0].file;
    // The lines are all a user needs; a stack would point into the last plugin.
    this.stack = '';
  }
}
