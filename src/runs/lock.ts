import { createHash, randomUUID } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

const LOCK_FILE = 'lock';
const CLAIMS_DIR = '.claims';
const DEFAULT_LEASE_MS = 2 * 60 * 1000;

/** Which boot of this host a process belongs to (Linux): after a reboot, its pid may be another process's. */
export const BOOT_ID = readOr('/proc/sys/kernel/random/boot_id');
/**
 * Which PID namespace this process's pid is counted in (Linux): two containers
 * with host networking, or `unshare --pid`, share a host name and boot but not
 * pids (each trainer may be pid 1), so a pid says nothing across namespaces.
 */
export const PID_NAMESPACE = (() => {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return undefined;
  }
})();

/**
 * How long a lock lives without being renewed. Its holder renews it every
 * quarter of that while it runs, so only a process that is gone (a crashed
 * node, kill -9) or stalled that long leaves one this old. Minutes, because
 * a lock on shared storage is judged by another host's clock: clocks must
 * agree to well within it. Tests shorten it with SWEEPBOOK_LOCK_LEASE_MS.
 */
export function leaseMs(): number {
  const ms = Number(process.env.SWEEPBOOK_LOCK_LEASE_MS);
  return Number.isFinite(ms) && ms > 0 ? ms : DEFAULT_LEASE_MS;
}

/** The tokens of the locks this process holds now. */
const heldHere = new Set<string>();

/** The process that holds a lock, and the file that says so. */
export interface LockHolder {
  file: string;
  host: string;
  pid: number;
  /** When its holder last renewed it (ms since the epoch). */
  renewed: number;
  /**
   * A process of this host, boot and PID namespace, known to be alive. Any
   * other holder is known only to have renewed the lock lately: it may have
   * died since (a crashed node, a container restarted in place).
   */
  checkable: boolean;
}

/** A lock its holder no longer holds (taken over, removed, or left unrenewed too long): it must write nothing more. */
export class LockLostError extends Error {
  constructor(
    readonly file: string,
    why: string,
  ) {
    super(`${file}: ${why}; this trainer stopped the run and wrote nothing more to it`);
    this.name = 'LockLostError';
  }
}

/**
 * A lock this process holds: renewed by a timer while held, and checked by
 * `check()` before each write to what it guards. A holder whose event loop
 * stalled past most of the lease counts it as lost even if no one took it:
 * another host may be taking it over right now, and it cannot know.
 */
export class HeldLock {
  private lastRenewed = Date.now();
  private lastChecked = Date.now();
  private lost: string | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly file: string,
    /** The lock file's content: this process's token makes it unique. */
    private readonly content: string,
    private readonly token: string,
  ) {
    heldHere.add(token);
    this.timer = setInterval(() => this.renew(), leaseMs() / 4);
    this.timer.unref(); // a held lock must not keep a finished process alive
  }

  /**
   * Throws LockLostError unless this process still holds the lock. Cheap: it
   * reads the file at most every second (an eighth of the lease if shorter),
   * and at once after a stall, so a lock taken over is never written after.
   */
  check(): void {
    const now = Date.now();
    if (this.lost === null && now - this.lastChecked >= Math.min(1000, leaseMs() / 8)) {
      this.lastChecked = now;
      this.renew();
    }
    if (this.lost !== null) throw new LockLostError(this.file, this.lost);
  }

  /** Lets go of the lock: its file is removed only if it is still this one (a lost lock is another's now). */
  release(): void {
    clearInterval(this.timer);
    heldHere.delete(this.token);
    if (this.lost === null && readLock(this.file) === this.content) rmSync(this.file, { force: true });
    this.lost ??= 'released';
  }

  /** Touches the lock file (its mtime is when it was renewed), after checking it is still ours. */
  private renew(): void {
    if (this.lost !== null) return;
    const now = Date.now();
    if (now - this.lastRenewed > (leaseMs() * 3) / 4) {
      this.lost = `this process did not renew its lock for ${Math.round((now - this.lastRenewed) / 1000)} s (stalled), so another may have taken it over`;
      return;
    }
    let seen: string | null;
    try {
      seen = readLock(this.file);
    } catch {
      return; // an I/O error (shared storage): tried again soon; the lease bounds how long
    }
    if (seen !== this.content) {
      const holder = seen === null ? null : parseHolder(seen);
      this.lost = holder ? `taken over by process ${holder.pid} on ${holder.host}` : 'its lock file was removed';
      return;
    }
    try {
      utimesSync(this.file, now / 1000, now / 1000);
      this.lastRenewed = now;
    } catch {
      // as above
    }
  }
}

/**
 * Takes the lock file `file` for this process: the lock, or who holds it. A
 * lock is held while its holder renews it (see leaseMs), on any host; one not
 * renewed for the lease is dead and taken over. On this host, in this PID
 * namespace and boot, a lock whose process is gone is dead at once (a trainer
 * killed here is resumed without waiting out the lease).
 *
 * Every step that decides who wins is exclusive, so of many processes trying
 * at once exactly one wins. A new lock file is linked into place whole (link
 * fails when the name exists), so it is never seen half written. A dead lock is
 * replaced only under a guard named after that lock's content, created the same
 * exclusive way: of all processes that saw the same dead lock, one gets its
 * guard, checks the lock is still that one and still dead (its holder may have
 * renewed it meanwhile) and replaces it; the others lose. (A guard left by a
 * process that died holding it is a dead lock itself, taken over the same
 * way.) Each lock's content is unique (its token), so a guard never applies to
 * a later lock.
 */
export function takeLock(file: string): HeldLock | LockHolder {
  const token = randomUUID();
  const mine = JSON.stringify({ token, host: hostname(), pid: process.pid, boot: BOOT_ID, pidns: PID_NAMESPACE });
  for (;;) {
    if (createWhole(file, mine)) return new HeldLock(file, mine, token);
    const seen = readLockState(file);
    if (seen === null) continue; // released meanwhile
    if (seen.holder && isHeld(seen.holder, seen.renewed)) return lockHolder(file, seen.holder, seen.renewed);

    const guard = `${file}.${digest(seen.content)}`;
    const guardLock = takeLock(guard);
    if (!(guardLock instanceof HeldLock)) return guardLock; // another process is taking it over right now
    try {
      const now = readLockState(file);
      if (now?.content !== seen.content) continue; // taken over or released meanwhile: look again
      if (now.holder && isHeld(now.holder, now.renewed)) return lockHolder(file, now.holder, now.renewed); // renewed meanwhile
      const tmp = `${file}.${randomUUID()}.tmp`;
      writeFileSync(tmp, mine);
      renameSync(tmp, file);
      return new HeldLock(file, mine, token);
    } finally {
      guardLock.release();
    }
  }
}

/**
 * "process 123 on host-a", and when its lock would be taken over: one not
 * renewed for the lease is dead, whichever host it names.
 */
export function describeHolder(holder: LockHolder): string {
  const ago = Math.max(0, Math.round((Date.now() - holder.renewed) / 1000));
  const lease = Math.round(leaseMs() / 1000);
  return `process ${holder.pid} on ${holder.host} (its lock ${holder.file} was renewed ${ago} s ago; one not renewed for ${lease} s is taken over)`;
}

/** A run folder another live trainer holds the lock of. */
export class RunLockedError extends Error {
  constructor(readonly holder: LockHolder) {
    super(`${holder.file}: the run is being trained by ${describeHolder(holder)}`);
    this.name = 'RunLockedError';
  }
}

/**
 * Claims a run folder for one writer. Two trainers resuming the same
 * unfinished run would interleave its metrics, so the second one is refused
 * (RunLockedError).
 */
export function lockRun(runDir: string): HeldLock {
  const taken = takeLock(join(runDir, LOCK_FILE));
  if (!(taken instanceof HeldLock)) throw new RunLockedError(taken);
  return taken;
}

/**
 * Whether a live trainer holds the run folder's lock (this process, or one
 * that renews it). A run recorded as running whose lock nobody holds was
 * stopped by a crash or kill -9.
 */
export function isRunLocked(runDir: string): boolean {
  const seen = readLockState(join(runDir, LOCK_FILE));
  return seen?.holder != null && isHeld(seen.holder, seen.renewed);
}

/**
 * Removes a run folder's lock unless a live process holds it. A completed run
 * holds none: a lock there was left by a trainer that died as it finished.
 */
export function removeDeadLock(runDir: string): void {
  const file = join(runDir, LOCK_FILE);
  if (!existsSync(file)) return;
  const taken = takeLock(file);
  if (taken instanceof HeldLock) taken.release();
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
 * process's claim (see takeLock) is taken over.
 */
export function claimValue(runsDir: string, value: ValueKey): ValueClaim {
  const dir = join(runsDir, CLAIMS_DIR);
  mkdirSync(dir, { recursive: true });
  const taken = takeLock(join(dir, digest(canonicalJson(value.config))));
  return taken instanceof HeldLock ? { claimed: true, release: () => taken.release() } : { claimed: false, holder: taken };
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

/** The lock file's content, who it names (null when cut short) and when it was last renewed (its mtime); null when there is none. */
function readLockState(file: string): { content: string; holder: Holder | null; renewed: number } | null {
  const content = readLock(file);
  if (content === null) return null;
  let renewed: number;
  try {
    renewed = statSync(file).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return { content, holder: parseHolder(content), renewed };
}

function lockHolder(file: string, holder: Holder, renewed: number): LockHolder {
  return { file, host: holder.host, pid: holder.pid, renewed, checkable: isComparable(holder) };
}

interface Holder {
  /** Unique to the process that took the lock (absent in locks of older versions). */
  token?: string;
  host: string;
  pid: number;
  boot?: string;
  pidns?: string;
}

/** Null for a lock cut short (a full disk, a crash): nobody holds it. */
function parseHolder(content: string): Holder | null {
  try {
    const { token, host, pid, boot, pidns } = JSON.parse(content) as Record<string, unknown>;
    if (typeof host !== 'string' || typeof pid !== 'number') return null;
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
    return { token: text(token), host, pid, boot: text(boot), pidns: text(pidns) };
  } catch {
    return null;
  }
}

/**
 * Held: by this process, or by one that renewed it within the lease. A pid is
 * checked only where it means the same process: this host, boot and PID
 * namespace (there, a gone process's lock is dead at once, and one naming our
 * own pid but not one of our tokens is an earlier process's, as in a restarted
 * container). Anywhere else, host, pid and boot may all be alike for two live
 * processes: only the lease tells.
 */
function isHeld(holder: Holder, renewed: number): boolean {
  if (holder.token !== undefined && heldHere.has(holder.token)) return true;
  if (Date.now() - renewed > leaseMs()) return false;
  if (!isComparable(holder)) return true;
  return holder.pid !== process.pid && isAlive(holder.pid);
}

/** Whether the holder's pid is a pid here: same host, boot and PID namespace. */
function isComparable(holder: Holder): boolean {
  return holder.host === hostname() && holder.boot !== undefined && holder.boot === BOOT_ID && holder.pidns !== undefined && holder.pidns === PID_NAMESPACE;
}

/** Whether a pid of this host and PID namespace is a live process (EPERM: alive, another user's). */
export function isAlive(pid: number): boolean {
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

function readOr(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}
