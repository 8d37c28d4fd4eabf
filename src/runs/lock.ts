import { createHash, randomUUID } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

const LOCK_FILE = 'lock';
const CLAIMS_DIR = '.claims';
/** Which boot of this host a process belongs to (Linux): after a reboot, its pid may be another process's. */
const BOOT_ID = (() => {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
})();

/** The process that holds a lock, and the file that says so. */
export interface LockHolder {
  file: string;
  host: string;
  pid: number;
}

/**
 * Takes the lock file `file` for this process: null when taken, else who holds
 * it. A lock held by a live process on this host, or by any process on another
 * host (runs/ on shared storage), is respected; one left by a process that is
 * gone from this host is taken over.
 *
 * Every step that decides who wins is exclusive, so of many processes trying
 * at once exactly one wins. A new lock file is linked into place whole (link
 * fails when the name exists), so it is never seen half written. A dead lock is
 * replaced only under a guard named after that lock's content, created the same
 * exclusive way: of all processes that saw the same dead lock, one gets its
 * guard, checks the lock is still that one and replaces it; the others lose.
 * (A guard left by a process that died holding it is a dead lock itself, taken
 * over the same way.) Each lock's content is unique, so a guard never applies
 * to a later lock.
 */
export function takeLock(file: string): LockHolder | null {
  const mine = JSON.stringify({ host: hostname(), pid: process.pid, boot: BOOT_ID, nonce: randomUUID() });
  for (;;) {
    if (createWhole(file, mine)) return null;
    const seen = readLock(file);
    if (seen === null) continue; // released meanwhile
    const holder = parseHolder(seen);
    if (holder && isHeld(holder)) return { file, host: holder.host, pid: holder.pid };

    const guard = `${file}.${digest(seen)}`;
    const guardHolder = takeLock(guard);
    if (guardHolder) return guardHolder; // another process is taking it over right now
    try {
      if (readLock(file) !== seen) continue; // taken over or released meanwhile: look again
      const tmp = `${file}.${randomUUID()}.tmp`;
      writeFileSync(tmp, mine);
      renameSync(tmp, file);
      return null;
    } finally {
      rmSync(guard, { force: true });
    }
  }
}

export function releaseLock(file: string): void {
  rmSync(file, { force: true });
}

/**
 * "process 123 on host-a", and how to free the lock when only a person can:
 * a lock from another host stays until deleted by hand.
 */
export function describeHolder(holder: LockHolder): string {
  const who = `process ${holder.pid} on ${holder.host}`;
  return holder.host === hostname() ? who : `${who} (delete ${holder.file} if that process is gone)`;
}

/**
 * Claims a run folder for one writer. Two trainers resuming the same
 * unfinished run would interleave its metrics, so the second one is refused.
 */
export function lockRun(runDir: string): void {
  const holder = takeLock(join(runDir, LOCK_FILE));
  if (holder) {
    throw new Error(`${holder.file}: the run is being trained by ${describeHolder(holder)}`);
  }
}

export function unlockRun(runDir: string): void {
  releaseLock(join(runDir, LOCK_FILE));
}

/**
 * Whether a live trainer holds the run folder's lock (one on another host
 * counts as live: it cannot be checked from here). A run recorded as running
 * whose lock nobody holds was stopped by a crash or kill -9.
 */
export function isRunLocked(runDir: string): boolean {
  const content = readLock(join(runDir, LOCK_FILE));
  const holder = content === null ? null : parseHolder(content);
  return holder !== null && ((holder.host === hostname() && holder.pid === process.pid) || isHeld(holder));
}

/**
 * Removes a run folder's lock unless a live process holds it. A completed run
 * holds none: a lock there was left by a trainer that died as it finished.
 */
export function removeDeadLock(runDir: string): void {
  const file = join(runDir, LOCK_FILE);
  if (existsSync(file) && takeLock(file) === null) releaseLock(file);
}

/** A sweep unit, a (value, seed), as trainers claim it: by its config, which its runs are matched by. */
export interface ValueKey {
  config: object;
}

export type ValueClaim = { claimed: true; release(): void } | { claimed: false; holder: LockHolder };

/**
 * Claims a sweep unit for this process before it looks for or makes the
 * unit's run, so that trainers sharing a runs folder split the units
 * between them instead of training each twice. A claim is a lock file in
 * runs/.claims named after the unit's config alone (it holds the value and
 * the seed): two sweeps with the same unit claim the same run. A dead
 * process's claim is taken over.
 */
export function claimValue(runsDir: string, value: ValueKey): ValueClaim {
  const dir = join(runsDir, CLAIMS_DIR);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, digest(canonicalJson(value.config)));
  const holder = takeLock(file);
  return holder ? { claimed: false, holder } : { claimed: true, release: () => releaseLock(file) };
}

/** Writes a new file with its whole content, unless the name exists; true if written. */
function createWhole(file: string, content: string): boolean {
  for (;;) {
    const tmp = `${file}.${randomUUID()}.tmp`;
    writeFileSync(tmp, content);
    try {
      linkSync(tmp, file);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      // a new lock holder removes stale temp files from the run folder, ours included: write it again
      if (code !== 'ENOENT' || !existsSync(join(file, '..'))) throw error;
    } finally {
      rmSync(tmp, { force: true });
    }
  }
}

/** The lock file's content, or null when there is none. */
function readLock(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

interface Holder {
  host: string;
  pid: number;
  boot?: string;
}

/** Null for a lock cut short (a full disk, a crash of an older version): nobody holds it. */
function parseHolder(content: string): Holder | null {
  try {
    const { host, pid, boot } = JSON.parse(content) as { host?: unknown; pid?: unknown; boot?: unknown };
    if (typeof host !== 'string' || typeof pid !== 'number') return null;
    return typeof boot === 'string' ? { host, pid, boot } : { host, pid };
  } catch {
    return null;
  }
}

/**
 * A lock naming this process's own pid is from an earlier process that had the
 * same pid (a restarted container), and one from an earlier boot is from a
 * process that is gone whatever now has its pid: neither holds it any more.
 */
function isHeld({ host, pid, boot }: Holder): boolean {
  if (host !== hostname()) return true;
  if (boot !== undefined && BOOT_ID !== undefined && boot !== BOOT_ID) return false;
  return pid !== process.pid && isAlive(pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/** JSON with object keys sorted, so the same value always gives the same text. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
