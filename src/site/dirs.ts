// Where the site reads its content and run data. Both are configurable so
// tests and benchmarks can build a site from fixture folders.
import { resolve } from 'node:path';

/** Folder holding reports/ and sweeps/; env CONTENT_DIR, default content/. */
export function contentDir(): string {
  return resolve(process.env.CONTENT_DIR ?? 'content');
}

/** Folder of run folders; env RUNS_DIR, default runs/. */
export function runsDir(): string {
  return resolve(process.env.RUNS_DIR ?? 'runs');
}

export function reportsDir(): string {
  return resolve(contentDir(), 'reports');
}

export function sweepsDir(): string {
  return resolve(contentDir(), 'sweeps');
}

/**
 * Whether the site shows sweeps as `npm run train -- --quick` resolves them
 * (env SWEEPBOOK_QUICK=1): a demo of quick runs. Otherwise quick runs have
 * another config than the sweep file's and are only listed.
 */
export function quickBuild(): boolean {
  return process.env.SWEEPBOOK_QUICK === '1';
}

/**
 * Where builds keep the figures vega drew (see drawCached in src/charts/render.ts):
 * in Astro's cache folder, env SITE_CACHE_DIR, default node_modules/.astro.
 */
export function figureCacheDir(): string {
  return resolve(process.env.SITE_CACHE_DIR ?? 'node_modules/.astro', 'figures');
}

/**
 * Where builds write each report figure's downloads (CSV and spec), named by
 * a digest of their content; the build copies those its pages link into
 * dist/figures/ (src/site/figure-files.ts).
 */
export function figureFilesDir(): string {
  return resolve(process.env.SITE_CACHE_DIR ?? 'node_modules/.astro', 'figure-files');
}
