// `npm run import -- <format> <path> --sweep <id>`: see USAGE. Exit codes: 0 done
// (or --watch stopped with Ctrl-C), 1 an unexpected error, 2 bad arguments or input
// (one message naming the file, and the byte, line or field).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { RunFormatError, RunWriteError, SweepFileError } from '../runs';
import { readCsvRuns } from './csv';
import { CsvFileError, EventFileError, StateFileError } from './errors';
import { readHfRuns } from './hf';
import { importRuns, ImportError, type ImportFormat, type ImportOptions, type ImportResult, type PathParam } from './import';
import type { ImportedRun } from './imported-run';
import { tensorboardRuns, type TensorboardRun } from './tensorboard';

export const USAGE = `Usage: npm run import -- <format> <path> --sweep <id> [options]

Turns runs another program trained into run folders of a sweep, so that its
sweep page, figures and reports show them like trained ones. Importing again
is safe: the same files give the same run folders, and new records are added.

Formats:
  tensorboard <logdir>    event files (events.out.tfevents.*): every folder
                          holding some is a run, as TensorBoard counts them
  csv <file-or-folder>    CSV files of logged metrics (Lightning's CSVLogger,
                          Stable-Baselines3's progress.csv, W&B exports)
  hf <folder>             Hugging Face trainer_state.json (every transformers
                          and TRL trainer writes one in each checkpoint)

Options:
  --sweep <id>            the sweep the runs make up; content/sweeps/<id>.yaml
                          is written if missing (edit it as you like)
  --param <name>=<regex>  a param read off each run's path by the regex's
                          named group, e.g. --param 'lr=lr_(?<lr>[0-9.e-]+)'
                          (repeat for several)
  --seed-from <param>     the param holding each run's seed, making runs of one
                          value its seeds (default: seed, if runs have one)
  --vary <param>          the param a new sweep file varies (default: the one
                          whose values differ between runs, else run: the
                          run's path); --vary lr,beta several: the file then
                          lists the points the runs have, colored by lr
  --step <column>         csv: the column of steps (default: step, Step,
                          _step, global_step or time/total_timesteps)
  --watch                 keep importing as the files grow, for npm run dev
                          to show a training another program runs (Ctrl-C stops)
  --runs <dir>            where run folders go (default: $RUNS_DIR or runs)
  --sweeps <dir>          where sweep files are (default: $CONTENT_DIR/sweeps
                          or content/sweeps)
  -h, --help              show this help`;

const FORMATS: readonly ImportFormat[] = ['tensorboard', 'csv', 'hf'];
const WATCH_INTERVAL_MS = 2000;

interface CliOptions extends ImportOptions {
  watch: boolean;
  step?: string;
}

/** The options, or a usage message (an ImportError) saying what is wrong. */
export function parseImportOptions(argv: string[], env: NodeJS.ProcessEnv): CliOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        sweep: { type: 'string' },
        param: { type: 'string', multiple: true, default: [] },
        'seed-from': { type: 'string' },
        vary: { type: 'string' },
        step: { type: 'string' },
        watch: { type: 'boolean', default: false },
        runs: { type: 'string' },
        sweeps: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new ImportError(String((error as Error).message).split('. ')[0]);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const [format, root, ...rest] = positionals;
  if (!format || !(FORMATS as readonly string[]).includes(format)) throw new ImportError(`the first argument is the format: ${FORMATS.join(', ')}${format ? `, not "${format}"` : ''}`);
  if (!root) throw new ImportError(`give the ${format === 'tensorboard' ? 'logdir' : 'file or folder'} to import after "${format}"`);
  if (rest.length > 0) throw new ImportError(`one path to import, got also ${rest.join(' ')}`);
  if (!existsSync(root)) throw new ImportError(`${root}: no such file or folder`);
  if (!values.sweep) throw new ImportError('--sweep <id> is needed: the sweep the runs make up (content/sweeps/<id>.yaml)');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(values.sweep)) throw new ImportError(`--sweep must be a sweep id (lowercase letters, digits, dashes), got "${values.sweep}"`);
  if (values.step && format !== 'csv') throw new ImportError('--step is for csv imports');
  return {
    format: format as ImportFormat,
    root,
    sweep: values.sweep,
    runsDir: values.runs ?? env.RUNS_DIR ?? 'runs',
    sweepsDir: values.sweeps ?? join(env.CONTENT_DIR ?? 'content', 'sweeps'),
    pathParams: values.param.map(pathParam),
    seedFrom: values['seed-from'],
    vary: values.vary === undefined ? undefined : varyList(values.vary),
    step: values.step,
    watch: values.watch,
  };
}

/** "lr,beta": the params, each once. */
function varyList(option: string): string[] {
  const names = option.split(',').map((name) => name.trim());
  if (names.some((name) => name === '')) throw new ImportError(`--vary takes <param> or <param>,<param>,..., got "${option}"`);
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice) throw new ImportError(`--vary ${option}: ${twice} is named twice`);
  return names;
}

function pathParam(option: string): PathParam {
  const at = option.indexOf('=');
  if (at <= 0) throw new ImportError(`--param takes <name>=<regex>, e.g. 'lr=lr_(?<lr>[0-9.e-]+)', got "${option}"`);
  const name = option.slice(0, at);
  let pattern: RegExp;
  try {
    pattern = new RegExp(option.slice(at + 1));
  } catch (error) {
    throw new ImportError(`--param ${name}: ${(error as Error).message}`);
  }
  const groups = [...pattern.source.matchAll(/\(\?<([A-Za-z_$][\w$]*)>/g)].map((m) => m[1]);
  if (!groups.includes(name) && groups.length !== 1) {
    throw new ImportError(`--param ${name}: the regex needs a named group (?<${name}>...) for the value${groups.length > 1 ? `; it has ${groups.join(', ')}` : ''}`);
  }
  return { name, pattern };
}

/** Reads a source's runs whole; TensorBoard runs read on from `known` as files grow. */
function readRuns(options: CliOptions, known: Map<string, TensorboardRun>): ImportedRun[] {
  switch (options.format) {
    case 'tensorboard':
      return tensorboardRuns(options.root, known).map((run) => run.imported(options.watch));
    case 'hf':
      return readHfRuns(options.root);
    case 'csv':
      return readCsvRuns(options.root, { step: options.step });
  }
}

const INPUT_ERRORS = [ImportError, EventFileError, StateFileError, CsvFileError, SweepFileError, RunFormatError, RunWriteError];
const isInputError = (error: unknown) => INPUT_ERRORS.some((kind) => error instanceof kind);

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let options;
  try {
    options = parseImportOptions(argv, env);
  } catch (error) {
    if (!(error instanceof ImportError)) throw error;
    console.error(`import: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  const known = new Map<string, TensorboardRun>();
  try {
    report(importOnce(options, known), options);
  } catch (error) {
    if (!isInputError(error)) throw error;
    console.error(`import: ${(error as Error).message}`);
    if (!options.watch) return 2;
  }
  if (options.watch) await watch(options, known);
  return 0;
}

function importOnce(options: CliOptions, known: Map<string, TensorboardRun>): ImportResult {
  return importRuns(options, readRuns(options, known));
}

/** Imports again every WATCH_INTERVAL_MS until Ctrl-C; says only what changed, and each warning once. */
async function watch(options: CliOptions, known: Map<string, TensorboardRun>): Promise<void> {
  console.log(`import: watching ${options.root} (Ctrl-C stops)`);
  const said = new Set<string>();
  let stop = false;
  process.once('SIGINT', () => (stop = true));
  while (!stop) {
    await new Promise((done) => setTimeout(done, WATCH_INTERVAL_MS));
    if (stop) break;
    try {
      const result = importOnce(options, known);
      const changed = result.runs.filter((run) => run.change !== 'unchanged');
      for (const run of changed) console.log(`  ${run.change.padEnd(10)} ${run.dir}  ${run.path}`);
      for (const warning of result.warnings) if (!said.has(warning)) console.warn(`warning: ${warning}`);
      for (const warning of result.warnings) said.add(warning);
    } catch (error) {
      if (!isInputError(error)) throw error;
      const message = `import: ${(error as Error).message} (trying again in ${WATCH_INTERVAL_MS / 1000} s)`;
      if (!said.has(message)) console.error(message);
      said.add(message);
    }
  }
  console.log('import: stopped watching; the run folders hold everything read');
}

function report(result: ImportResult, options: CliOptions): void {
  const counts = new Map<string, number>();
  for (const run of result.runs) counts.set(run.change, (counts.get(run.change) ?? 0) + 1);
  const summary = [...counts].map(([change, n]) => `${n} ${change}`).join(', ');
  console.log(`import: ${result.runs.length} run${result.runs.length === 1 ? '' : 's'} from ${options.root} (${options.format}) into sweep "${options.sweep}": ${summary}`);
  for (const run of result.runs) console.log(`  ${run.change.padEnd(10)} ${run.dir}  ${run.path}`);
  const skipped = Object.entries(result.skipped);
  for (const [kind, n] of skipped) console.log(`  skipped (not imported): ${kind} × ${n}`);
  for (const warning of result.warnings) console.warn(`warning: ${warning}`);
  if (result.sweepFileWritten) console.log(`Wrote ${result.sweepFile}: check its title, labels and colors.`);
  if (!options.watch) console.log('Next: npm run build (or npm run dev) shows the sweep page; docs/importing.md says how to write a report.');
}
