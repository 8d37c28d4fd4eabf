// Bench: build the site for a fixture sweep of 100 runs x 20,000 logged steps
// and report the build time and the largest page. The fixture is written
// through RunWriter once and kept in the OS temp folder for later benches.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FORMAT_VERSION, loadSweep, RunWriter } from '../runs';
import { buildSite } from '../site/build-site';
import { sweepConfigs } from '../train/plan';

const SWEEP = 'bench-sweep';

function color(index: number, count: number): string {
  // Evenly spaced hues, as #rrggbb (sweep files take names or hex).
  const hue = (index / count) * 6;
  const x = Math.round(255 * (1 - Math.abs((hue % 2) - 1)));
  const rgb = [[255, x, 0], [x, 255, 0], [0, 255, x], [0, x, 255], [x, 0, 255], [255, 0, x]][Math.floor(hue) % 6];
  return `#${rgb.map((c) => Math.round(c * 0.8).toString(16).padStart(2, '0')).join('')}`;
}

const WORDS = 'once upon a time there was a little girl who saw something special in the tall tree by the river'.split(' ');

function writeFixture(root: string, runs: number, steps: number): void {
  mkdirSync(join(root, 'content/sweeps'), { recursive: true });
  mkdirSync(join(root, 'content/reports'), { recursive: true });
  const values = Array.from({ length: runs }, (_, k) => `  - { value: ${k}, label: "run ${k}", color: "${color(k, runs)}" }`);
  writeFileSync(join(root, `content/sweeps/${SWEEP}.yaml`), `title: Bench sweep\nvary: beta\nvalues:\n${values.join('\n')}\n`);
  // Each run records the config its sweep file resolves to, as training would, so the site draws it.
  const configs = sweepConfigs(loadSweep(join(root, `content/sweeps/${SWEEP}.yaml`)), false);
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
    for (let step = 1; step <= steps; step++) {
      const trend = 1 - Math.exp(-step / (2000 + 50 * k));
      writer.logMetrics(step, {
        raw_reward: trend / (1 + k / 20) + 0.1 * random(),
        kl: (20 * trend) / (1 + k) + random(),
        total_reward: trend + 0.1 * random(),
        entropy: 3 - 2 * trend + 0.1 * random(),
        repetition: 0.2 + 0.5 * trend * random(),
      });
      if (step % 10 === 0) writer.logGeneration(step, Array.from({ length: 100 }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' '));
    }
    writer.finish('completed');
    process.stderr.write(`\rbench fixture: wrote run ${k + 1}/${runs}`);
  }
  process.stderr.write('\n');
}

/** The fixture's folder, written on first use (minutes: 2M logged steps through RunWriter). */
function fixture(runs: number, steps: number): string {
  // -c2: runs record their resolved config (fixtures written before do not, and would draw nothing).
  const root = join(tmpdir(), `sweepbook-bench-site-${runs}x${steps}-v${FORMAT_VERSION}-c2`);
  const done = join(root, 'complete');
  if (!existsSync(done)) {
    rmSync(root, { recursive: true, force: true });
    writeFixture(root, runs, steps);
    writeFileSync(done, '');
  }
  return root;
}

function largestPage(dir: string): { page: string; bytes: number } {
  let largest = { page: '', bytes: 0 };
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.html')) continue;
    const bytes = statSync(join(dir, file)).size;
    if (bytes > largest.bytes) largest = { page: `/${file}`, bytes };
  }
  return largest;
}

export async function benchSiteBuild(runs = 100, steps = 20_000) {
  const root = fixture(runs, steps);
  const work = mkdtempSync(join(tmpdir(), 'sweepbook-bench-build-'));
  try {
    const start = performance.now();
    const result = await buildSite({
      contentDir: join(root, 'content'),
      runsDir: join(root, 'runs'),
      outDir: join(work, 'dist'),
      cacheDir: join(work, 'cache'),
    });
    const seconds = (performance.now() - start) / 1000;
    if (result.code !== 0) throw new Error(`bench build failed:\n${result.output}`);
    const { page, bytes } = largestPage(join(work, 'dist'));
    return { bench: 'build', runs, steps, seconds: Number(seconds.toFixed(1)), largest_page_bytes: bytes, largest_page: page };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
