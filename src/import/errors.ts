/**
 * An event file that cannot be read: names the file and the byte offset, as
 * `<file>: byte 1234: data CRC mismatch (record 17)`, so that a user can find
 * the spot with a hex dump (event files have no lines).
 */
export class EventFileError extends Error {
  constructor(
    readonly file: string,
    readonly byte: number,
    readonly detail: string,
  ) {
    super(`${file}: byte ${byte}: ${detail}`);
    this.name = 'EventFileError';
    // As for the run folder errors (src/runs/errors.ts): the message says all a user needs.
    this.stack = '';
  }
}

/**
 * A trainer_state.json that cannot be read: names the file, and the line and
 * column (`<file>:12:5: not JSON: expected ',' or '}', found "x"`) or the field
 * (`<file>: log_history.3: not an object`), so that a user can go to the spot.
 */
export class StateFileError extends Error {
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly at?: { line: number; column: number },
    readonly field?: string,
  ) {
    super(`${file}${at ? `:${at.line}:${at.column}` : ''}: ${field ? `${field}: ` : ''}${detail}`);
    this.name = 'StateFileError';
    // As for EventFileError: the message says all a user needs.
    this.stack = '';
  }
}

/**
 * A CSV file of an import (or the hparams.yaml beside one) that cannot be read:
 * names the file, line and column, as `runs.csv:17: column "val_loss": ...`, so
 * that a user can go to the cell in an editor.
 */
export class CsvFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly column: string | undefined,
    readonly detail: string,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${column === undefined ? '' : `column "${column}": `}${detail}`);
    this.name = 'CsvFileError';
    // As for the run folder errors (src/runs/errors.ts): the message says all a user needs.
    this.stack = '';
  }
}
