import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { writing } from './errors';

/**
 * Names this process's temp files apart from every other's: a pid would not
 * (trainers in two PID namespaces are both pid 1, and would write one temp file).
 */
const PROCESS_TAG = randomBytes(8).toString('hex');

/** `<path>.<this process's tag>.tmp`: where this process writes `path` before renaming it into place. */
export function tempPath(path: string): string {
  return `${path}.${PROCESS_TAG}.tmp`;
}

/**
 * Writes a whole file so that readers see either the old or the new content:
 * write a temp file beside it, then rename it over the target. A killed
 * process leaves at most a stale `<file>.<tag>.tmp` (tempPath), which readers ignore.
 * (No fsync: that would guard against power loss, at a cost on every step.)
 */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  const tmp = tempPath(file);
  writing(file, () => {
    try {
      writeFileSync(tmp, content);
      renameSync(tmp, file);
    } catch (error) {
      rmSync(tmp, { force: true }); // on a full disk, give back the space of the part written
      throw error;
    }
  });
}
