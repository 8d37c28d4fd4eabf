// Run-folder locks under contention: many processes at once, as racing
// trainers on one runs folder are.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { claimValue, releaseLock, takeLock } from '../src/runs/lock';

/** Beyond Linux's largest pid (2^22): never a live process. */
const DEAD_PID = 2 ** 22 + 1;

// Each contender waits for "<dir> <time>" on stdin, spins until that moment so
// that all of them try at once, tries to lock the run folder and says whether it
// won. It stays alive (so its lock stays live) until stdin closes.
const CONTENDER = `
  import { createInterface } from 'node:readline';
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
      writeFileSync(join(dir, 'lock'), JSON.stringify({ host: hostname(), pid: DEAD_PID }));
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
    expect(takeLock(file)).toEqual({ file, host: hostname(), pid: process.ppid });
    writeFileSync(file, JSON.stringify({ host: 'elsewhere', pid: DEAD_PID }));
    expect(takeLock(file)).toEqual({ file, host: 'elsewhere', pid: DEAD_PID });
  });

  it('takes over a lock from an earlier boot, whatever now has its pid', () => {
    const file = lockIn();
    writeFileSync(file, JSON.stringify({ host: hostname(), pid: process.ppid, boot: 'an-earlier-boot' }));
    expect(takeLock(file)).toBeNull();
  });

  it('takes over a lock cut short, and releases it', () => {
    const file = lockIn();
    writeFileSync(file, '');
    expect(takeLock(file)).toBeNull();
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.pid);
    releaseLock(file);
    expect(readdirSync(join(file, '..'))).toEqual([]);
  });

  it('is not stopped by a process that died while taking over a dead lock', () => {
    const file = lockIn();
    const dead = JSON.stringify({ host: hostname(), pid: DEAD_PID });
    writeFileSync(file, dead);
    // the guard it held: named after the content of the lock it was taking over
    const guard = `${file}.${createHash('sha256').update(dead).digest('hex').slice(0, 32)}`;
    writeFileSync(guard, JSON.stringify({ host: hostname(), pid: DEAD_PID - 1 }));
    expect(takeLock(file)).toBeNull();
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.pid);
    expect(readdirSync(join(file, '..'))).toEqual(['lock']); // no guard left behind
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

    writeFileSync(join(runsDir, '.claims', file), JSON.stringify({ host: hostname(), pid: DEAD_PID }));
    const retaken = claimValue(runsDir, value);
    expect(retaken.claimed).toBe(true);
    if (retaken.claimed) retaken.release();
    expect(readdirSync(join(runsDir, '.claims'))).not.toContain(file);
  });
});
