// A command sweep's `command:`: split into arguments as a shell would (so
// `python train.py --lr {lr}` reads as written) but never run by one, and
// filled in argument by argument, so that a value with a space, a quote or a
// `;` stays inside its one argument and cannot start another command.

/** A problem with a command line; `CommandLineError.message` says what and where. */
export class CommandLineError extends Error {}

/** Characters a shell would act on outside quotes; without a shell they would silently become arguments. */
const SHELL_SYNTAX = new Set(['|', '&', ';', '<', '>', '(', ')', '$', '`']);
const PLACEHOLDER = /\{\{|\}\}|\{([A-Za-z_][\w.-]*)\}|[{}]/g;

/**
 * The arguments of a command, placeholders still in braces. A list is taken
 * as it is; a line is split at unquoted whitespace, with '...' taken
 * literally, "..." literally but for \", \\ and \$, and \ escaping the next
 * character elsewhere.
 */
export function commandArguments(command: string | string[]): string[] {
  const args = typeof command === 'string' ? splitCommandLine(command) : command;
  if (args.length === 0 || args[0] === '') throw new CommandLineError('the command is empty: give the program to run first');
  for (const arg of args) placeholdersOf(arg);
  return args;
}

function splitCommandLine(line: string): string[] {
  const args: string[] = [];
  let arg: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (/\s/.test(c)) {
      if (arg !== null) args.push(arg);
      arg = null;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new CommandLineError(`the ' at character ${i + 1} is not closed`);
      arg = (arg ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let text = '';
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && '"\\$`'.includes(line[j + 1] ?? '')) j++;
        text += line[j];
      }
      if (j >= line.length) throw new CommandLineError(`the " at character ${i + 1} is not closed`);
      arg = (arg ?? '') + text;
      i = j;
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new CommandLineError('the command ends in a \\ that escapes nothing');
      arg = (arg ?? '') + line[++i];
    } else if (SHELL_SYNTAX.has(c)) {
      throw new CommandLineError(
        `"${c}" at character ${i + 1} is shell syntax, but the command runs without a shell (so a value cannot inject a command): ` +
          `quote it to pass it as text, or run a script (e.g. sh -c '...' sh {value}, the value as "$1")`,
      );
    } else {
      arg = (arg ?? '') + c;
    }
  }
  if (arg !== null) args.push(arg);
  return args;
}

/** The placeholders an argument names, in order; {{ and }} are literal braces. */
export function placeholdersOf(arg: string): string[] {
  const names: string[] = [];
  for (const match of arg.matchAll(PLACEHOLDER)) {
    if (match[1] !== undefined) names.push(match[1]);
    else if (match[0].length === 1) {
      throw new CommandLineError(`"${arg}": a ${match[0]} that is not part of a placeholder such as {seed}; write ${match[0]}${match[0]} for the character itself`);
    }
  }
  return names;
}

/** The arguments with every placeholder replaced by its value's text (each must have one). */
export function fillIn(args: string[], values: Record<string, string>): string[] {
  return args.map((arg) =>
    arg.replace(PLACEHOLDER, (all, name: string | undefined) => {
      if (name === undefined) return all[0];
      const value = values[name];
      if (value === undefined) throw new CommandLineError(`{${name}} has no value`);
      return value;
    }),
  );
}

/** Arguments as one line a shell would split back into them: for logs and pages. */
export function commandLine(args: string[]): string {
  return args.map((arg) => (/^[\w@%+=:,./{}-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}
