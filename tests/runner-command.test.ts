// Command sweeps: `npm run train` running the user's own program per (value,
// seed), end to end in a temporary project, with a small Node program the
// test writes (it stands for a user's train.py: writes metrics.csv into {out},
// honours --resume, and can be told to fail, kill itself or wait).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRuns, loadSweep, readMetrics, SweepFileError, type Run } from '../src/runs';
import { commandArguments, CommandLineError, fillIn, placeholdersOf } from '../src/runner/command-line';
import { planRuns, sweepUnits } from '../src/runner/plan';
import { buildSite } from '../src/site/build-site';
import { quickRunDirs } from '../src/site/sweep-runs';
import { childPids, isRunning } from './fixtures/processes';

const TRAIN = fileURLToPath(new URL('../scripts/train.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

// The stand-in for a user's training program. Flags: --lr --seed --out --resume --steps,
// --delay ms per step, --fail-at s (exit 3 with a message on stderr), --die-at s (SIGKILL itself),
// --wait-for file (before the last step), --argv file (records its arguments).
const PROGRAM = `
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
const args = process.argv.slice(2);
const flag = (name, fallback) => { const i = args.indexOf('--' + name); return i < 0 ? fallback : args[i + 1]; };
const out = flag('out');
mkdirSync(out, { recursive: true });
if (flag('argv')) writeFileSync(flag('argv'), JSON.stringify(args));
const file = out + '/metrics.csv';
const resume = Number(flag('resume', '0'));
let rows = existsSync(file) && resume > 0 ? readFileSync(file, 'utf8').split('\\n').filter((l) => l && (l.startsWith('step') || Number(l.split(',')[0]) <= resume)) : ['step,loss'];
writeFileSync(file, rows.join('\\n') + '\\n');
const steps = Number(flag('steps', '20'));
const lr = Number(flag('lr', '1'));
const seed = Number(flag('seed', '0'));
const first = rows.length; // the header, then a row per step
process.on('SIGINT', () => { process.stderr.write('stopped by SIGINT\\n'); process.exit(130); });
for (let step = first; step <= steps; step++) {
  if (step === steps && flag('wait-for')) while (!existsSync(flag('wait-for'))) await new Promise((r) => setTimeout(r, 20));
  if (Number(flag('fail-at', -1)) === step) { process.stderr.write('step ' + step + '\\nboom: the loss is NaN\\n'); process.exit(3); }
  if (Number(flag('die-at', -1)) === step && resume === 0) process.kill(process.pid, 'SIGKILL');
  appendFileSync(file, step + ',' + (1 / (1 + lr * step) + seed / 100) + '\\n');
  await new Promise((r) => setTimeout(r, Number(flag('delay', '0'))));
}
`;

let project: string;
let program: string;

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'sweepbook-command-'));
  program = join(project, 'prog.mjs');
  writeFileSync(program, PROGRAM);
});
afterAll(() => rmSync(project, { recursive: true, force: true }));

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[]): { child: ChildProcess; done: Promise<Result> } {
  const env: NodeJS.ProcessEnv = { ...process.env, SWEEPBOOK_STOP_GRACE_MS: '3000' };
  delete env.RUNS_DIR;
  delete env.CONTENT_DIR;
  const child = spawn(process.execPath, ['--import', TSX, TRAIN, ...args], { cwd: project, env, timeout: 120_000, killSignal: 'SIGKILL' });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return { child, done: new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr }))) };
}

/** A sweep of the program in a folder of its own; returns the train arguments for it. */
function sweep(name: string, { extra = '', values = '[1, 10]', seeds = '[0]', steps = 20 } = {}): string[] {
  const dir = join(project, name);
  mkdirSync(join(dir, 'sweeps'), { recursive: true });
  const command = JSON.stringify([process.execPath, program, '--lr', '{lr}', '--seed', '{seed}', '--out', '{out}', '--resume', '{resume}', '--steps', '{steps}', ...(extra ? extra.split(' ') : [])]);
  const yaml = `title: ${name}\nvary: lr\nseeds: ${seeds}\nvalues:\n${JSON.parse(values).map((v: number) => `  - value: ${v}\n`).join('')}command: ${command}\noutput: csv\nsteps: ${steps}\n`;
  writeFileSync(join(dir, 'sweeps', `${name}.yaml`), yaml);
  return ['--sweeps', join(dir, 'sweeps'), '--runs', join(dir, 'runs')];
}

const train = (args: string[]) => start(args).done;
const runsOf = (args: string[]) => listRuns(args[3], () => {}).sort((a, b) => Number(a.info.params.lr) - Number(b.info.params.lr));
const stepsOf = (run: Run) => readMetrics(run.dir, () => {}).map((line) => line.step);
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const alive = isRunning;
const until = async (ok: () => boolean, what: string) => {
  for (const started = Date.now(); !ok(); await new Promise((r) => setTimeout(r, 20))) if (Date.now() - started > 60_000) throw new Error(`timed out waiting until ${what}`);
};

describe('a command line', () => {
  it('splits as a shell would, quotes kept, and fills in each placeholder inside its own argument', () => {
    const args = commandArguments(`python3 "my train.py" --name 'a {lr} b' --tag x\\ y --lr={lr} --json '{{"a": 1}}'`);
    expect(args).toEqual(['python3', 'my train.py', '--name', 'a {lr} b', '--tag', 'x y', '--lr={lr}', '--json', '{{"a": 1}}']);
    expect(args.flatMap(placeholdersOf)).toEqual(['lr', 'lr']);
    // A value that a shell would act on stays text inside its one argument.
    expect(fillIn(args, { lr: '1; rm -rf ~ $(id)' })).toEqual(['python3', 'my train.py', '--name', 'a 1; rm -rf ~ $(id) b', '--tag', 'x y', '--lr=1; rm -rf ~ $(id)', '--json', '{"a": 1}']);
  });

  it('refuses shell syntax, unclosed quotes and stray braces, saying what to write instead', () => {
    expect(() => commandArguments('python train.py > log.txt')).toThrow(/">" at character 17 is shell syntax, but the command runs without a shell/);
    expect(() => commandArguments('python train.py --out $HOME/x')).toThrow(/"\$" at character 23/);
    expect(() => commandArguments(`python 'train.py`)).toThrow(/the ' at character 8 is not closed/);
    expect(() => commandArguments('python train.py --x {1}')).toThrow(/write \{\{ for the character itself/);
    expect(() => commandArguments([''])).toThrow(CommandLineError);
  });
});

describe('a command sweep file', () => {
  const check = (yaml: string) => {
    const dir = mkdtempSync(join(project, 'file-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, `title: Bad\nvary: lr\nvalues:\n  - value: 1\n${yaml}`);
    try {
      sweepUnits(loadSweep(file), false);
    } catch (error) {
      if (!(error instanceof SweepFileError)) throw error;
      return error.message.replace(file, 'bad.yaml');
    }
    return 'accepted';
  };

  it('names the file, line and field of each mistake before anything runs', () => {
    expect(check('command: python t.py --lr {lr} --out {out}\n')).toBe('bad.yaml:5: output: command: needs output: the format the program writes into {out} (tensorboard, csv, hf, run-folder)');
    expect(check('output: csv\n')).toMatch(/^bad.yaml:5: output: output: goes with command:/);
    expect(check('command: python t.py --lr {lr} --out {out} --seeds {sed}\noutput: csv\n')).toMatch(/^bad.yaml:5: command: \{sed\} is not a placeholder \(did you mean \{seed\}\?\); the placeholders: \{lr\}, \{seed\}, \{run_dir\}, \{out\}, \{resume\}$/);
    expect(check('command: python t.py --out {out}\noutput: csv\n')).toMatch(/the command never uses \{lr\}: every value would run the same program/);
    expect(check('seeds: [0, 1]\ncommand: python t.py --lr {lr} --out {out}\noutput: csv\n')).toMatch(/never uses \{seed\}: every seed would run the same program/);
    expect(check('command: python t.py --lr {lr}\noutput: csv\n')).toMatch(/never says where to write: pass it \{out\}/);
    expect(check('command: python t.py --lr {lr} --out {out} --steps {steps}\noutput: csv\n')).toMatch(/\{steps\} needs steps: beside command:/);
    expect(check('command: python t.py --lr {lr} --out {out}\noutput: csv\nconfig: { hidden: 16 }\n')).toMatch(/^bad.yaml:7: config.hidden: the command never uses \{hidden\}/);
    expect(check('command: python t.py --lr {lr} --out {out} --h {hidden}\noutput: csv\nconfig: { hidden: [16] }\n')).toMatch(/config.hidden: a command sweep's config: holds the values of placeholders/);
    expect(check('command: python t.py --lr {lr} --out {out}\noutput: { format: csv, path: ../elsewhere }\n')).toMatch(/output.path: output path "..\/elsewhere": give a folder inside the run folder/);
    expect(check('command: python t.py --lr {lr} --out {out}\noutput: { format: csv, path: metrics.jsonl }\n')).toMatch(/the run folder's own files/);
    expect(check('command: python t.py --lr {lr} --out {out} > log\noutput: csv\n')).toMatch(/^bad.yaml:5: command: ">" at character \d+ is shell syntax/);
    expect(check('command: [python, t.py, --lr, "{lr}", --out, "{out}", --h, "{hidden}"]\noutput: { format: tensorboard }\nconfig: { hidden: 16 }\nsteps: 100\n')).toBe('accepted');
  });

  it('of a grid fills in every param, and must use each', () => {
    const dir = mkdtempSync(join(project, 'grid-'));
    const file = join(dir, 'grid.yaml');
    const grid = (command: string) => {
      writeFileSync(file, `title: Grid\ngrid:\n  lr: [0.1, 0.5]\n  hidden: [8, 16]\ncommand: ${command}\noutput: csv\n`);
      return sweepUnits(loadSweep(file), false);
    };
    const units = grid('python t.py --lr {lr} --hidden {hidden} --out {out}');
    expect(units.map((unit) => unit.config)).toMatchObject([
      { lr: 0.1, hidden: 8 },
      { lr: 0.1, hidden: 16 },
      { lr: 0.5, hidden: 8 },
      { lr: 0.5, hidden: 16 },
    ]);
    expect(() => grid('python t.py --lr {lr} --out {out}')).toThrow(/grid.yaml:\d+: command: the command never uses \{hidden\}: points that differ only in hidden would run the same program/);
  });

  it('is planned as a built-in sweep is: a unit per (value, seed), sharded by the same rule', () => {
    const args = sweep('plan', { values: '[1, 2, 3]', seeds: '[0, 1]' });
    const [sweeps] = [loadSweep(join(args[1], 'plan.yaml'))];
    const plan = (index: number, count: number) => planRuns([sweeps], args[3], { quick: false, fresh: false, shard: { index, count } }).jobs.map((job) => `${job.params.lr}@${job.config.seed}`);
    expect(plan(1, 1)).toEqual(['1@0', '2@0', '3@0', '1@1', '2@1', '3@1']);
    expect([plan(1, 2), plan(2, 2)]).toEqual([['1@0', '3@0', '2@1'], ['2@0', '1@1', '3@1']]);
    expect(planRuns([sweeps], args[3], { quick: false, fresh: false, shard: { index: 1, count: 1 } }).jobs.every((job) => job.kind === 'command')).toBe(true);
  });
});

describe('npm run train on a command sweep', () => {
  it('runs the program once per unit, imports its output as it grows, records its exit, and never runs a completed unit again', async () => {
    const gate = join(project, 'gate');
    const args = sweep('basic', { extra: `--delay 5 --wait-for ${gate} --argv ${join(project, 'argv-{lr}.json')}` });
    const run = start([...args, '--parallel', '2']);
    // Live: the run folder's metrics grow while the program still runs (it waits at its last step).
    await until(() => existsSync(args[3]) && listRuns(args[3], () => {}).length === 2 && runsOf(args).every((r) => stepsOf(r).length >= 10), 'both runs logged 10 steps');
    const live = runsOf(args);
    expect(live.map((r) => r.info.status)).toEqual(['running', 'running']);
    for (const r of live) expect(alive(r.info.process!.pid!)).toBe(true);
    writeFileSync(gate, '');
    const { code, stdout, stderr } = await run.done;
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/run\s+status\s+step\s+loss\s+id/); // the program's own metric, not the built-in trainer's

    const runs = runsOf(args);
    expect(runs.map((r) => [r.info.params.lr, r.info.status, r.info.steps_done, r.info.total_steps])).toEqual([[1, 'completed', 20, 20], [10, 'completed', 20, 20]]);
    for (const r of runs) {
      expect(stepsOf(r)).toEqual(range(20));
      expect(r.info.process).toMatchObject({ pid: null, exit_code: 0, signal: null });
      expect(r.info.process!.argv.slice(2, 8)).toEqual(['--lr', String(r.info.params.lr), '--seed', '0', '--out', join(r.dir, 'out')]);
      expect(readFileSync(join(r.dir, 'command.log'), 'utf8')).toMatch(/\[sweepbook .*\] .*prog\.mjs --lr \d+ --seed 0 --out .* --resume 0 --steps 20/);
    }
    expect(readMetrics(runs[1].dir)[1].loss).toBeCloseTo(1 / 21);

    const again = await train(args);
    expect(again.stdout).toMatch(/Nothing to train: all 2 runs of sweep basic are complete/);
    // A program has no --quick config: its runs are never labelled a quick demo's on their pages.
    expect(quickRunDirs([loadSweep(join(args[1], 'basic.yaml'))], args[3]).size).toBe(0);

    // The site: the sweep page says which program trains it, a run's page what it ran and how it exited.
    const site = join(project, 'basic', 'dist');
    const built = await buildSite({ contentDir: join(project, 'basic'), runsDir: args[3], outDir: site, cacheDir: join(project, 'basic', 'cache') });
    expect(built.code, built.output).toBe(0);
    const text = (page: string) => readFileSync(join(site, page, 'index.html'), 'utf8').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(text('sweeps/basic')).toContain(`Trained by its own program, which npm run train runs once per value and seed, importing what it writes (csv): ${process.execPath} ${program} --lr {lr} --seed {seed} --out {out}`);
    const runPage = text(`runs/${runs[1].info.id}`);
    expect(runPage).toMatch(new RegExp(`status completed steps 20 of 20 seed 0 program \\S+ \\S+prog\\.mjs --lr 10 --seed 0 --out ${runs[1].dir}/out --resume 0 --steps 20 .* exit code 0`));
    expect(runPage).not.toContain('quick demo');
    expect(runPage).not.toContain('Generations');
  }, 120_000);

  it('marks a run whose program fails with its exit code and last stderr lines, and one killed by a signal interrupted; a rerun restarts both with {resume}', async () => {
    const args = sweep('crash', { extra: '--fail-at 12 --die-at 8', values: '[1]' });
    // One program, told to fail at 12 and die at 8: it dies first (SIGKILL), then, restarted, fails.
    const first = await train(args);
    expect(first.code).toBe(1);
    let [run] = runsOf(args);
    expect(run.info.status).toBe('interrupted');
    expect(run.info.process).toMatchObject({ exit_code: null, signal: 'SIGKILL', pid: null });
    expect(stepsOf(run)).toEqual(range(7));

    const second = await train(args);
    expect(second.code).toBe(1);
    [run] = runsOf(args);
    expect(run.info.status).toBe('failed');
    expect(run.info.error).toBe('exited with code 3; its stderr ended: boom: the loss is NaN');
    expect(run.info.process!.stderr_tail).toEqual(['step 12', 'boom: the loss is NaN']);
    expect(run.info.process!.argv).toContain('7'); // --resume 7: the last step imported
    expect(second.stdout).toMatch(/failed: exited with code 3; its stderr ended: boom/);
    expect(stepsOf(run)).toEqual(range(11));
    expect(readFileSync(join(run.dir, 'command.log'), 'utf8')).toMatch(/resuming after step 7: .* --resume 7 /);
  }, 90_000);

  it('survives kill -9 of sweepbook itself: the programs are stopped, their runs marked, and the rerun finishes them from where they were', async () => {
    const args = sweep('kill9', { extra: '--delay 20', steps: 400 });
    const cli = start([...args, '--parallel', '2']);
    await until(() => existsSync(args[3]) && listRuns(args[3], () => {}).length === 2 && runsOf(args).every((r) => stepsOf(r).length >= 5), 'both runs logged 5 steps');
    const pids = runsOf(args).map((r) => r.info.process!.pid!);
    expect(pids.every(alive)).toBe(true);
    cli.child.kill('SIGKILL');
    await cli.done; // its pipes close once the workers, which share them, have exited
    await until(() => !pids.some(alive), 'the programs are gone');

    const stopped = runsOf(args);
    expect(stopped.map((r) => r.info.status)).toEqual(['interrupted', 'interrupted']);
    const stoppedAt = stopped.map((r) => r.info.steps_done);
    for (const [i, r] of stopped.entries()) {
      expect(stoppedAt[i]).toBeGreaterThan(0);
      expect(stepsOf(r)).toEqual(range(stoppedAt[i]));
      expect(readFileSync(join(r.dir, 'command.log'), 'utf8')).toMatch(/stopping it \(SIGINT\)[\s\S]*stopped by SIGINT/);
    }

    const rerun = await train(args);
    expect(rerun.code, rerun.stderr).toBe(0);
    for (const [i, r] of runsOf(args).entries()) {
      expect(r.info.status).toBe('completed');
      expect(stepsOf(r)).toEqual(range(400));
      expect(r.info.process!.argv).toContain(String(stoppedAt[i]));
    }
  }, 90_000);

  it('kills a program its killed worker left running before the rerun restarts its run, so two never write one output folder', async () => {
    const args = sweep('orphan', { extra: '--delay 25', steps: 600, values: '[1]' });
    const cli = start(args);
    await until(() => existsSync(args[3]) && listRuns(args[3], () => {}).length === 1 && stepsOf(runsOf(args)[0]).length >= 5, 'the run logged 5 steps');
    const program = runsOf(args)[0].info.process!.pid!;
    const [worker] = childPids(cli.child.pid!);
    process.kill(worker, 'SIGKILL');
    const first = await cli.done;
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/failed: worker process exited \(SIGKILL\)/);
    expect(alive(program)).toBe(true); // in its own process group: nothing stopped it

    // When the rerun's program has started, the old one is gone (it had seconds of steps left).
    const again = start(args);
    await until(() => [program, null].every((pid) => runsOf(args)[0].info.process!.pid !== pid), 'the rerun started its program');
    expect(alive(program)).toBe(false);
    const rerun = await again.done;
    expect(rerun.code, rerun.stderr).toBe(0);
    const [run] = runsOf(args);
    expect(run.info.status).toBe('completed');
    expect(stepsOf(run)).toEqual(range(600));
  }, 90_000);

  it('stops the programs on Ctrl-C and marks their runs interrupted', async () => {
    const args = sweep('ctrlc', { extra: '--delay 20', steps: 400, values: '[1]' });
    const cli = start(args);
    await until(() => existsSync(args[3]) && listRuns(args[3], () => {}).length === 1 && stepsOf(runsOf(args)[0]).length >= 5, 'the run logged 5 steps');
    const [{ info }] = runsOf(args);
    cli.child.kill('SIGINT');
    const { code } = await cli.done;
    expect(code).toBe(130);
    expect(alive(info.process!.pid!)).toBe(false);
    const [run] = runsOf(args);
    expect(run.info.status).toBe('interrupted');
    expect(run.info.process!.exit_code).toBe(130);
  }, 60_000);

  it('fails a run whose program cannot start, or writes a line the run-folder format refuses, naming the file and line', async () => {
    const dir = join(project, 'bad-output', 'sweeps');
    mkdirSync(dir, { recursive: true });
    // A program writing the run-folder format itself, with a bad third line.
    const writer = join(project, 'writes-jsonl.mjs');
    writeFileSync(writer, `import { writeFileSync } from 'node:fs';\nwriteFileSync(process.argv[2] + '/metrics.jsonl', '{"step":1,"time":null,"loss":1}\\n{"step":2,"time":null,"loss":0.5}\\n{"step":3,"time":null,"loss":"low"}\\n{"step":4,"time":null,"loss":0.2}\\n');\n`);
    writeFileSync(join(dir, 'jsonl.yaml'), `title: J\nvary: lr\nvalues:\n  - value: 1\ncommand: ${JSON.stringify([process.execPath, writer, '{out}', '{lr}'])}\noutput: run-folder\n`);
    writeFileSync(join(dir, 'missing.yaml'), `title: M\nvary: lr\nvalues:\n  - value: 1\ncommand: no-such-program-here --lr {lr} --out {out}\noutput: csv\n`);
    const { code, stdout } = await train(['--sweeps', dir, '--runs', join(project, 'bad-output', 'runs')]);
    expect(code).toBe(1);
    const runs = listRuns(join(project, 'bad-output', 'runs'), () => {});
    const jsonl = runs.find((r) => r.info.sweep === 'jsonl')!;
    expect(jsonl.info.status).toBe('failed');
    expect(jsonl.info.error).toMatch(/^exited with code 0, but its output cannot be read: .*out\/metrics\.jsonl:3: .*loss/);
    const missing = runs.find((r) => r.info.sweep === 'missing')!;
    expect(missing.info.error).toMatch(/^cannot start no-such-program-here: no such program \(not on PATH, nor a file relative to /);
    expect(stdout).toMatch(/missing lr=1 failed: cannot start no-such-program-here/);
  }, 60_000);

  it('imports what a program writes in TensorBoard event files or Hugging Face trainer state, as the importers read it, growing as it writes', async () => {
    const dir = join(project, 'formats', 'sweeps');
    mkdirSync(dir, { recursive: true });
    // Stands for a trainer writing real files: it copies another program's, an event file in two pieces (cut inside a record), a pause between.
    const copier = join(project, 'copies.mjs');
    writeFileSync(
      copier,
      `import { cpSync, readdirSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
const [from, out, kind] = process.argv.slice(2);
if (kind === 'hf') cpSync(from, out, { recursive: true });
else {
  const name = readdirSync(from)[0];
  const bytes = readFileSync(from + '/' + name);
  writeFileSync(out + '/' + name, bytes.subarray(0, 1001));
  await new Promise((r) => setTimeout(r, 2500));
  appendFileSync(out + '/' + name, bytes.subarray(1001));
}
`,
    );
    const fixtures = join(import.meta.dirname, 'fixtures');
    const sweepFile = (format: string, from: string) =>
      `title: ${format}\nvary: kind\nvalues:\n  - value: ${format}\ncommand: ${JSON.stringify([process.execPath, copier, from, '{out}', '{kind}'])}\noutput: ${format === 'hf' ? 'hf' : 'tensorboard'}\n`;
    writeFileSync(join(dir, 'tb.yaml'), sweepFile('tb', join(fixtures, 'tfevents', 'reducer-strict')));
    writeFileSync(join(dir, 'hf.yaml'), sweepFile('hf', join(fixtures, 'hf', 'trainer')));
    const runsDir = join(project, 'formats', 'runs');
    const run = start(['--sweeps', dir, '--runs', runsDir, '--parallel', '2']);
    let finished = false;
    void run.done.then(() => (finished = true));
    const seen = new Set<number>(); // how many steps the event file's run had, each time looked at
    while (!finished) {
      const tbRun = existsSync(runsDir) ? listRuns(runsDir, () => {}).find((r) => r.info.sweep === 'tb') : undefined;
      if (tbRun) seen.add(stepsOf(tbRun).length);
      await new Promise((r) => setTimeout(r, 50));
    }
    const { code, stderr } = await run.done;
    expect(code, stderr).toBe(0);
    expect([...seen].some((n) => n > 0 && n < 100), `steps seen: ${[...seen]}`).toBe(true);
    const runs = listRuns(runsDir, () => {});
    const tb = runs.find((r) => r.info.sweep === 'tb')!;
    expect(tb.info.status).toBe('completed');
    expect(stepsOf(tb)).toEqual(Array.from({ length: 100 }, (_, i) => 5 * i));
    // An import read the records before the cut, a later one on from there, neither an error.
    expect(readFileSync(join(tb.dir, 'command.log'), 'utf8')).not.toMatch(/cannot read/);
    const hf = runs.find((r) => r.info.sweep === 'hf')!;
    expect(hf.info.status).toBe('completed');
    expect(Object.keys(readMetrics(hf.dir)[0])).toEqual(expect.arrayContaining(['step', 'loss']));
  }, 60_000);
});

