import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { tempPath, writeFileAtomic } from './atomic';
import { firstIssue, RunFormatError, writing } from './errors';
import { createRunDir } from './ids';
import { lockRun, type HeldLock } from './lock';
import { readJsonLines, readRunInfo } from './reader';
import { Reservoir, type ReservoirState } from './reservoir';
import {
  CHECKPOINT_DIR,
  FORMAT_VERSION,
  GENERATIONS_FILE,
  GenerationLine,
  METRICS_FILE,
  MetricsLine,
  RUN_FILE,
  type ParamValue,
  type RunInfo,
  type RunProcess,
  type RunReference,
} from './schema';
import { packageVersion } from './version';

export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

/** What training needs to continue a run exactly where it stopped. */
export interface Checkpoint {
  /** Number of training steps completed when it was saved. */
  step: number;
  tensors: Record<string, NamedTensor>;
  /** Anything else training needs (optimizer step, RNG state...), as JSON. */
  state: unknown;
}

export interface NewRun {
  sweep: string;
  params: Record<string, ParamValue>;
  label: string;
  color: string;
  seed: number;
  config: Record<string, unknown>;
  totalSteps: number;
  /** Reservoir size for generations; 0 keeps every one. */
  generationsCapacity: number;
  /** A command run's program, before it starts. */
  process?: RunProcess;
}

/** What a command run's program has written so far, imported: the whole of its logs. */
export interface ImportedLogs {
  /** metrics.jsonl's text (see metricsText). */
  metrics: string;
  generations: GenerationLine[];
  stepsDone: number;
  totalSteps: number;
}

const CHECKPOINT_STATE = 'state.json';
const CHECKPOINT_TENSORS = 'tensors.bin';
/** The reservoir of generations draws from its own stream, apart from training's. */
const RESERVOIR_SEED_SALT = 0x9e3779b9;
const FLUSH_INTERVAL_MS = 1000;

/**
 * Writes one run folder. Steps are numbered by training steps completed
 * (the first logged step is 1). metrics.jsonl is append-only and each line
 * reaches the OS as soon as it is logged, so a crash loses at most the line
 * being written; run.json, generations.jsonl and the checkpoint are replaced
 * atomically. It holds the run's lock from start to finish and checks it
 * before every write: a writer whose lock was taken over (it stalled past the
 * lease) throws LockLostError and writes nothing more, so a run never has two
 * writers.
 */
export class RunWriter {
  private metricsFd: number;
  private lastFlush = 0;
  /** A command run's metrics.jsonl as last written by setLogs (or found on resume). */
  private importedMetrics = '';

  private constructor(
    readonly dir: string,
    private readonly lock: HeldLock,
    private runInfo: RunInfo,
    private reservoir: Reservoir<GenerationLine>,
  ) {
    this.metricsFd = writing(join(dir, METRICS_FILE), () => openSync(join(dir, METRICS_FILE), 'a'));
  }

  get info(): RunInfo {
    return this.runInfo;
  }

  /** A folder whose run.json cannot be written (a full disk) is removed again: no half-made runs. */
  static create(runsDir: string, init: NewRun): RunWriter {
    const { id, dir } = writing(runsDir, () => createRunDir(runsDir));
    let writer: RunWriter | undefined;
    let lock: HeldLock | undefined;
    try {
      lock = writing(dir, () => lockRun(dir));
      writer = RunWriter.start(dir, lock, id, init);
      writer.flush();
      return writer;
    } catch (error) {
      if (writer) closeSync(writer.metricsFd);
      lock?.release();
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  private static start(dir: string, lock: HeldLock, id: string, init: NewRun): RunWriter {
    const now = new Date().toISOString();
    const info: RunInfo = {
      format: FORMAT_VERSION,
      id,
      sweep: init.sweep,
      params: init.params,
      label: init.label,
      color: init.color,
      seed: init.seed,
      config: init.config,
      status: 'running',
      created: now,
      updated: now,
      finished: null,
      steps_done: 0,
      total_steps: init.totalSteps,
      backend: null,
      version: packageVersion(),
      error: null,
      generations: { seen: 0, kept: 0, capacity: init.generationsCapacity },
      ...(init.process ? { process: init.process } : {}),
    };
    const reservoir = new Reservoir<GenerationLine>(init.generationsCapacity, (init.seed ^ RESERVOIR_SEED_SALT) >>> 0);
    return new RunWriter(dir, lock, info, reservoir);
  }

  /**
   * Reopens an unfinished (or any) run to continue it from its last
   * checkpoint. Whatever was logged after that checkpoint is dropped, so
   * training it again leaves no duplicate and no gap; with no checkpoint the
   * run starts over from step 0. If it cannot be resumed (a corrupt
   * checkpoint, a full disk), the folder is left unlocked.
   */
  static resume(runDir: string): { writer: RunWriter; checkpoint: Checkpoint | null } {
    let lock: HeldLock | undefined;
    try {
      lock = writing(runDir, () => lockRun(runDir));
      return RunWriter.reopen(runDir, lock);
    } catch (error) {
      lock?.release();
      throw error;
    }
  }

  /**
   * Reopens an unfinished command run: its logs are kept as they are (they are
   * imported from its program's output, which is kept too), steps_done is
   * their last step.
   */
  static resumeCommand(runDir: string): RunWriter {
    let lock: HeldLock | undefined;
    try {
      lock = writing(runDir, () => lockRun(runDir));
      removeStaleTempFiles(runDir);
      const info = readRunInfo(runDir);
      const metricsFile = join(runDir, METRICS_FILE);
      const text = existsSync(metricsFile) ? readFileSync(metricsFile, 'utf8') : '';
      const lines = readJsonLines(metricsFile, MetricsLine, () => {});
      const reservoir = new Reservoir<GenerationLine>(0, 0);
      for (const line of readJsonLines(join(runDir, GENERATIONS_FILE), GenerationLine, () => {})) reservoir.add(line);
      // As setLogs recorded it (a text's step counts too), unless run.json is behind its metrics.
      const stepsDone = Math.max(info.steps_done, lines.at(-1)?.step ?? 0);
      const writer = new RunWriter(runDir, lock, { ...info, steps_done: stepsDone, status: 'running', finished: null, error: null }, reservoir);
      // A last line cut by a crash is dropped by the next setLogs, which then rewrites the file whole.
      writer.importedMetrics = text;
      writer.flush();
      return writer;
    } catch (error) {
      lock?.release();
      throw error;
    }
  }

  private static reopen(runDir: string, lock: HeldLock): { writer: RunWriter; checkpoint: Checkpoint | null } {
    // Only a lock holder writes here, and this is the only one: temp files left are a dead writer's.
    removeStaleTempFiles(runDir);
    const info = readRunInfo(runDir);
    const saved = readCheckpoint(runDir);
    const step = saved?.checkpoint.step ?? 0;

    const metricsFile = join(runDir, METRICS_FILE);
    const kept = readJsonLines(metricsFile, MetricsLine, () => {}).filter((line) => line.step <= step);
    lock.check();
    writeFileAtomic(metricsFile, kept.map((line) => JSON.stringify(line) + '\n').join(''));

    const reservoir = saved
      ? Reservoir.fromState(saved.reservoir)
      : new Reservoir<GenerationLine>(info.generations.capacity, (info.seed ^ RESERVOIR_SEED_SALT) >>> 0);
    const writer = new RunWriter(runDir, lock, { ...info, steps_done: step, status: 'running', finished: null, error: null }, reservoir);
    writer.flush();
    return { writer, checkpoint: saved?.checkpoint ?? null };
  }

  /** A command run's program: started, or ended. */
  setProcess(process: RunProcess): void {
    this.runInfo.process = process;
    this.writeInfo();
  }

  /**
   * A command run's logs, imported whole from what its program wrote so far:
   * metrics.jsonl grows by appending when the new text extends the old (the
   * usual case, so a reader following it reads on), else is replaced atomically.
   */
  setLogs(logs: ImportedLogs): void {
    const metricsFile = join(this.dir, METRICS_FILE);
    if (logs.metrics !== this.importedMetrics) {
      this.lock.check();
      if (logs.metrics.startsWith(this.importedMetrics)) {
        const bytes = Buffer.from(logs.metrics.slice(this.importedMetrics.length));
        writing(metricsFile, () => {
          for (let done = 0; done < bytes.length; ) done += writeSync(this.metricsFd, bytes, done);
        });
      } else {
        writeFileAtomic(metricsFile, logs.metrics);
        // The old fd would append to the file the rename replaced.
        closeSync(this.metricsFd);
        this.metricsFd = writing(metricsFile, () => openSync(metricsFile, 'a'));
      }
      this.importedMetrics = logs.metrics;
    }
    const kept = this.reservoir.items();
    if (kept.length !== logs.generations.length || kept.some((item, i) => item.step !== logs.generations[i].step || item.text !== logs.generations[i].text || item.tag !== logs.generations[i].tag)) {
      this.reservoir = new Reservoir<GenerationLine>(0, 0);
      for (const line of logs.generations) this.reservoir.add(line);
      this.writeGenerations();
    }
    this.runInfo.steps_done = logs.stepsDone;
    this.runInfo.total_steps = logs.totalSteps;
    this.writeInfo();
  }

  setBackend(name: string): void {
    this.runInfo.backend = name;
    this.writeInfo();
  }

  setReference(reference: RunReference): void {
    this.runInfo.reference = reference;
    this.writeInfo();
  }

  logMetrics(step: number, metrics: Record<string, number>): void {
    const line: Record<string, number | null> = { step, time: Date.now() / 1000 };
    for (const [name, value] of Object.entries(metrics)) line[name] = Number.isFinite(value) ? value : null;
    const bytes = Buffer.from(JSON.stringify(line) + '\n');
    this.lock.check();
    // A short write (the disk filling up) is retried, so that it fails here, leaving at most a cut last line.
    writing(join(this.dir, METRICS_FILE), () => {
      for (let done = 0; done < bytes.length; ) done += writeSync(this.metricsFd, bytes, done);
    });
    this.runInfo.steps_done = Math.max(this.runInfo.steps_done, step);
    this.flushSoon();
  }

  logGeneration(step: number, text: string): void {
    this.reservoir.add({ step, text });
    this.flushSoon();
  }

  /**
   * Saves weights and training state; metrics logged so far are flushed to
   * disk first. If it fails (a full disk), the previous checkpoint stays and
   * the partial new one is removed, giving its space back for run.json.
   */
  saveCheckpoint(step: number, checkpoint: Omit<Checkpoint, 'step'>): void {
    this.lock.check();
    writing(join(this.dir, METRICS_FILE), () => fsyncSync(this.metricsFd));
    const final = join(this.dir, CHECKPOINT_DIR);
    const tmp = tempPath(final);
    try {
      writing(final, () => this.writeCheckpoint(tmp, step, checkpoint));
    } catch (error) {
      rmSync(tmp, { recursive: true, force: true });
      throw error;
    }
    const old = `${final}.old`;
    // Keep the previous checkpoint until the new one is in place: a crash
    // between the two renames leaves checkpoint.old, which resume falls back to.
    this.lock.check(); // again: writing the checkpoint may have taken a while
    writing(final, () => {
      rmSync(old, { recursive: true, force: true });
      if (existsSync(final)) renameSync(final, old);
      renameSync(tmp, final);
      rmSync(old, { recursive: true, force: true });
    });

    this.runInfo.steps_done = step;
    this.flush();
  }

  private writeCheckpoint(tmp: string, step: number, checkpoint: Omit<Checkpoint, 'step'>): void {
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp);

    const index: { name: string; shape: number[]; offset: number; length: number }[] = [];
    let offset = 0;
    for (const [name, tensor] of Object.entries(checkpoint.tensors)) {
      index.push({ name, shape: tensor.shape, offset, length: tensor.data.length });
      offset += tensor.data.length;
    }
    const all = new Float32Array(offset);
    for (const entry of index) all.set(checkpoint.tensors[entry.name].data, entry.offset);
    writeFileSync(join(tmp, CHECKPOINT_TENSORS), new Uint8Array(all.buffer));
    const state: CheckpointState = { step, tensors: index, state: checkpoint.state, reservoir: this.reservoir.state() };
    writeFileSync(join(tmp, CHECKPOINT_STATE), JSON.stringify(state));
  }

  /**
   * Records how the run ended and unlocks it. On a full disk it still writes
   * run.json if it can (then throws the first RunWriteError); the folder is
   * unlocked either way. A lost lock (LockLostError) writes nothing.
   */
  finish(status: 'completed' | 'failed' | 'interrupted', error?: string): void {
    const now = new Date().toISOString();
    this.runInfo.status = status;
    this.runInfo.error = error ?? null;
    this.runInfo.finished = status === 'interrupted' ? null : now;
    const failures: unknown[] = [];
    const attempt = (write: () => void) => {
      try {
        write();
      } catch (failure) {
        failures.push(failure);
      }
    };
    attempt(() => writing(join(this.dir, METRICS_FILE), () => fsyncSync(this.metricsFd)));
    attempt(() => closeSync(this.metricsFd));
    attempt(() => this.writeGenerations());
    attempt(() => this.writeInfo());
    // Unlock last: nothing is written to a run without its lock. A crash just
    // before leaves a lock in a finished run: dead once not renewed, and
    // removed by the next train (removeDeadLock).
    this.lock.release();
    if (failures.length > 0) throw failures[0];
  }

  /**
   * run.json and generations.jsonl are whole-file rewrites: done at most once
   * a second while training (for whoever watches the folder), and always at a
   * checkpoint and at the end. Resume restores both from the checkpoint, so
   * nothing a resumed run needs depends on these in-between writes.
   */
  private flushSoon(): void {
    if (Date.now() - this.lastFlush >= FLUSH_INTERVAL_MS) this.flush();
  }

  private flush(): void {
    this.writeGenerations();
    this.writeInfo();
    this.lastFlush = Date.now();
  }

  private writeGenerations(): void {
    this.lock.check();
    const items = this.reservoir.items();
    writeFileAtomic(join(this.dir, GENERATIONS_FILE), items.map((item) => JSON.stringify(item) + '\n').join(''));
    this.runInfo.generations = { seen: this.reservoir.seen, kept: items.length, capacity: this.reservoir.capacity };
  }

  private writeInfo(): void {
    this.lock.check();
    this.runInfo.updated = new Date().toISOString();
    writeFileAtomic(join(this.dir, RUN_FILE), JSON.stringify(this.runInfo, null, 2) + '\n');
  }
}

interface SavedCheckpoint {
  checkpoint: Checkpoint;
  reservoir: ReservoirState<GenerationLine>;
}

const count = z.number().int().nonnegative();

/** checkpoint/state.json: the step, where each tensor lies in tensors.bin (in floats), training's and the reservoir's state. */
const CheckpointState = z.strictObject({
  step: count,
  tensors: z.array(z.strictObject({ name: z.string(), shape: z.array(count), offset: count, length: count })),
  state: z.unknown(),
  reservoir: z.strictObject({ capacity: count, seen: count, rng: z.number(), items: z.array(GenerationLine) }),
});
type CheckpointState = z.infer<typeof CheckpointState>;

/** The last checkpoint, or null; a corrupt one is a RunFormatError naming the file and the way out. */
function readCheckpoint(runDir: string): SavedCheckpoint | null {
  const final = join(runDir, CHECKPOINT_DIR);
  const old = `${final}.old`;
  const dir = existsSync(join(final, CHECKPOINT_STATE)) ? final : existsSync(join(old, CHECKPOINT_STATE)) ? old : null;
  if (!dir) return null;
  const restart = `delete ${dir} to restart the run from step 0`;
  const stateFile = join(dir, CHECKPOINT_STATE);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(stateFile, 'utf8'));
  } catch {
    throw new RunFormatError(stateFile, `not valid JSON; ${restart}`);
  }
  const parsed = CheckpointState.safeParse(json);
  if (!parsed.success) {
    const { field, message } = firstIssue(parsed.error);
    throw new RunFormatError(stateFile, `${message}; ${restart}`, undefined, field);
  }
  const saved = parsed.data;
  const tensorsFile = join(dir, CHECKPOINT_TENSORS);
  const bytes = existsSync(tensorsFile) ? readFileSync(tensorsFile) : Buffer.alloc(0);
  const expected = 4 * Math.max(0, ...saved.tensors.map((entry) => entry.offset + entry.length));
  if (bytes.byteLength !== expected) {
    throw new RunFormatError(tensorsFile, `${bytes.byteLength} bytes, but ${CHECKPOINT_STATE} lists ${expected}; ${restart}`);
  }
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const tensors: Record<string, NamedTensor> = {};
  for (const entry of saved.tensors) {
    tensors[entry.name] = { shape: entry.shape, data: all.slice(entry.offset, entry.offset + entry.length) };
  }
  return { checkpoint: { step: saved.step, tensors, state: saved.state }, reservoir: saved.reservoir };
}

/** Temp files are what a crash mid-write leaves; they are never the real data. */
function removeStaleTempFiles(runDir: string): void {
  for (const name of readdirSync(runDir)) {
    if (name.endsWith('.tmp')) rmSync(join(runDir, name), { recursive: true, force: true });
  }
}
