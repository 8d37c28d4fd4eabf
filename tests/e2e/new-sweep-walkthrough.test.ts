// The README's "Add a new sweep page", as a new user does it in a fresh
// checkout: new-sweep, a quick training, a build of the quick demo, and the
// page is there; a normal build does not pass the quick runs off as results.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';

let checkout: string;

/**
 * The files git tracks, as they are now, in a new folder; the installed
 * packages linked (as if `npm ci` had run), but not the caches Astro and Vite
 * keep in node_modules: a fresh checkout has none.
 */
beforeAll(() => {
  checkout = mkdtempSync(join(tmpdir(), 'sweepbook-checkout-'));
  const files = execFileSync('git', ['ls-files', '-z'], { encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    if (!existsSync(file)) continue; // deleted in the working tree
    mkdirSync(dirname(join(checkout, file)), { recursive: true });
    cpSync(file, join(checkout, file));
  }
  mkdirSync(join(checkout, 'node_modules'));
  for (const entry of readdirSync('node_modules')) {
    if (entry !== '.astro' && entry !== '.vite') symlinkSync(join(process.cwd(), 'node_modules', entry), join(checkout, 'node_modules', entry));
  }
});

afterAll(() => {
  if (checkout) rmSync(checkout, { recursive: true, force: true });
});

function npm(args: string[], extraEnv: Record<string, string> = {}): string {
  const env = { ...process.env };
  for (const name of ['RUNS_DIR', 'CONTENT_DIR', 'SITE_BASE', 'SITE_CACHE_DIR', 'BASE_URL', 'SWEEPBOOK_QUICK']) delete env[name];
  Object.assign(env, extraEnv);
  const result = spawnSync('npm', args, { cwd: checkout, env, encoding: 'utf8' });
  expect(result.status, `npm ${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result.stdout;
}

test('new-sweep, train --quick, build the quick demo: the new sweep has its report page', () => {
  // Values no committed sweep has: a full run of the same config and seed would stand for this sweep's value too.
  const created = npm(['run', 'new-sweep', '--', 'my-first-sweep', '--vary', 'beta=3,40', '--title', 'My first sweep']);
  expect(created).toContain('content/sweeps/my-first-sweep.yaml');

  const trained = npm(['run', 'train', '--', '--quick', '--sweep', 'my-first-sweep']);
  // every value once per seed (three by default)
  for (const seed of [0, 1, 2]) {
    expect(trained).toMatch(new RegExp(`beta=3 seed=${seed}\\b`));
    expect(trained).toMatch(new RegExp(`beta=40 seed=${seed}\\b`));
  }
  expect(trained).toContain('SWEEPBOOK_QUICK=1 npm run build');

  // A normal build draws only runs of the sweep file's full config: none yet.
  const built = npm(['run', 'build']);
  const reportFile = join(checkout, 'dist/reports/my-first-sweep/index.html');
  const report = () => readFileSync(reportFile, 'utf8');
  expect(existsSync(reportFile), `no report page after npm run build:\n${built}`).toBe(true);
  expect(report()).not.toContain('<figure class="metric-figure"');
  expect(readFileSync(join(checkout, 'dist/sweeps/my-first-sweep/index.html'), 'utf8')).toContain('Runs with another config');

  const builtQuick = npm(['run', 'build'], { SWEEPBOOK_QUICK: '1' });
  expect(existsSync(reportFile), `no report page after SWEEPBOOK_QUICK=1 npm run build:\n${builtQuick}`).toBe(true);
  const page = report();
  expect(page).toContain('My first sweep');
  // each figure draws both values (their mean over seeds, with a band), and the runs table lists them
  // (in each figure's wide drawing: a narrow one for phones follows it)
  const figures = page.split('<figure class="metric-figure"').slice(1).map((figure) => figure.slice(0, figure.indexOf('chart-narrow')));
  expect(figures.length).toBeGreaterThanOrEqual(3);
  for (const figure of figures) expect(figure.match(/<g class="mark-line/g)?.length).toBe(2);
  for (const figure of figures) expect(figure.match(/<g class="mark-area/g)?.length).toBe(2);
  expect(page).toMatch(/beta=3<|beta=3\b/);
  expect(existsSync(join(checkout, 'dist/sweeps/my-first-sweep/index.html'))).toBe(true);
  // the report's index links to it
  expect(readFileSync(join(checkout, 'dist/index.html'), 'utf8')).toContain('/reports/my-first-sweep/');
}, 300_000);
