// TensorBoard runs: a logdir's folders that hold event files (events.out.tfevents.*),
// each read into an ImportedRun. A run's files are read in name order (TensorBoard's
// order: the names start with the time they were opened), as one stream, and can be
// read on as they grow, for --watch.
import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import type { ParamValue } from '../runs';
import { EventFileError } from './errors';
import { sessionStartHparams } from './hparams';
import type { ImportedRun, ImportedText } from './imported-run';
import { SeriesBuilder } from './series';
import { readEvents, type TagPlugins, type TfEvent } from './tfevents';

/** TensorBoard's test for an event file (io_wrapper.IsSummaryEventsFile): the name holds "tfevents". */
const isEventFile = (name: string) => name.includes('tfevents');

/**
 * PyTorch's SummaryWriter.add_hparams writes its hparams into a new folder inside the
 * run, named str(time.time()) (e.g. 1699999999.1234567), which TensorBoard lists as a
 * run of its own; transformers' TensorBoardCallback does the same. Such a folder's
 * hparams are its parent run's, and it is not a run.
 */
const HPARAMS_FOLDER = /^\d+\.\d+$/;

/** Event files by run path ('/'-separated, relative to root; '.' for root), files in name order. */
export function findEventFiles(root: string): Map<string, string[]> {
  const runs = new Map<string, string[]>();
  const visit = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const files = entries.filter((entry) => entry.isFile() && isEventFile(entry.name)).map((entry) => join(dir, entry.name));
    if (files.length > 0) runs.set(runPath(root, dir), files);
    for (const entry of entries) if (entry.isDirectory()) visit(join(dir, entry.name));
  };
  visit(root);
  return runs;
}

function runPath(root: string, dir: string): string {
  return relative(root, dir).split(sep).join('/') || '.';
}

interface FileProgress {
  /** Offset after the last complete record read. */
  end: number;
  plugins: TagPlugins;
  /** SHA-256 of the bytes before `end`. */
  hash: Hash;
  size: number;
  sha256: string;
  cutAt?: number;
}

/** One run's event files, read so far. */
export class TensorboardRun {
  private readonly progress = new Map<string, FileProgress>();
  private readonly builder = new SeriesBuilder();
  private readonly texts: ImportedText[] = [];
  /** Each tag's latest text step: a lookup per text, where searching the texts was quadratic in their number. */
  private readonly lastTextStep = new Map<string, number>();
  private readonly params: Record<string, ParamValue> = {};
  private readonly skipped: Record<string, number> = {};
  private sessionStarts = 0;
  private unstorableSteps = 0;

  constructor(
    readonly root: string,
    readonly path: string,
  ) {}

  /**
   * Reads what the files hold past what was read before (all of them, the first
   * time). False if a file now holds less than was read (it was replaced): read
   * the run again with a new TensorboardRun.
   */
  readOn(files: string[]): boolean {
    for (const file of files) {
      const known = this.progress.get(file);
      const size = statSync(file).size;
      if (known && size < known.end) return false;
      if (known && size === known.size) continue;
      const from = known?.end ?? 0;
      const bytes = readFrom(file, from, size);
      const read = readRecords(file, bytes, from, known?.plugins);
      const hash = known?.hash ?? createHash('sha256');
      hash.update(bytes.subarray(0, read.end - from));
      this.progress.set(file, {
        end: read.end,
        plugins: read.plugins,
        hash,
        size,
        sha256: hash.copy().update(bytes.subarray(read.end - from)).digest('hex'),
        cutAt: read.truncatedAt,
      });
      for (const event of read.events) this.add(event);
    }
    return true;
  }

  /** Hparams of an add_hparams folder inside this run (see HPARAMS_FOLDER), read as this run's. */
  readHparamsFolder(files: string[]): void {
    const child = new TensorboardRun(this.root, '');
    child.readOn(files);
    Object.assign(this.params, child.params);
    for (const file of files) this.progress.set(file, child.progress.get(file)!);
  }

  private add(event: TfEvent): void {
    const { step, wallTime } = event;
    // TensorBoard keeps the first START (the run starting) and takes each later one as a restart.
    if (event.sessionStart && this.sessionStarts++ > 0) this.builder.restartAt(step);
    if (event.scalars.length > 0 || event.texts.length > 0) {
      // A metrics file's steps are JSON's safe integers from 0; TensorBoard's are any int64.
      if (step < 0 || !Number.isSafeInteger(step)) {
        this.unstorableSteps += event.scalars.length + event.texts.length;
        return;
      }
    }
    for (const { tag, value } of event.scalars) this.builder.add(tag, step, value, wallTime);
    for (const { tag, text } of event.texts) this.addText({ step, time: wallTime, tag, text });
    for (const { content } of event.hparams) Object.assign(this.params, sessionStartHparams(content) ?? {});
    for (const [kind, n] of Object.entries(event.skipped)) this.skipped[kind] = (this.skipped[kind] ?? 0) + n;
  }

  /** Texts follow the scalars' restart rule: a tag's step going back drops its texts from that step on. */
  private addText(text: ImportedText): void {
    const last = this.lastTextStep.get(text.tag);
    if (last !== undefined && text.step < last) {
      const kept = this.texts.filter((other) => other.tag !== text.tag || other.step < text.step);
      this.texts.length = 0;
      this.texts.push(...kept);
    }
    this.texts.push(text);
    this.lastTextStep.set(text.tag, text.step);
  }

  /** What has been read, as an ImportedRun; `watching` leaves out the warning about a last record still being written. */
  imported(watching = false): ImportedRun {
    const files = [...this.progress].map(([file, p]) => ({ path: relative(this.root, file).split(sep).join('/'), size: p.size, sha256: p.sha256 }));
    const warnings = [...this.builder.restartWarnings()];
    if (!watching) {
      for (const [file, p] of this.progress) {
        if (p.cutAt !== undefined) warnings.push(`${file}: cut inside its last record at byte ${p.cutAt} (a writer still writing?): imported the records before it`);
      }
    }
    if (this.unstorableSteps > 0) warnings.push(`${this.unstorableSteps} values at a negative step (or past 2^53) were left out: a metrics file's steps count from 0`);
    return {
      path: this.path,
      scalars: this.builder.series,
      texts: this.texts,
      params: { ...this.params },
      files,
      skipped: { ...this.skipped },
      warnings,
    };
  }
}

/** The bytes of `file` from `from` to `size`. */
function readFrom(file: string, from: number, size: number): Buffer {
  const bytes = Buffer.alloc(size - from);
  const fd = openSync(file, 'r');
  try {
    for (let done = 0; done < bytes.length; ) {
      const n = readSync(fd, bytes, done, bytes.length - done, from + done);
      if (n === 0) return bytes.subarray(0, done);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/** readEvents on bytes that start at `from` in the file: offsets (`end`, errors' bytes) are the file's. */
function readRecords(file: string, bytes: Buffer, from: number, plugins: TagPlugins | undefined) {
  try {
    const read = readEvents(bytes, { file, plugins });
    return { ...read, end: read.end + from, truncatedAt: read.truncatedAt === undefined ? undefined : read.truncatedAt + from };
  } catch (error) {
    if (error instanceof EventFileError && from > 0) throw new EventFileError(file, error.byte + from, error.detail);
    throw error;
  }
}

/** Every run of a logdir, read whole. */
export function readTensorboardRuns(root: string): ImportedRun[] {
  return tensorboardRuns(root, new Map()).map((run) => run.imported());
}

/**
 * The logdir's runs, reading on from `known` (run path -> what was read of it) where
 * it can; adds new runs to `known`. Folders of add_hparams (HPARAMS_FOLDER) directly
 * inside a run give it their hparams and are not runs.
 */
export function tensorboardRuns(root: string, known: Map<string, TensorboardRun>): TensorboardRun[] {
  const found = findEventFiles(root);
  const hparamsOf = new Map<string, string[][]>();
  for (const [path, files] of found) {
    const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '.';
    if (path !== '.' && HPARAMS_FOLDER.test(basename(path)) && found.has(parent)) {
      hparamsOf.set(parent, [...(hparamsOf.get(parent) ?? []), files]);
      found.delete(path);
    }
  }
  const runs: TensorboardRun[] = [];
  for (const [path, files] of found) {
    let run = known.get(path) ?? new TensorboardRun(root, path);
    if (!run.readOn(files)) {
      run = new TensorboardRun(root, path);
      run.readOn(files);
    }
    for (const hparamsFiles of hparamsOf.get(path) ?? []) run.readHparamsFolder(hparamsFiles);
    known.set(path, run);
    runs.push(run);
  }
  return runs;
}
