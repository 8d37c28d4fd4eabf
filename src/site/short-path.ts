import { isAbsolute, relative } from 'node:path';

/** A path as messages show it: relative to the working directory when inside it, else as given. */
export function shortPath(path: string): string {
  const fromCwd = relative(process.cwd(), path);
  return fromCwd.startsWith('..') || isAbsolute(fromCwd) ? path : fromCwd;
}
