// Bench: training speed of this tree against another commit, in one run. The
// baseline's own bench code (src/bench/train.ts at <ref>, unpacked with `git
// archive` into a temp folder) and this tree's run in alternating child
// processes, so both see the same machine state; medians over the rounds give
// the speed-up.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const CHILD = resolve('scripts/bench-train.ts');

/** `wall` time, or this process's `cpu` time (steadier while other jobs share the machine). */
export type Clock = 'wall' | 'cpu';

interface TrainFigures {
  bench: 'pretrain' | 'rl';
  s_per_step: number;
}

/** Unpacks `ref` into a temp folder that shares this tree's node_modules. */
function checkout(ref: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sweepbook-baseline-'));
  const tar = execFileSync('git', ['archive', '--format=tar', ref], { maxBuffer: 1 << 28 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** Runs the pretraining and RL benches of the tree at `root` in a fresh process. */
function runTrainBenches(root: string, clock: Clock): TrainFigures[] {
  const child = spawnSync(process.execPath, ['--import', 'tsx', CHILD, root, '--clock', clock], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`bench of ${root} failed:\n${child.stderr}`);
  return child.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as TrainFigures);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** One JSON object per bench: baseline and new s/step (min, median of `rounds` runs each) and the speed-up. */
export function benchCompare(ref: string, rounds: number, clock: Clock, log: (line: string) => void = () => {}): object[] {
  const baseline = checkout(ref);
  const times: Record<string, { baseline: number[]; new: number[] }> = {};
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const [which, root] of [['baseline', baseline], ['new', process.cwd()]] as const) {
        for (const figures of runTrainBenches(root, clock)) {
          times[figures.bench] ??= { baseline: [], new: [] };
          times[figures.bench][which].push(figures.s_per_step);
          log(JSON.stringify({ round, tree: which, ...figures }));
        }
      }
    }
  } finally {
    rmSync(baseline, { recursive: true, force: true });
  }
  return Object.entries(times).map(([bench, t]) => ({
    bench: `compare-${bench}`,
    baseline: ref,
    rounds,
    clock,
    node: process.version,
    baseline_s_per_step: { min: Math.min(...t.baseline), median: median(t.baseline) },
    new_s_per_step: { min: Math.min(...t.new), median: median(t.new) },
    speedup_median: Number((median(t.baseline) / median(t.new)).toFixed(2)),
  }));
}
