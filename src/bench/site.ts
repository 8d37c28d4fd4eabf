// Bench: build the site for fixture sweeps of 25 to 1,000 runs x 20,000 logged
// steps and report each build's time, the site's size and its largest page,
// then how time and size grow with runs. Fixtures are written through
// RunWriter once (each run's metrics.jsonl in one write, its lines as
// logMetrics writes them) and kept in the OS temp folder for later benches.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FORMAT_VERSION, loadSweep, RunWriter } from '../runs';
import { buildSite } from '../site/build-site';
import { parseBuildPhases, type BuildPhases } from '../site/build-phases';
import { trainerUnits } from '../runner/plan';

const SWEEP = 'bench-sweep';

function color(index: number, count: number): string {
  // Evenly spaced hues, as #rrggbb (sweep files take names or hex).
  const hue = (index / count) * 6;
  const x = Math.round(255 * (1 - Math.abs((hue % 2) - 1)));
  const rgb = [[255, x, 0], [x, 255, 0], [0, 255, x], [0, x, 255], [x, 0, 255], [255, 0, x]][Math.floor(hue) % 6];
  return `#${rgb.map((c) => Math.round(c * 0.8).toString(16).padStart(2, '0')).join('')}`;
}

const WORDS = 'once upon a time there was a little girl who saw something special in the tall tree by the river'.split(' ');

function sweepFile(runs: number): string {
  const values = Array.from({ length: runs }, (_, k) => `  - { value: ${k}, label: "run ${k}", color: "${color(k, runs)}" }`);
  return `title: Bench sweep\nvary: beta\nvalues:\n${values.join('\n')}\n`;
}

/** The config each run of the sweep file resolves to, which it records, as training would, so the site draws it. */
function resolvedConfigs(root: string, runs: number) {
  mkdirSync(join(root, 'content/sweeps'), { recursive: true });
  writeFileSync(join(root, `content/sweeps/${SWEEP}.yaml`), sweepFile(runs));
  return trainerUnits(loadSweep(join(root, `content/sweeps/${SWEEP}.yaml`)), false).map((unit) => unit.config);
}

/** A fixture run's metrics.jsonl text: the lines RunWriter.logMetrics would write, step by step, 20 to 30 ms apart. */
function metricsLines(k: number, steps: number, random: () => number, start: number): string {
  const chunks: string[] = [];
  let lines: string[] = [];
  let time = start;
  for (let step = 1; step <= steps; step++) {
    const trend = 1 - Math.exp(-step / (2000 + 50 * k));
    time += 0.02 + 0.01 * random();
    // as logMetrics writes a line: its keys in this order, time as Date.now() / 1000 gives it (ms)
    lines.push(JSON.stringify({
      step,
      time: Math.round(time * 1000) / 1000,
      raw_reward: trend / (1 + k / 20) + 0.1 * random(),
      kl: (20 * trend) / (1 + k) + random(),
      total_reward: trend + 0.1 * random(),
      entropy: 3 - 2 * trend + 0.1 * random(),
      repetition: 0.2 + 0.5 * trend * random(),
    }) + '\n');
    if (lines.length === 1000) {
      chunks.push(lines.join(''));
      lines = [];
    }
  }
  chunks.push(lines.join(''));
  return chunks.join('');
}

function writeFixture(root: string, runs: number, steps: number): void {
  mkdirSync(join(root, 'content/reports'), { recursive: true });
  const configs = resolvedConfigs(root, runs);
  writeFileSync(
    join(root, 'content/reports/bench.md'),
    `---\ntitle: Bench\ndate: 2024-11-01\ndescription: ${runs} runs of ${steps} steps.\n---\n\n` +
      `::figure{sweep="${SWEEP}" metric="raw_reward" smooth=0.6}\n\n::figure{sweep="${SWEEP}" metric="kl"}\n\n` +
      `::generations{sweep="${SWEEP}" last=2}\n\n::runs{sweep="${SWEEP}"}\n`,
  );
  let seed = 1;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let k = 0; k < runs; k++) {
    const writer = RunWriter.create(join(root, 'runs'), {
      sweep: SWEEP,
      params: { beta: k },
      label: `run ${k}`,
      color: color(k, runs),
      seed: configs[k].seed,
      config: configs[k],
      totalSteps: steps,
      generationsCapacity: 100,
    });
    // All the run's lines in one write (setLogs appends them as they are): a
    // write a line, as training makes them, took minutes for 2M steps.
    writer.setLogs({ metrics: metricsLines(k, steps, random, Date.now() / 1000), generations: [], stepsDone: steps, totalSteps: steps });
    for (let step = 10; step <= steps; step += 10) writer.logGeneration(step, Array.from({ length: 100 }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' '));
    writer.finish('completed');
    process.stderr.write(`\rbench fixture: wrote run ${k + 1}/${runs}`);
  }
  process.stderr.write('\n');
}

/** The fixture's folder, written on first use (about 0.1 s a run of 20,000 steps). */
function fixture(runs: number, steps: number): string {
  // Named by the configs its runs record: a fixture from before a default changed would draw nothing
  // (its runs no longer match the sweep file), and the bench would time a site without figures.
  const probe = mkdtempSync(join(tmpdir(), 'sweepbook-bench-configs-'));
  const configs = createHash('sha256').update(JSON.stringify(resolvedConfigs(probe, runs))).digest('hex').slice(0, 12);
  rmSync(probe, { recursive: true, force: true });
  // f2: the fixture as metricsLines writes it (times that advance), apart from the earlier one's folders.
  const root = join(tmpdir(), `sweepbook-bench-site-${runs}x${steps}-v${FORMAT_VERSION}-f2-${configs}`);
  const done = join(root, 'complete');
  if (!existsSync(done)) {
    rmSync(root, { recursive: true, force: true });
    writeFixture(root, runs, steps);
    writeFileSync(done, '');
  }
  return root;
}

/** The site's bytes (its files' sizes: what GitHub Pages counts against its 1 GB), by top folder, and its largest page. */
function siteSize(dir: string): { bytes: number; byFolder: Record<string, number>; page: string; pageBytes: number } {
  let largest = { page: '', bytes: 0 };
  let bytes = 0;
  const byFolder: Record<string, number> = {};
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const stat = statSync(join(dir, file));
    if (!stat.isFile()) continue;
    bytes += stat.size;
    const top = file.includes('/') ? file.slice(0, file.indexOf('/')) : '.';
    byFolder[top] = (byFolder[top] ?? 0) + stat.size;
    if (file.endsWith('.html') && stat.size > largest.bytes) largest = { page: `/${file}`, bytes: stat.size };
  }
  return { bytes, byFolder, page: largest.page, pageBytes: largest.bytes };
}

/**
 * Builds the fixture of `runs` runs into a fresh folder. With `rebuilds`, builds
 * it again that many times keeping the cache folder, as a site is rebuilt (the
 * figures vega drew are kept there), and reports the last, with where its time went (see build-phases.ts).
 */
export async function benchSiteBuild(runs = 100, steps = 20_000, rebuilds = 0) {
  const root = fixture(runs, steps);
  const work = mkdtempSync(join(tmpdir(), 'sweepbook-bench-build-'));
  try {
    let seconds = 0;
    let phases: BuildPhases | null = null;
    for (let build = 0; build <= rebuilds; build++) {
      const start = performance.now();
      const result = await buildSite({
        contentDir: join(root, 'content'),
        runsDir: join(root, 'runs'),
        outDir: join(work, 'dist'),
        cacheDir: join(work, 'cache'),
      });
      seconds = (performance.now() - start) / 1000;
      if (result.code !== 0) throw new Error(`bench build failed:\n${result.output}`);
      phases = parseBuildPhases(result.output);
    }
    const size = siteSize(join(work, 'dist'));
    const bench = rebuilds > 0 ? 'rebuild' : 'build';
    return {
      bench, runs, steps, seconds: Number(seconds.toFixed(1)), phases_seconds: phases,
      site_bytes: size.bytes, site_bytes_by_folder: size.byFolder, largest_page_bytes: size.pageBytes, largest_page: size.page,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Least-squares line through (x, y): seconds = fixed + slope * runs. */
export function fitLine(xs: number[], ys: number[]): { slope: number; intercept: number } {
  const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
  const [mx, my] = [mean(xs), mean(ys)];
  const slope = xs.reduce((sum, x, i) => sum + (x - mx) * (ys[i] - my), 0) / xs.reduce((sum, x) => sum + (x - mx) ** 2, 0);
  return { slope, intercept: my - slope * mx };
}

/**
 * A build per fixture size (printed as it ends), then the seconds and bytes
 * per run of a least-squares fit and of each step between sizes (the build
 * grows no faster than linearly while the later steps cost no more per run
 * than the first), and the largest size's seconds over the smallest's.
 */
export async function benchSiteScaling(sizes = [25, 50, 100, 200], print: (line: object) => void = () => {}) {
  const builds = [];
  for (const runs of sizes) {
    const build = await benchSiteBuild(runs);
    print(build);
    builds.push(build);
  }
  const seconds = builds.map((build) => build.seconds);
  const { slope, intercept } = fitLine(sizes, seconds);
  const perRunBetween = sizes.slice(1).map((runs, i) => Number(((seconds[i + 1] - seconds[i]) / (runs - sizes[i])).toFixed(3)));
  const bytes = builds.map((build) => build.site_bytes);
  const bytesLine = fitLine(sizes, bytes);
  return {
    bench: 'build-scaling',
    runs: sizes,
    seconds,
    site_bytes: bytes,
    seconds_per_run: Number(slope.toFixed(3)),
    fixed_seconds: Number(intercept.toFixed(1)),
    seconds_per_run_between_sizes: perRunBetween,
    bytes_per_run: Math.round(bytesLine.slope),
    fixed_bytes: Math.round(bytesLine.intercept),
    [`seconds_ratio_${sizes.at(-1)}_to_${sizes[0]}`]: Number((seconds.at(-1)! / seconds[0]).toFixed(2)),
  };
}
