import { hostname } from 'node:os';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const LOCK_FILE = 'lock';

/**
 * Claims a run folder for one writer. Two trainers resuming the same
 * unfinished run would interleave its metrics, so the second one is refused.
 * A lock left by a process that died on this host is taken over; one from
 * another host (runs/ on shared storage) is respected until removed by hand.
 */
export function lockRun(runDir: string): void {
  const file = join(runDir, LOCK_FILE);
  const mine = JSON.stringify({ host: hostname(), pid: process.pid });
  try {
    writeFileSync(file, mine, { flag: 'wx' });
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  let owner: { host?: string; pid?: number } = {};
  try {
    owner = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // a lock cut short by a crash mid-write: nobody holds it
  }
  const heldElsewhere = owner.host !== undefined && owner.host !== hostname();
  if (heldElsewhere || (owner.pid !== undefined && owner.pid !== process.pid && isAlive(owner.pid))) {
    throw new Error(`${file}: the run is being trained by process ${owner.pid} on ${owner.host} (delete this file if that process is gone)`);
  }
  writeFileSync(file, mine);
}

export function unlockRun(runDir: string): void {
  rmSync(join(runDir, LOCK_FILE), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
