import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listRuns, readGenerations, readMetrics, readRunInfo, RunWriter, runsBySweep, runsOfSweep, type NewRun } from '../src/runs';
import { tempPath } from '../src/runs/atomic';
import { DEAD_PID, lockHere } from './fixtures/locks';

const tempRunsDir = () => mkdtempSync(join(tmpdir(), 'sweepbook-runs-'));
/** What a writer killed mid-run leaves of its lock: one naming a process of this host that is gone. */
const killed = (writer: RunWriter) => writeFileSync(join(writer.dir, 'lock'), lockHere(DEAD_PID));

const newRun = (overrides: Partial<NewRun> = {}): NewRun => ({
  sweep: 'kl-test',
  params: { beta: 0.1 },
  label: 'beta=0.1',
  color: 'yellow',
  seed: 3,
  config: { beta: 0.1, steps: 20 },
  totalSteps: 20,
  generationsCapacity: 4,
  ...overrides,
});

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function tensors(step: number) {
  return { w: { shape: [2, 2], data: new Float32Array([step, 1, 2, 3]) } };
}

describe('RunWriter and reader', () => {
  it('round-trips run.json, metrics and generations', () => {
    const runsDir = tempRunsDir();
    const writer = RunWriter.create(runsDir, newRun());
    writer.setBackend('wasm');
    for (let step = 1; step <= 10; step++) {
      writer.logMetrics(step, { raw_reward: step / 10, kl: 2 * step });
      writer.logGeneration(step, `Once upon a time ${step}`);
    }
    writer.finish('completed');

    const [run] = listRuns(runsDir);
    expect(run.info).toMatchObject({
      id: writer.info.id,
      sweep: 'kl-test',
      params: { beta: 0.1 },
      status: 'completed',
      steps_done: 10,
      backend: 'wasm',
      generations: { seen: 10, kept: 4, capacity: 4 },
    });
    expect(run.info.finished).not.toBeNull();
    expect(run.info.id).toMatch(/^\d{8}-\d{6}[a-z]+(-[a-z]+)+$/);

    const metrics = readMetrics(run.dir);
    expect(metrics.map((line) => line.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(metrics[4]).toMatchObject({ step: 5, raw_reward: 0.5, kl: 10 });
    const generations = readGenerations(run.dir);
    expect(generations).toHaveLength(4);
    expect(generations.at(-1)).toEqual({ step: 10, text: 'Once upon a time 10' });
  });

  it('stores non-finite metric values as null', () => {
    const runsDir = tempRunsDir();
    const writer = RunWriter.create(runsDir, newRun());
    writer.logMetrics(1, { kl: Number.NaN, raw_reward: Number.POSITIVE_INFINITY, entropy: 1 });
    writer.finish('failed', 'diverged');
    const [run] = listRuns(runsDir);
    expect(readMetrics(run.dir)[0]).toMatchObject({ kl: null, raw_reward: null, entropy: 1 });
    expect(run.info).toMatchObject({ status: 'failed', error: 'diverged' });
  });

  it('groups runs by sweep', () => {
    const runsDir = tempRunsDir();
    for (const sweep of ['a', 'b', 'a']) RunWriter.create(runsDir, newRun({ sweep })).finish('completed');
    expect(runsOfSweep(runsDir, 'a')).toHaveLength(2);
    expect([...runsBySweep(runsDir).keys()].sort()).toEqual(['a', 'b']);
    expect(listRuns(join(runsDir, 'missing'))).toEqual([]);
  });

  it('resumes from the last checkpoint, dropping what was logged after it', () => {
    const runsDir = tempRunsDir();
    const writer = RunWriter.create(runsDir, newRun());
    for (let step = 1; step <= 7; step++) {
      writer.logMetrics(step, { raw_reward: step });
      writer.logGeneration(step, `text ${step}`);
      if (step === 5) writer.saveCheckpoint(5, { tensors: tensors(5), state: { rng: 42 } });
    }
    // killed here: no finish(), and a half-written line at the end
    appendFileSync(join(writer.dir, 'metrics.jsonl'), '{"step": 8, "ti');
    killed(writer);

    const { writer: resumed, checkpoint } = RunWriter.resume(writer.dir);
    expect(checkpoint?.step).toBe(5);
    expect(checkpoint?.state).toEqual({ rng: 42 });
    expect(checkpoint?.tensors.w.shape).toEqual([2, 2]);
    expect(Array.from(checkpoint!.tensors.w.data)).toEqual([5, 1, 2, 3]);
    expect(readMetrics(writer.dir).map((line) => line.step)).toEqual([1, 2, 3, 4, 5]);
    expect(readGenerations(writer.dir).every((line) => line.step <= 5)).toBe(true);
    expect(resumed.info.generations.seen).toBe(5);

    for (let step = 6; step <= 9; step++) {
      resumed.logMetrics(step, { raw_reward: step });
      resumed.logGeneration(step, `text ${step}`);
    }
    resumed.finish('completed');
    expect(readMetrics(writer.dir).map((line) => line.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(readRunInfo(writer.dir)).toMatchObject({ status: 'completed', steps_done: 9, generations: { seen: 9 } });
  });

  it('resumes exactly as if never interrupted (generations reservoir included)', () => {
    const runsDir = tempRunsDir();
    const whole = RunWriter.create(runsDir, newRun());
    const cut = RunWriter.create(runsDir, newRun());
    for (let step = 1; step <= 30; step++) {
      for (const writer of [whole, cut]) writer.logGeneration(step, `t${step}`);
      if (step === 12) cut.saveCheckpoint(12, { tensors: {}, state: null });
    }
    killed(cut);
    const { writer: resumed } = RunWriter.resume(cut.dir);
    for (let step = 13; step <= 30; step++) resumed.logGeneration(step, `t${step}`);
    whole.finish('completed');
    resumed.finish('completed');
    expect(readGenerations(cut.dir)).toEqual(readGenerations(whole.dir));
  });

  it('starts over when there is no checkpoint, and ignores stale temp files', () => {
    const runsDir = tempRunsDir();
    const writer = RunWriter.create(runsDir, newRun());
    writer.logMetrics(1, { kl: 1 });
    writer.logGeneration(1, 'x');
    writeFileSync(join(writer.dir, 'run.json.999.tmp'), '{"half');
    mkdirSync(join(writer.dir, 'checkpoint.999.tmp'));
    killed(writer);

    expect(listRuns(runsDir)).toHaveLength(1);
    const { checkpoint } = RunWriter.resume(writer.dir);
    expect(checkpoint).toBeNull();
    expect(readMetrics(writer.dir)).toEqual([]);
    expect(readGenerations(writer.dir)).toEqual([]);
    expect(readdirSync(writer.dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('falls back to the previous checkpoint when a crash came between its renames', () => {
    const runsDir = tempRunsDir();
    const writer = RunWriter.create(runsDir, newRun());
    writer.logMetrics(1, { kl: 1 });
    writer.saveCheckpoint(1, { tensors: tensors(1), state: null });
    // what a crash after "checkpoint -> checkpoint.old" and before "tmp -> checkpoint" leaves
    renameSync(join(writer.dir, 'checkpoint'), join(writer.dir, 'checkpoint.old'));
    killed(writer);
    const { checkpoint } = RunWriter.resume(writer.dir);
    expect(checkpoint?.step).toBe(1);
  });

  it('names a corrupt checkpoint file and says how to restart the run', () => {
    const runsDir = tempRunsDir();
    const writer = RunWriter.create(runsDir, newRun());
    writer.logMetrics(1, { kl: 1 });
    writer.saveCheckpoint(1, { tensors: tensors(1), state: null });
    writer.finish('interrupted');
    const checkpoint = join(writer.dir, 'checkpoint');
    const restart = `delete ${checkpoint} to restart the run from step 0`;
    const resumeError = () => {
      try {
        RunWriter.resume(writer.dir);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('expected resume to fail');
    };

    const state = readFileSync(join(checkpoint, 'state.json'), 'utf8');
    writeFileSync(join(checkpoint, 'state.json'), state.slice(0, 20));
    expect(resumeError()).toBe(`${join(checkpoint, 'state.json')}: not valid JSON; ${restart}`);
    writeFileSync(join(checkpoint, 'state.json'), state.replace('"step":1', '"step":"one"'));
    expect(resumeError()).toMatch(new RegExp(`^${escape(join(checkpoint, 'state.json'))}: step: .*; ${escape(restart)}$`));

    writeFileSync(join(checkpoint, 'state.json'), state);
    const bytes = readFileSync(join(checkpoint, 'tensors.bin'));
    writeFileSync(join(checkpoint, 'tensors.bin'), bytes.subarray(0, 10));
    expect(resumeError()).toBe(`${join(checkpoint, 'tensors.bin')}: 10 bytes, but state.json lists 16; ${restart}`);
    // a failed resume leaves the folder as it was: unlocked, and resumable once repaired
    expect(readdirSync(writer.dir)).not.toContain('lock');
    writeFileSync(join(checkpoint, 'tensors.bin'), bytes);
    expect(RunWriter.resume(writer.dir).checkpoint?.step).toBe(1);
  });

  it('gives unique run ids to many processes starting in the same second', () => {
    const runsDir = tempRunsDir();
    const script = `
      import { createRunDir } from ${JSON.stringify(join(process.cwd(), 'src/runs/ids.ts'))};
      const when = new Date('2024-10-30T22:58:13Z');
      for (let i = 0; i < 200; i++) createRunDir(process.argv[1], when);
    `;
    const children = Array.from({ length: 4 }, () =>
      new Promise<number>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, runsDir], { stdio: 'inherit' });
        child.on('exit', (code) => resolve(code ?? 1));
      }),
    );
    return Promise.all(children).then((codes) => {
      expect(codes).toEqual([0, 0, 0, 0]);
      const ids = readdirSync(runsDir);
      expect(ids).toHaveLength(800);
      expect(ids.every((id) => id.startsWith('20241030-225813'))).toBe(true);
    });
  });
});

describe('run folder lock', () => {
  it('refuses a second writer while a live process trains the run, and takes over a dead one', () => {
    const runsDir = tempRunsDir();
    const writer = RunWriter.create(runsDir, newRun());
    writer.saveCheckpoint(0, { tensors: {}, state: null });
    // the lock names this (live) process; pretend it is another live one: our parent
    writeFileSync(join(writer.dir, 'lock'), lockHere(process.ppid));
    expect(() => RunWriter.resume(writer.dir)).toThrow(/being trained by process/);

    writeFileSync(join(writer.dir, 'lock'), lockHere(DEAD_PID));
    const { writer: resumed } = RunWriter.resume(writer.dir);
    resumed.finish('completed');
    expect(readdirSync(writer.dir)).not.toContain('lock');
  });

  it('releases the lock even when the end cannot be recorded: the next train resumes the run', () => {
    const runsDir = tempRunsDir();
    const writer = RunWriter.create(runsDir, newRun({ totalSteps: 2 }));
    writer.logMetrics(2, { raw_reward: 1 });
    writer.saveCheckpoint(2, { tensors: {}, state: null });
    // the process "dies" as it records the final status: run.json cannot be written
    mkdirSync(tempPath(join(writer.dir, 'run.json')));
    expect(() => writer.finish('completed')).toThrow();
    expect(readdirSync(writer.dir)).not.toContain('lock');
    expect(readRunInfo(writer.dir).status).toBe('running'); // so the next train resumes it...

    const { writer: resumed, checkpoint } = RunWriter.resume(writer.dir);
    expect(checkpoint?.step).toBe(2); // ...with nothing left to train, and completes it
    resumed.finish('completed');
    expect(readRunInfo(writer.dir).status).toBe('completed');
    expect(readdirSync(writer.dir)).not.toContain('lock');
  });
});

/** Mounts a tmpfs of `size` on `dir`: a small disk to fill. False where mounting is not permitted (not root). */
function mountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('a full disk', () => {
  it('names the file, keeps the last checkpoint and the record, and leaves no half-made run folder', (ctx) => {
    const runsDir = tempRunsDir();
    if (!mountTmpfs(runsDir, '64k')) return ctx.skip('mounting a tmpfs is not permitted here (needs root)');
    try {
      const writer = RunWriter.create(runsDir, newRun());
      writer.logMetrics(1, { kl: 1 });
      writer.saveCheckpoint(1, { tensors: tensors(1), state: null });
      const tooBig = { w: { shape: [32768], data: new Float32Array(32768) } }; // 128 KB on a 64 KB disk
      expect(() => writer.saveCheckpoint(2, { tensors: tooBig, state: null })).toThrow(
        `${join(writer.dir, 'checkpoint')}: no space left on device`,
      );
      writer.finish('failed', 'the disk is full');
      expect(readRunInfo(writer.dir)).toMatchObject({ status: 'failed', steps_done: 1 });
      expect(readdirSync(writer.dir).sort()).toEqual(['checkpoint', 'generations.jsonl', 'metrics.jsonl', 'run.json']);

      try {
        writeFileSync(join(runsDir, 'filler'), new Uint8Array(1 << 20));
      } catch {
        // filled up to the last byte
      }
      expect(() => RunWriter.create(runsDir, newRun())).toThrow(/no space left on device/);
      expect(readdirSync(runsDir).sort()).toEqual([basename(writer.dir), 'filler']);
      expect(() => RunWriter.resume(writer.dir)).toThrow(/no space left on device/);
      expect(readdirSync(writer.dir)).not.toContain('lock');

      rmSync(join(runsDir, 'filler'));
      const { writer: resumed, checkpoint } = RunWriter.resume(writer.dir);
      expect(checkpoint?.step).toBe(1);
      resumed.finish('interrupted');
    } finally {
      execFileSync('umount', ['--lazy', runsDir]); // lazy: a writer left open by a failure must not keep the mount
    }
  });
});
