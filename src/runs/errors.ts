import type { z } from 'zod';

/** A run folder file that cannot be read: names the file, and the line and field when known. */
export class RunFormatError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly line?: number,
    readonly field?: string,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${field ? `${field}: ` : ''}${detail}`);
    this.name = 'RunFormatError';
  }
}

/** A sweep file that cannot be used: names the file, and the line and field when known. */
export class SweepFileError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly line?: number,
    readonly field?: string,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${field ? `${field}: ` : ''}${detail}`);
    this.name = 'SweepFileError';
  }
}

/** The first issue of a zod error as a dotted field path and a message. */
export function firstIssue(error: z.ZodError): { field: string; message: string; path: PropertyKey[] } {
  const issue = error.issues[0];
  const path = issue?.path ?? [];
  const field = path.map(String).join('.') || '(root)';
  return { field, message: issue?.message ?? 'invalid', path };
}
