// Builds the site from given content and runs folders into outDir, in a child
// process exactly as `npm run build` does. Tests and the benchmark use it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SiteBuild {
  contentDir: string;
  runsDir: string;
  outDir: string;
  /** Astro's cache folder (content store); separate from the project's own. */
  cacheDir: string;
  /** The path the site is published under (SITE_BASE), e.g. "/sweepbook/"; default "/". */
  base?: string;
  /** The checkout to build with (a copy, in tests that need a scratch folder of their own); default this one. */
  checkout?: string;
  /** More environment for the build. */
  env?: Record<string, string>;
  /** Sees the build's output as it comes. */
  onOutput?: (output: string) => void;
}

export interface BuildResult {
  code: number | null;
  output: string;
}

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const astroCli = 'node_modules/astro/bin/astro.mjs';

/**
 * Node's flags for `astro build`, as package.json's build script gives them: a
 * young generation of up to 64 MB (V8's default is 16), as a build makes
 * millions of short-lived objects (metrics lines, figure rows); a 100-run
 * build took ~1.3 s less (median of 4 alternating pairs).
 */
export const BUILD_NODE_FLAGS = ['--max-semi-space-size=64'];

export function buildSite({ contentDir, runsDir, outDir, cacheDir, base = '/', checkout = projectRoot, env = {}, onOutput }: SiteBuild): Promise<BuildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...BUILD_NODE_FLAGS, join(checkout, astroCli), 'build', '--outDir', outDir], {
      cwd: checkout,
      // Test files build at once from one checkout, which builds one at a time (see build-lock.ts): wait for the others.
      env: { ...process.env, SWEEPBOOK_BUILD_WAIT: '900', CONTENT_DIR: contentDir, RUNS_DIR: runsDir, SITE_CACHE_DIR: cacheDir, SITE_BASE: base, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const add = (chunk: Buffer) => {
      output += chunk;
      onOutput?.(output);
    };
    child.stdout.on('data', add);
    child.stderr.on('data', add);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}
