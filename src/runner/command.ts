// Runs a command sweep's program for one run folder (src/runner/job.ts calls
// runCommand where the built-in trainer's runs call trainRun): fills in the
// placeholders, starts the program in a process group of its own, imports what
// it writes into {out} as it grows, and says how it ended. The program never
// touches the run folder's own files: sweepbook validates its output into them.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { CsvFileError, EventFileError, StateFileError } from '../import/errors';
import { programOutputReader, type ProgramOutput } from '../import/program-output';
import { BOOT_ID, COMMAND_LOG, LockLostError, metricsText, PID_NAMESPACE, RunFormatError, RunWriteError, type RunProcess, type RunWriter } from '../runs';
import { commandLine, fillIn } from './command-line';
import type { CommandConfig } from './plan';

/** How often the output is imported while the program runs: `npm run import --watch`'s pace. */
const IMPORT_INTERVAL_MS = 2000;
/** After Ctrl-C, how long the program has to save and exit before it is killed. */
const STOP_GRACE_MS = /^\d+$/.test(process.env.SWEEPBOOK_STOP_GRACE_MS ?? '') ? Number(process.env.SWEEPBOOK_STOP_GRACE_MS) : 10_000;
const STDERR_TAIL_LINES = 20;
/** What the importers throw for a file they cannot read, naming it. */
const READ_ERRORS = [EventFileError, CsvFileError, StateFileError, RunFormatError];
const MAX_LINE_CHARS = 500;
/** Exits that say a signal stopped it (a program that catches SIGINT and exits 130, as Python's convention is): interrupted, not failed. */
const STOPPED_CODES = new Set([130, 143]);
/** Signals that stop a program from outside (a kill, Ctrl-C, a hang-up, a scheduler): interrupted; any other (SIGSEGV, SIGABRT) is a crash. */
const STOP_SIGNALS = new Set(['SIGINT', 'SIGTERM', 'SIGKILL', 'SIGHUP', 'SIGQUIT', 'SIGPIPE', 'SIGXCPU']);

export interface CommandHooks {
  signal: AbortSignal;
  onProgress(progress: { step: number; total: number; metrics: Record<string, number> }): void;
}

export interface CommandOutcome {
  status: 'completed' | 'failed' | 'interrupted';
  error: string | null;
}

// Program process groups still running: killed if this process exits first (a second Ctrl-C), so none is left behind.
const running = new Set<number>();
process.on('exit', () => {
  for (const pid of running) killGroup(pid, 'SIGKILL');
});

/**
 * Runs the program of `config` for `writer`'s run to its end (or until the
 * signal aborts: SIGINT to it, SIGKILL after a grace period) and imports its
 * output into the run folder. Does not call writer.finish.
 */
export async function runCommand(writer: RunWriter, config: CommandConfig, hooks: CommandHooks): Promise<CommandOutcome> {
  const out = resolve(writer.dir, config.output.path);
  mkdirSync(out, { recursive: true });
  await reapLeftover(writer.info.process);
  const resumeStep = writer.info.steps_done;
  const argv = fillIn(config.command, { ...placeholderValues(config), run_dir: resolve(writer.dir), out, resume: String(resumeStep) });
  const read = programOutputReader(config.output.format, out);
  const log = openSync(join(writer.dir, COMMAND_LOG), 'a');
  const say = (line: string) => writeSync(log, `[sweepbook ${new Date().toISOString()}] ${line}\n`);
  say(`${resumeStep > 0 ? `resuming after step ${resumeStep}: ` : ''}${commandLine(argv)}`);
  const tail = new LineTail(STDERR_TAIL_LINES);

  const started = await start(argv, log, tail);
  if ('error' in started) {
    closeSync(log);
    writer.setProcess({ argv, pid: null, pid_start: null, host: hostname(), exit_code: null, signal: null, stderr_tail: [] });
    return { status: 'failed', error: started.error };
  }
  const { child, exited } = started;
  const pid = child.pid!;
  running.add(pid);
  writer.setProcess({ argv, pid, pid_start: processIdentity(pid), host: hostname(), exit_code: null, signal: null, stderr_tail: [] });

  let stopping = false;
  let killTimer: NodeJS.Timeout | undefined;
  let fatal: Error | null = null;
  let importError: Error | null = null;
  let last: ProgramOutput | null = null;
  // What the log was told about reading the output, each once.
  const said = new Set<string>();
  const stop = () => {
    if (stopping) return;
    stopping = true;
    say('stopping it (SIGINT)');
    killGroup(pid, 'SIGINT');
    killTimer = setTimeout(() => {
      say(`killing it: not gone ${STOP_GRACE_MS / 1000} s after SIGINT`);
      killGroup(pid, 'SIGKILL');
    }, STOP_GRACE_MS).unref();
  };
  const importOutput = () => {
    try {
      const output = read();
      importError = null;
      for (const warning of output.warnings) if (!said.has(warning)) say(`warning: ${warning}`), said.add(warning);
      if (last && output.lastStep === last.lastStep && sameLogs(output, last)) return;
      last = output;
      const totalSteps = Math.max(config.steps ?? 0, output.lastStep);
      writer.setLogs({ metrics: metricsText(output.series), generations: output.generations, stepsDone: output.lastStep, totalSteps });
      hooks.onProgress({ step: output.lastStep, total: config.steps ?? 0, metrics: output.lastMetrics });
    } catch (error) {
      // The run folder cannot be written (a full disk, a lost lock): stop the program, nothing it does is kept.
      if (error instanceof RunWriteError || error instanceof LockLostError) {
        fatal ??= error;
        stop();
      } else if (READ_ERRORS.some((kind) => error instanceof kind)) {
        importError = error as Error; // the importer's, naming the file: perhaps half-written, so read again
        if (!said.has(importError.message)) say(`cannot read its output (yet): ${importError.message}`), said.add(importError.message);
      } else throw error;
    }
  };

  hooks.signal.addEventListener('abort', stop, { once: true });
  if (hooks.signal.aborted) stop();
  const timer = setInterval(importOutput, IMPORT_INTERVAL_MS);
  const { code, signal } = await exited;
  clearInterval(timer);
  clearTimeout(killTimer); // its pid may be another process's soon
  hooks.signal.removeEventListener('abort', stop);
  running.delete(pid);
  if (!fatal) importOutput();
  say(`it ${signal ? `was killed by ${signal}` : `exited with code ${code}`}`);
  closeSync(log);

  const ended: RunProcess = { argv, pid: null, pid_start: null, host: hostname(), exit_code: code, signal, stderr_tail: tail.lines() };
  try {
    writer.setProcess(ended);
  } catch (error) {
    if (!(error instanceof RunWriteError || error instanceof LockLostError)) throw error;
    fatal ??= error;
  }
  if (fatal) return { status: 'failed', error: fatal.message };
  const lastLine = tail.lines().at(-1);
  const stderr = lastLine ? `; its stderr ended: ${lastLine}` : '';
  if (code === 0) {
    if (importError) return { status: 'failed', error: `exited with code 0, but its output cannot be read: ${(importError as Error).message}` };
    if (!last || (last as ProgramOutput).series.size === 0) return { status: 'failed', error: `exited with code 0, but wrote no ${config.output.format} metrics into ${out}` };
    return { status: 'completed', error: null };
  }
  if (stopping || (signal && STOP_SIGNALS.has(signal)) || (code !== null && STOPPED_CODES.has(code))) return { status: 'interrupted', error: null };
  if (signal) return { status: 'failed', error: `crashed (${signal})${stderr}` };
  return { status: 'failed', error: `exited with code ${code}${stderr}` };
}

/** The placeholders' values that a run's config holds: the varied param's, config:'s, the seed and steps:. */
function placeholderValues(config: CommandConfig): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key !== 'command' && key !== 'output') values[key] = String(value);
  }
  return values;
}

type Started = { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } | { error: string };

/** Starts the program in a process group of its own (so Ctrl-C reaches it once, from us, and its own children go with it). */
function start(argv: string[], log: number, tail: LineTail): Promise<Started> {
  return new Promise((resolveStart) => {
    const child = spawn(argv[0], argv.slice(1), { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    // Its output is read to the end (its 'close'), once what it left running in its group is killed (which closes their copies of the pipes).
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.once('exit', (code, signal) => {
        killGroup(child.pid!, 'SIGKILL');
        const timer = setTimeout(() => {
          child.stdout!.destroy();
          child.stderr!.destroy();
          done({ code, signal });
        }, 2000);
        child.once('close', () => {
          clearTimeout(timer);
          done({ code, signal });
        });
      }),
    );
    child.stdout!.on('data', (chunk: Buffer) => writeSync(log, chunk));
    child.stderr!.on('data', (chunk: Buffer) => {
      writeSync(log, chunk);
      tail.add(chunk.toString('utf8'));
    });
    child.once('spawn', () => resolveStart({ child, exited }));
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return; // a kill that failed: the exit says the rest
      const why = error.code === 'ENOENT' ? `no such program (not on PATH, nor a file relative to ${process.cwd()})` : error.code === 'EACCES' ? 'not executable' : error.message;
      resolveStart({ error: `cannot start ${argv[0]}: ${why}` });
    });
  });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // gone already
  }
}

/**
 * A process's identity beyond its pid: the boot, the PID namespace and its
 * start time (Linux's /proc/<pid>/stat), so a pid reused by another process
 * is not taken for it. null where /proc is not there to tell.
 */
function processIdentity(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const startTime = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return `${BOOT_ID ?? ''}/${PID_NAMESPACE ?? ''}/${startTime}`;
  } catch {
    return null;
  }
}

/**
 * A program a killed sweepbook left running on this run (kill -9 of its
 * worker): killed with its group before the run restarts, or two programs
 * would write one output folder.
 */
async function reapLeftover(previous: RunProcess | undefined): Promise<void> {
  if (!previous?.pid || !previous.pid_start || previous.host !== hostname()) return;
  const { pid, pid_start } = previous;
  if (processIdentity(pid) !== pid_start) return;
  killGroup(pid, 'SIGKILL');
  for (let waited = 0; processIdentity(pid) === pid_start && waited < 5000; waited += 50) await new Promise((done) => setTimeout(done, 50));
}

/** Whether two reads of the output hold the same logs (a cheap test first: sizes and last points). */
function sameLogs(a: ProgramOutput, b: ProgramOutput): boolean {
  if (a.series.size !== b.series.size || a.generations.length !== b.generations.length) return false;
  for (const [name, points] of a.series) {
    const other = b.series.get(name);
    if (!other || other.steps.length !== points.steps.length) return false;
    for (let i = 0; i < points.steps.length; i++) {
      if (other.steps[i] !== points.steps[i] || !Object.is(other.values[i], points.values[i])) return false;
    }
  }
  return a.generations.every((g, i) => g.text === b.generations[i].text && g.step === b.generations[i].step);
}

/** The last lines of a stream, each cut to MAX_LINE_CHARS. */
class LineTail {
  private kept: string[] = [];
  private partial = '';
  constructor(private readonly max: number) {}
  add(text: string): void {
    const parts = (this.partial + text).split(/\r?\n/);
    this.partial = parts.pop()!.slice(-MAX_LINE_CHARS * 2);
    for (const line of parts) if (line.trim() !== '') this.kept.push(line.slice(0, MAX_LINE_CHARS));
    this.kept.splice(0, Math.max(0, this.kept.length - this.max));
  }
  lines(): string[] {
    const all = this.partial.trim() ? [...this.kept, this.partial.slice(0, MAX_LINE_CHARS)] : this.kept;
    return all.slice(-this.max);
  }
}
