// Sweep files of several params: a grid and a seeded random search, each point
// trained once per seed, and the plan (shard, resume) counting points x seeds.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSweep, RunWriter, SweepFileError, type Sweep } from '../src/runs';
import { planRuns, sweepUnits } from '../src/runner/plan';
import { runsTableHtml } from '../src/markdown/runs-table';
import { sweepFinalsCsv } from '../src/site/sweep-csv';
import { sweepRunsListed, sweepValues } from '../src/site/sweep-runs';
import { resolveConfig } from '../src/train/config';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sweepbook-points-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function sweepOf(yaml: string, id = 'grid'): Sweep {
  const file = join(dir, `${id}.yaml`);
  writeFileSync(file, yaml);
  return loadSweep(file);
}

/** The error loadSweep gives, as `line: detail`. */
function errorOf(yaml: string): string {
  try {
    sweepOf(yaml);
  } catch (error) {
    if (!(error instanceof SweepFileError)) throw error;
    return `${error.line}: ${error.detail}`;
  }
  throw new Error('loaded without an error');
}

const GRID = `title: Grid
seeds: [0, 1]
grid:
  lr: [0.001, 0.003]
  beta: [0.1, 1, 10]
color_by: beta
config: { rl_steps: 4 }
`;

const RANDOM = (seed: number, draws = 12) => `title: Random
random:
  draws: ${draws}
  seed: ${seed}
  params:
    lr: { log_uniform: [0.0001, 0.01] }
    beta: { choice: [0.1, 1, 10] }
    warmup: { uniform: [0, 100] }
color_by: beta
`;

describe('a grid', () => {
  it('is every combination, the colored param outermost, labelled by every param and colored by one', () => {
    const sweep = sweepOf(GRID);
    expect(sweep.search).toBe('grid');
    expect(sweep.vary).toBe('beta');
    expect(sweep.varied).toEqual(['beta', 'lr']);
    expect(sweep.values.map((point) => point.label)).toEqual([
      'beta=0.1, lr=0.001',
      'beta=0.1, lr=0.003',
      'beta=1, lr=0.001',
      'beta=1, lr=0.003',
      'beta=10, lr=0.001',
      'beta=10, lr=0.003',
    ]);
    expect(sweep.values.map((point) => point.value)).toEqual([0.1, 0.1, 1, 1, 10, 10]);
    // one color per beta, whatever the lr
    const colors = sweep.values.map((point) => point.color);
    expect(new Set(colors).size).toBe(3);
    expect(colors[0]).toBe(colors[1]);
    expect(colors[0]).not.toBe(colors[2]);
  });

  it('trains each point once per seed, seed by seed, its params in the config', () => {
    const units = sweepUnits(sweepOf(GRID), false);
    expect(units).toHaveLength(12);
    expect(units.map((unit) => [unit.seed, unit.config.beta, unit.config.lr])).toEqual(
      [0, 1].flatMap((seed) => [0.1, 1, 10].flatMap((beta) => [0.001, 0.003].map((lr) => [seed, beta, lr]))),
    );
    expect(units[0].params).toEqual({ beta: 0.1, lr: 0.001 });
    expect(units[0].config.rl_steps).toBe(4);
  });

  it('colors by the first param when color_by: names none', () => {
    expect(sweepOf(GRID.replace('color_by: beta\n', '')).varied).toEqual(['lr', 'beta']);
  });

  it('refuses what would train nothing or the same run twice, naming the line', () => {
    expect(errorOf(GRID.replace('[0.1, 1, 10]', '[0.1, 1, 0.1]'))).toBe("5: beta's value 0.1 appears twice");
    expect(errorOf(GRID.replace('color_by: beta', 'color_by: gamma'))).toBe('6: color_by: gamma is not one of the params (lr, beta)');
    expect(errorOf(GRID.replace('config: { rl_steps: 4 }', 'config: { lr: 0.1 }'))).toBe('7: lr is varied by grid:, so it cannot also be set in config:');
    expect(errorOf(GRID.replace('  beta:', '  seed:').replace('color_by: beta\n', ''))).toBe('5: vary the seed with seeds: [...], not as a param');
    expect(errorOf(`${GRID}vary: beta\nvalues: [{ value: 1 }]\n`)).toBe('4: give one of values:, grid:, random: and points:, not values: and grid:');
    expect(errorOf('title: Nothing\n')).toMatch(/name the points to train/);
    expect(errorOf(`title: Big\ngrid:\n${['a', 'b', 'c', 'd', 'e'].map((name) => `  ${name}: [${Array.from({ length: 20 }, (_, i) => i).join(', ')}]`).join('\n')}\n`)).toMatch(
      /a grid of 3,200,000 points \(20 × 20 × 20 × 20 × 20\): at most 10,000/,
    );
  });

  it('names the grid list of a value the trainer rejects', () => {
    expect(() => sweepUnits(sweepOf(GRID.replace('[0.001, 0.003]', '[0.001, -1]')), false)).toThrow(/grid\.lr/);
  });
});

describe('a random search', () => {
  it('draws the same points for a seed, other points for another seed', () => {
    const labels = (seed: number) => sweepOf(RANDOM(seed)).values.map((point) => point.label);
    expect(labels(7)).toEqual(labels(7));
    expect(labels(7)).not.toEqual(labels(8));
    expect(labels(7)).toHaveLength(12);
  });

  it('draws each param from its distribution, rounded to 3 digits, points sorted by the colored param', () => {
    const sweep = sweepOf(RANDOM(3, 40));
    expect(sweep.search).toBe('random');
    expect(sweep.varied).toEqual(['beta', 'lr', 'warmup']);
    for (const { params } of sweep.values) {
      expect([0.1, 1, 10]).toContain(params.beta);
      expect(params.lr).toBeGreaterThanOrEqual(0.0001);
      expect(params.lr).toBeLessThanOrEqual(0.01);
      expect(params.warmup).toBeGreaterThanOrEqual(0);
      expect(params.warmup).toBeLessThanOrEqual(100);
      expect(Number((params.lr as number).toPrecision(3))).toBe(params.lr);
    }
    const betas = sweep.values.map((point) => point.params.beta as number);
    expect(betas).toEqual([...betas].sort((a, b) => a - b));
    // log-uniform: about as many draws below 0.001 (the range's geometric middle) as above it
    const low = sweep.values.filter((point) => (point.params.lr as number) < 0.001).length;
    expect(low).toBeGreaterThan(8);
    expect(low).toBeLessThan(32);
    expect(new Set(sweep.values.map((point) => point.color)).size).toBe(3);
  });

  it('draws whole numbers from int_uniform and int_log_uniform, every one in range and each end drawn', () => {
    const sweep = sweepOf('title: R\nrandom:\n  draws: 400\n  seed: 2\n  params:\n    layers: { int_uniform: [1, 4] }\n    width: { int_log_uniform: [16, 1024] }\n');
    const layers = sweep.values.map((point) => point.params.layers as number);
    const widths = sweep.values.map((point) => point.params.width as number);
    expect([...new Set(layers)].sort()).toEqual([1, 2, 3, 4]);
    expect(widths.every((width) => Number.isInteger(width) && width >= 16 && width <= 1024)).toBe(true);
    expect(widths).toContain(16);
    // log scale: as many widths below 128 (the range's geometric middle) as above it, give or take
    const narrow = widths.filter((width) => width < 128).length;
    expect(narrow).toBeGreaterThan(150);
    expect(narrow).toBeLessThan(250);
    // 4 layer counts of one width can give 4 points, not 5
    expect(errorOf('title: R\nrandom:\n  draws: 5\n  params:\n    layers: { int_uniform: [1, 4] }\n')).toBe('3: only 4 distinct points can be drawn from these distributions, not 5');
    expect(errorOf('title: R\nrandom:\n  draws: 2\n  params:\n    width: { int_log_uniform: [64, 64] }\n')).toBe('5: width: int_log_uniform: [low, high] needs low below high');
  });

  it('says how many distinct points a choice can give, and refuses an empty range', () => {
    const choice = 'title: R\nrandom:\n  draws: 5\n  params:\n    opt: { choice: [adam, sgd] }\n';
    expect(errorOf(choice)).toBe('3: only 2 distinct points can be drawn from these distributions, not 5');
    expect(errorOf('title: R\nrandom:\n  draws: 5\n  params:\n    lr: { uniform: [1, 1] }\n')).toBe('5: lr: uniform: [low, high] needs low below high');
  });
});

describe('points listed', () => {
  const POINTS = 'title: P\npoints:\n  - { lr: 0.001, beta: 1 }\n  - { lr: 0.03, beta: 10 }\ncolor_by: beta\n';
  it('are the points as listed, labelled and colored as a grid', () => {
    const sweep = sweepOf(POINTS);
    expect(sweep).toMatchObject({ search: 'points', vary: 'beta', varied: ['beta', 'lr'] });
    expect(sweep.values.map((point) => [point.label, point.params])).toEqual([
      ['beta=1, lr=0.001', { lr: 0.001, beta: 1 }],
      ['beta=10, lr=0.03', { lr: 0.03, beta: 10 }],
    ]);
    expect(sweepUnits(sweep, false).map((unit) => [unit.config.beta, unit.config.lr])).toEqual([[1, 0.001], [10, 0.03]]);
  });
  it('each name every param, once each', () => {
    expect(errorOf(POINTS.replace('{ lr: 0.03, beta: 10 }', '{ lr: 0.03 }'))).toBe('4: every point names the same params as the first (lr, beta), this one lr');
    expect(errorOf(POINTS.replace('{ lr: 0.03, beta: 10 }', '{ beta: 1, lr: 0.001 }'))).toBe('4: this point is listed twice: beta=1, lr=0.001');
  });
});

describe('the plan of a grid or a random search', () => {
  const all = { index: 1, count: 1 };
  const plan = (sweep: Sweep, shard = all) => planRuns([sweep], join(dir, 'runs'), { quick: false, fresh: false, shard });

  it.each([
    ['grid', GRID, 12],
    ['random search', `${RANDOM(5, 6).replace('warmup: { uniform: [0, 100] }', 'reward_scale: { uniform: [1000, 3000] }')}seeds: [0, 1]\n`, 12],
  ])('of a %s shards points x seeds: every machine gets whole units, none twice, the same split on every machine', (_, yaml, units) => {
    const unit = (job: { params: Record<string, unknown>; config: { seed: number } }) => `${JSON.stringify(job.params)}/${job.config.seed}`;
    const shards = [1, 2, 3].map((index) => plan(sweepOf(yaml), { index, count: 3 }).jobs.map(unit));
    expect(shards.map((jobs) => jobs.length)).toEqual([units / 3, units / 3, units / 3]);
    expect(new Set(shards.flat()).size).toBe(units);
    expect(shards.flat().sort()).toEqual(plan(sweepOf(yaml)).jobs.map(unit).sort());
    // another machine reads the file afresh: the same split
    expect(plan(sweepOf(yaml), { index: 2, count: 3 }).jobs.map(unit)).toEqual(shards[1]);
  });

  it('skips a completed point, resumes an unfinished one, and a run of one lr does not stand for another', () => {
    const sweep = sweepOf(GRID);
    const runsDir = join(dir, 'runs');
    const write = (params: { beta: number; lr: number }, status: 'completed' | 'interrupted') => {
      const config = resolveConfig({ rl_steps: 4, seed: 0, ...params }, { quick: false });
      const writer = RunWriter.create(runsDir, { sweep: 'grid', params, label: `beta=${params.beta}, lr=${params.lr}`, color: 'red', seed: 0, config, totalSteps: 4, generationsCapacity: 0 });
      writer.finish(status);
      return writer.dir;
    };
    const done = write({ beta: 1, lr: 0.001 }, 'completed');
    const unfinished = write({ beta: 1, lr: 0.003 }, 'interrupted');
    const p = plan(sweep);
    expect(p.done.map((run) => run.dir)).toEqual([done]);
    expect(p.jobs).toHaveLength(11);
    expect(p.jobs.find((job) => job.params.beta === 1 && job.params.lr === 0.003 && job.config.seed === 0)?.resumeDir).toBe(unfinished);
    expect(p.jobs.find((job) => job.params.beta === 1 && job.params.lr === 0.001 && job.config.seed === 1)?.resumeDir).toBeNull();
    expect(p.jobs[0]).toMatchObject({ label: 'beta=0.1, lr=0.001', name: 'beta=0.1, lr=0.001 seed=0', params: { beta: 0.1, lr: 0.001 } });
  });
});

describe("a grid's runs table and final-metrics.csv", () => {
  it('have a column per param, a row per point (those not trained saying so), and call the rows points', () => {
    const sweep = sweepOf(GRID);
    const runsDir = join(dir, 'runs');
    for (const { params, label, color, seed, config } of sweepUnits(sweep, false).filter((unit) => unit.params.beta === 10)) {
      const writer = RunWriter.create(runsDir, { sweep: 'grid', params, label, color, seed, config, totalSteps: 4, generationsCapacity: 0 });
      writer.logMetrics(1, { raw_reward: 1000 * (params.lr as number) });
      writer.finish('completed');
    }
    const listed = sweepRunsListed(sweep, runsDir);
    const table = runsTableHtml(sweepValues(sweep, listed), sweep.varied).value;
    expect([...table.matchAll(/<th scope="col"[^>]*>([^<]+)/g)].map((m) => m[1]).slice(0, 4)).toEqual(['Runs by seed', 'beta', 'lr', 'Color']);
    expect(table).toContain('data-rows="points"');
    const rows = table.split('<tr').slice(2);
    expect(rows).toHaveLength(6);
    expect(rows.filter((row) => row.includes('not trained yet'))).toHaveLength(4);
    expect(rows[5]).toMatch(/>10<\/td><td class="num">0.003<\/td>/);
    const csv = sweepFinalsCsv(sweep, listed).split('\n');
    expect(csv[0]).toMatch(/^run,trained_for,beta,lr,label,seed,/);
    expect(csv[1]).toMatch(/,grid,10,0.001,"beta=10, lr=0.001",0,drawn,/);
  });
});
