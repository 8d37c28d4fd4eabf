import type { z } from 'zod';

/** An input file that cannot be used: names the file, and the line and field when known. */
abstract class InputFileError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly line?: number,
    readonly field?: string,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${field ? `${field}: ` : ''}${detail}`);
    this.name = new.target.name;
    // The message is all a user needs (it names the file, line and field): without a
    // stack, tools that print one with every error (Astro's build) print just the line.
    this.stack = '';
  }
}

/** A run folder file that cannot be read. */
export class RunFormatError extends InputFileError {}

/** A sweep file that cannot be used. */
export class SweepFileError extends InputFileError {}

/** The first issue of a zod error as a dotted field path and a message. */
export function firstIssue(error: z.ZodError): { field: string; message: string; path: PropertyKey[] } {
  const issue = error.issues[0];
  const path = issue?.path ?? [];
  const field = path.map(String).join('.') || '(root)';
  return { field, message: issue?.message ?? 'invalid', path };
}
