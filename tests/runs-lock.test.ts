// Run-folder locks: under contention (many processes at once, as racing
// trainers on one runs folder are), across PID namespaces and hosts, and
// their lease: renewed while held, dead when not.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RunWriter } from '../src/runs';
import { tempPath } from '../src/runs/atomic';
import { claimValue, HeldLock, LockLostError, takeLock } from '../src/runs/lock';
import { DEAD_PID, lockHere, lockInOtherPidNamespace } from './fixtures/locks';

// Each contender waits for "<dir> <time>" on stdin, spins until that moment so
// that all of them try at once, tries to lock the run folder and says whether it
// won. It stays alive (so its lock stays live) until stdin closes.
const CONTENDER = `
  import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
  import { lockRun } from ${JSON.stringify(join(process.cwd(), 'src/runs/lock.ts'))};
  for await (const line of createInterface({ input: process.stdin })) {
    const [dir, at] = line.split(' ');
    while (Date.now() < Number(at));
    let won = true;
    try {
      lockRun(dir);
    } catch {
      won = false;
    }
    console.log(won ? 'won' : 'lost');
  }
`;

interface Contender {
  child: ChildProcess;
  answers: AsyncIterator<string>;
}

function startContender(): Contender {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CONTENDER], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return { child, answers: createInterface({ input: child.stdout! })[Symbol.asyncIterator]() };
}

const contenders: Contender[] = [];
afterAll(() => contenders.forEach(({ child }) => child.stdin!.end()));

describe('run folder lock under contention', () => {
  it('lets exactly one of many processes take over the lock of a dead one', async () => {
    const runsDir = mkdtempSync(join(tmpdir(), 'sweepbook-lock-'));
    contenders.push(...Array.from({ length: 8 }, startContender));
    // A first round, untimed, waits until every contender has started (tsx takes a while).
    const warmUp = join(runsDir, 'warm-up');
    mkdirSync(warmUp);
    contenders.forEach(({ child }) => child.stdin!.write(`${warmUp} 0\n`));
    await Promise.all(contenders.map(({ answers }) => answers.next()));

    const winners: number[] = [];
    for (let trial = 0; trial < 30; trial++) {
      const dir = join(runsDir, `trial-${trial}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'lock'), lockHere(DEAD_PID));
      const at = Date.now() + 50;
      contenders.forEach(({ child }) => child.stdin!.write(`${dir} ${at}\n`));
      const answers = await Promise.all(contenders.map(({ answers }) => answers.next()));
      winners.push(answers.filter(({ value }) => value === 'won').length);
      // the winner's lock is what the folder holds now
      expect(JSON.parse(readFileSync(join(dir, 'lock'), 'utf8')).pid).not.toBe(DEAD_PID);
    }
    expect(winners).toEqual(Array(30).fill(1));
  });
});

describe('lock takeover', () => {
  const lockIn = () => join(mkdtempSync(join(tmpdir(), 'sweepbook-lock-')), 'lock');

  it('respects a live process on this host and any process on another host', () => {
    const file = lockIn();
    writeFileSync(file, JSON.stringify({ host: hostname(), pid: process.ppid }));
    expect(takeLock(file)).toMatchObject({ file, host: hostname(), pid: process.ppid });
    writeFileSync(file, JSON.stringify({ host: 'elsewhere', pid: DEAD_PID }));
    expect(takeLock(file)).toMatchObject({ file, host: 'elsewhere', pid: DEAD_PID });
  });

  it('takes over a lock cut short, and releases it', () => {
    const file = lockIn();
    writeFileSync(file, '');
    const lock = takeLock(file);
    expect(lock).toBeInstanceOf(HeldLock);
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.pid);
    (lock as HeldLock).release();
    expect(readdirSync(join(file, '..'))).toEqual([]);
  });

  it('is not stopped by a process that died while taking over a dead lock', () => {
    const file = lockIn();
    const dead = lockHere(DEAD_PID);
    writeFileSync(file, dead);
    // the guard it held: named after the content of the lock it was taking over
    const guard = `${file}.${createHash('sha256').update(dead).digest('hex').slice(0, 32)}`;
    writeFileSync(guard, lockHere(DEAD_PID - 1));
    const lock = takeLock(file);
    expect(lock).toBeInstanceOf(HeldLock);
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.pid);
    expect(readdirSync(join(file, '..'))).toEqual(['lock']); // no guard left behind
    (lock as HeldLock).release();
  });
});

describe('claims on sweep units', () => {
  const value = { config: { lr: 0.1, seed: 0, beta: 1 } };

  it('is one lock file per unit config in runs/.claims, released when done', () => {
    const runsDir = mkdtempSync(join(tmpdir(), 'sweepbook-claims-'));
    const claim = claimValue(runsDir, value);
    expect(claim.claimed).toBe(true);
    const [file] = readdirSync(join(runsDir, '.claims'));
    // the same unit, its config keys in another order: the same claim
    writeFileSync(join(runsDir, '.claims', file), JSON.stringify({ host: hostname(), pid: process.ppid }));
    expect(claimValue(runsDir, { config: { seed: 0, beta: 1, lr: 0.1 } })).toMatchObject({ claimed: false, holder: { pid: process.ppid } });
    // the same unit planned by another sweep (a job carries its sweep and params too): the same claim, one run for both
    const otherSweepsJob = { sweep: 'other-sweep', params: { beta: 1 }, label: 'one', config: value.config };
    expect(claimValue(runsDir, otherSweepsJob)).toMatchObject({ claimed: false, holder: { pid: process.ppid } });
    // another value, another seed or another config is another claim
    expect(claimValue(runsDir, { config: { ...value.config, beta: 2 } }).claimed).toBe(true);
    expect(claimValue(runsDir, { config: { ...value.config, seed: 1 } }).claimed).toBe(true);
    expect(claimValue(runsDir, { config: { ...value.config, lr: 0.2 } }).claimed).toBe(true);
    expect(readdirSync(join(runsDir, '.claims'))).toHaveLength(4);

    writeFileSync(join(runsDir, '.claims', file), lockHere(DEAD_PID));
    const retaken = claimValue(runsDir, value);
    expect(retaken.claimed).toBe(true);
    if (retaken.claimed) retaken.release();
    expect(readdirSync(join(runsDir, '.claims'))).not.toContain(file);
  });
});

/**
 * What another process of this host and namespace gets from takeLock(file):
 * 'taken', or the holder's pid; and its temp name for `file`. Not blocking:
 * our lock is renewed meanwhile.
 */
async function takeInAnotherProcess(file: string): Promise<{ taken: string; temp: string }> {
  const script = `
    import { takeLock, HeldLock } from ${JSON.stringify(join(process.cwd(), 'src/runs/lock.ts'))};
    import { tempPath } from ${JSON.stringify(join(process.cwd(), 'src/runs/atomic.ts'))};
    const taken = takeLock(process.argv[1]);
    console.log(JSON.stringify({ taken: taken instanceof HeldLock ? 'taken' : String(taken.pid), temp: tempPath(process.argv[1]) }));
    if (taken instanceof HeldLock) taken.release();
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, file]);
  return JSON.parse(stdout) as { taken: string; temp: string };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const anHourAgo = () => new Date(Date.now() - 3600_000);

describe('who holds a lock', () => {
  const lockIn = () => join(mkdtempSync(join(tmpdir(), 'sweepbook-lock-')), 'lock');

  it('respects a live lock of another PID namespace of this host, even one naming our own pid', () => {
    // Two containers with host networking, or `unshare --pid`: both trainers may be pid 1.
    const file = lockIn();
    writeFileSync(file, lockInOtherPidNamespace(process.pid));
    expect(takeLock(file)).toMatchObject({ host: hostname(), pid: process.pid });
    writeFileSync(file, lockInOtherPidNamespace(DEAD_PID)); // not in our namespace, so not known to be dead
    expect(takeLock(file)).toMatchObject({ pid: DEAD_PID });
  });

  it('takes over a lock naming our own pid in our own namespace: an earlier process that had it', () => {
    const file = lockIn();
    writeFileSync(file, lockHere(process.pid));
    const lock = takeLock(file);
    expect(lock).toBeInstanceOf(HeldLock);
    (lock as HeldLock).release();
  });

  it('respects a renewed lock of another host or another boot, and takes over one not renewed for the lease', () => {
    const file = lockIn();
    // Two machines with one host name have different boots: their pids say nothing to each other.
    for (const holder of [{ host: 'elsewhere' }, { host: hostname(), boot: 'another-machines-boot' }]) {
      writeFileSync(file, JSON.stringify({ token: 'theirs', pid: process.ppid, ...holder }));
      expect(takeLock(file)).toMatchObject({ host: holder.host, pid: process.ppid });
      utimesSync(file, anHourAgo(), anHourAgo()); // that node crashed an hour ago
      const lock = takeLock(file);
      expect(lock).toBeInstanceOf(HeldLock);
      expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.pid);
      (lock as HeldLock).release();
    }
  });

  it('takes over a lock of a live process of this host that stopped renewing it (a stalled or reused pid)', () => {
    const file = lockIn();
    writeFileSync(file, lockHere(process.ppid));
    utimesSync(file, anHourAgo(), anHourAgo());
    expect(takeLock(file)).toBeInstanceOf(HeldLock);
  });
});

describe('a held lock', () => {
  afterEach(() => {
    delete process.env.SWEEPBOOK_LOCK_LEASE_MS;
  });

  it('is renewed while held, so another process cannot take it over after the lease', async () => {
    process.env.SWEEPBOOK_LOCK_LEASE_MS = '600';
    const file = join(mkdtempSync(join(tmpdir(), 'sweepbook-lock-')), 'lock');
    const lock = takeLock(file) as HeldLock;
    await sleep(1500);
    expect(Date.now() - statSync(file).mtimeMs).toBeLessThan(600);
    const other = await takeInAnotherProcess(file);
    expect(other.taken).toBe(String(process.pid));
    // and its temp files are not ours: names are unique per process, not per pid
    expect(other.temp).not.toBe(tempPath(file));
    expect(tempPath(file)).not.toContain(`.${process.pid}.`);
    lock.release();
    expect((await takeInAnotherProcess(file)).taken).toBe('taken');
  });

  it('that was taken over stops its run before the next write, and writes nothing more', async () => {
    process.env.SWEEPBOOK_LOCK_LEASE_MS = '800'; // checks at most every 100 ms
    const runsDir = mkdtempSync(join(tmpdir(), 'sweepbook-lock-'));
    const writer = RunWriter.create(runsDir, {
      sweep: 's', params: { beta: 1 }, label: 'beta=1', color: 'red', seed: 0, config: {}, totalSteps: 10, generationsCapacity: 0,
    });
    writer.logMetrics(1, { kl: 1 });
    writer.saveCheckpoint(1, { tensors: {}, state: null });
    // another trainer takes the run over (as after this one stalled past the lease)
    const theirs = lockHere(process.ppid);
    writeFileSync(join(writer.dir, 'lock'), theirs);
    const files = () => Object.fromEntries(readdirSync(writer.dir).filter((name) => name !== 'checkpoint').map((name) => [name, readFileSync(join(writer.dir, name), 'utf8')]));
    const before = files();
    await sleep(150);
    expect(() => writer.logMetrics(2, { kl: 2 })).toThrow(LockLostError);
    expect(() => writer.logMetrics(2, { kl: 2 })).toThrow(/lock: taken over by process \d+ on .*; this trainer stopped the run and wrote nothing more to it/);
    expect(() => writer.saveCheckpoint(2, { tensors: {}, state: null })).toThrow(LockLostError);
    expect(() => writer.finish('completed')).toThrow(LockLostError);
    expect(files()).toEqual(before); // the lock still theirs, metrics and run.json as they were
  });

  it('counts itself lost after its holder stalled for most of the lease: another may be taking it over', () => {
    process.env.SWEEPBOOK_LOCK_LEASE_MS = '400';
    const file = join(mkdtempSync(join(tmpdir(), 'sweepbook-lock-')), 'lock');
    const lock = takeLock(file) as HeldLock;
    for (const until = Date.now() + 500; Date.now() < until; ); // the event loop blocked: no renewal
    expect(() => lock.check()).toThrow(/did not renew its lock for \d+ s/);
    lock.release();
  });
});
