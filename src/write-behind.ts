// Files a build writes off the thread it renders pages on: each figure's
// drawing (its cache entry) and data took 0.5 ms a file written at once,
// 13% of a page's time, 5,000 files for a site of 1,000 runs. Each is written
// aside and renamed, as at once, so no reader sees half a file; the build
// waits for all of them at its end (flushWrites, in astro:build:done). Outside
// a build (astro dev serves a figure's data as soon as its page is drawn)
// files are written at once. On globalThis: a build has two copies of this
// module (Astro's config, which starts and flushes, and its page bundle).
import { renameSync, writeFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';

interface Behind {
  on: boolean;
  /** The writes in flight, and how many of them are to each file. */
  pending: Set<Promise<void>>;
  files: Map<string, number>;
  failed: unknown[];
}

const behind: Behind = ((globalThis as { sweepbookWriteBehind?: Behind }).sweepbookWriteBehind ??= { on: false, pending: new Set(), files: new Map(), failed: [] });

/** From now on writeAside writes in the background, until flushWrites. */
export function startWritingBehind(): void {
  behind.on = true;
}

/** Writes `text` to `part`, then renames it to `file`; writing behind, a failure fails flushWrites. */
export function writeAside(file: string, part: string, text: string): void {
  if (!behind.on) {
    writeFileSync(part, text);
    renameSync(part, file);
    return;
  }
  const write = writeFile(part, text)
    .then(() => rename(part, file))
    .catch(async (error: unknown) => {
      await rm(part, { force: true });
      behind.failed.push(error);
    })
    .finally(() => {
      behind.pending.delete(write);
      const left = behind.files.get(file)! - 1;
      if (left === 0) behind.files.delete(file);
      else behind.files.set(file, left);
    });
  behind.pending.add(write);
  behind.files.set(file, (behind.files.get(file) ?? 0) + 1);
}

/** Whether the file is being written behind: it is not there yet, and will be. */
export function writingBehind(file: string): boolean {
  return behind.files.has(file);
}

/** Waits for every write in flight, stops writing behind, and throws the first write that failed. */
export async function flushWrites(): Promise<void> {
  while (behind.pending.size > 0) await Promise.all([...behind.pending]);
  behind.on = false;
  const [first] = behind.failed.splice(0);
  if (first) throw first;
}
