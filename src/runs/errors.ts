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

/**
 * A run folder file that could not be written (disk full, over quota, an I/O
 * error): names the file. Training cannot go on in that folder, and most
 * likely not in its neighbours either.
 */
export class RunWriteError extends Error {
  constructor(
    readonly file: string,
    readonly code: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'RunWriteError';
  }
}

/** The words for the errors a full or failing disk gives; others keep Node's message. */
const WRITE_ERRORS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
};

/** Does `write` to `file`; a system error becomes a RunWriteError naming the file (Node's often names none). */
export function writing<T>(file: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof RunWriteError || typeof code !== 'string') throw error;
    throw new RunWriteError(file, code, WRITE_ERRORS[code] ?? (error as Error).message);
  }
}

/** The first issue of a zod error as a dotted field path and a message. */
export function firstIssue(error: z.ZodError): { field: string; message: string; path: PropertyKey[] } {
  const issue = error.issues[0];
  const path = issue?.path ?? [];
  const field = path.map(String).join('.') || '(root)';
  return { field, message: issue?.message ?? 'invalid', path };
}
