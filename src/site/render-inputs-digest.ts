// A fingerprint of everything a report's rendering reads besides its own
// markdown: the sweep files, every file in every run folder (checkpoints
// aside), and the code that renders directives. Folded into each report's
// content digest, so Astro's content cache re-renders reports when any of
// these change, even though the markdown itself did not.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKPOINT_DIR } from '../runs';

/** Digest of the names, sizes and modification times of every file under these folders. */
export function filesDigest(dirs: string[]): string {
  const hash = createHash('sha256');
  for (const dir of dirs) {
    for (const file of filesUnder(dir)) {
      const { size, mtimeMs } = statSync(file);
      hash.update(`${file}\0${size}\0${mtimeMs}\n`);
    }
  }
  return hash.digest('hex');
}

/** Every file below dir, sorted, skipping checkpoints (large, and not shown). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.name !== CHECKPOINT_DIR)
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? filesUnder(path) : [path];
    });
}
