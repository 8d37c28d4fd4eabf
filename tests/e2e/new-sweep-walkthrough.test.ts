// The README's Quickstart and "Add a new sweep page", as a new user does them
// in a fresh checkout, each command as the README writes it: train (the
// committed runs leave nothing to do), new-sweep, a quick training, a build of
// the quick demo, and the page is there; a normal build does not pass the
// quick runs off as results; preview serves the built site.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { runAsWritten, startAsWritten } from '../fixtures/as-written';

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

/** Runs a README command in the checkout; it must succeed. */
function expectOk(result: { status: number | null; stdout: string; stderr: string }, command: string): string {
  expect(result.status, `${command}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result.stdout;
}

test('train, new-sweep, train --quick, build the quick demo, preview: the new sweep has its report page', async () => {
  const cwd = checkout;
  // The committed runs are every committed sweep's: nothing to train.
  const nothing = expectOk(runAsWritten('npm run train', { cwd, timeout: 120_000 }), 'npm run train');
  expect(nothing).toMatch(/^Nothing to train: all \d+ runs of \d+ sweeps are complete in runs\.$/m);

  // Values no committed sweep has: a full run of the same config and seed would stand for this sweep's value too.
  const created = expectOk(runAsWritten('npm run new-sweep -- my-sweep --vary beta=3,40 --title "My first sweep"', { cwd }), 'new-sweep');
  expect(created).toContain('content/sweeps/my-sweep.yaml');

  const trained = expectOk(runAsWritten('npm run train -- --sweep my-sweep --quick', { cwd }), 'train --quick');
  // every value once per seed (three by default)
  for (const seed of [0, 1, 2]) {
    expect(trained).toMatch(new RegExp(`beta=3 seed=${seed}\\b`));
    expect(trained).toMatch(new RegExp(`beta=40 seed=${seed}\\b`));
  }
  expect(trained).toContain('SWEEPBOOK_QUICK=1 npm run build');

  // A normal build draws only runs of the sweep file's full config: none yet.
  const built = expectOk(runAsWritten('npm run build', { cwd }), 'npm run build');
  const reportFile = join(checkout, 'dist/reports/my-sweep/index.html');
  const report = () => readFileSync(reportFile, 'utf8');
  expect(existsSync(reportFile), `no report page after npm run build:\n${built}`).toBe(true);
  expect(report()).not.toContain('<figure class="metric-figure"');
  expect(readFileSync(join(checkout, 'dist/sweeps/my-sweep/index.html'), 'utf8')).toContain('Runs with another config');
  // ... and says why, with the command that draws the quick runs
  expect(report()).toContain('No runs of sweep "my-sweep" drawn: its 6 runs were trained with --quick, and only a quick demo build draws those (SWEEPBOOK_QUICK=1 npm run dev');
  expect(report()).not.toContain('quick-banner');

  const quickBuild = runAsWritten('SWEEPBOOK_QUICK=1 npm run build', { cwd });
  const builtQuick = expectOk(quickBuild, 'SWEEPBOOK_QUICK=1 npm run build');
  expect(existsSync(reportFile), `no report page after SWEEPBOOK_QUICK=1 npm run build:\n${builtQuick}`).toBe(true);
  const page = report();
  expect(page).toContain('My first sweep');
  // The demo says it is one, on every page and beside each quick run; the report the author did not touch is one warning, not one per number.
  expect(page).toContain('<strong>Quick demo.</strong>');
  const home = readFileSync(join(checkout, 'dist/index.html'), 'utf8');
  expect(home).toContain('<strong>Quick demo.</strong>');
  expect(home.match(/--quick demo<\/span>/g)?.length).toBe(6);
  const untouched = `${quickBuild.stdout}\n${quickBuild.stderr}`.split('\n').filter((line) => line.includes('tuning-the-kl-penalty.md'));
  expect(untouched.length, quickBuild.stderr).toBeLessThanOrEqual(1);
  // each figure draws both values (their mean over seeds, with a band), and the runs table lists them
  // (in each figure's wide drawing: a narrow one for phones follows it)
  const figures = page.split('<figure class="metric-figure"').slice(1).map((figure) => figure.slice(0, figure.indexOf('chart-narrow')));
  expect(figures.length).toBeGreaterThanOrEqual(3);
  for (const figure of figures) expect(figure.match(/<g class="mark-line/g)?.length).toBe(2);
  for (const figure of figures) expect(figure.match(/<g class="mark-area/g)?.length).toBe(2);
  expect(page).toMatch(/beta=3<|beta=3\b/);
  expect(existsSync(join(checkout, 'dist/sweeps/my-sweep/index.html'))).toBe(true);
  // the report's index links to it
  expect(readFileSync(join(checkout, 'dist/index.html'), 'utf8')).toContain('/reports/my-sweep/');

  // npm run preview serves dist/ (the quick demo's, built last)
  const preview = startAsWritten('npm run preview', { cwd, timeout: 60_000 });
  try {
    const served = await fetch(new URL('reports/my-sweep/', await preview.url));
    expect(served.status).toBe(200);
    expect(await served.text()).toContain('My first sweep');
  } finally {
    preview.stop();
  }
}, 400_000);
