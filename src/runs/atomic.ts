import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { writing } from './errors';

/**
 * Writes a whole file so that readers see either the old or the new content:
 * write a temp file beside it, then rename it over the target. A killed
 * process leaves at most a stale `<file>.<pid>.tmp`, which readers ignore.
 * (No fsync: that would guard against power loss, at a cost on every step.)
 */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  const tmp = `${file}.${process.pid}.tmp`;
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
