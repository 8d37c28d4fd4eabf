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
