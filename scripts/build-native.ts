// npm run build:native: builds native/, the OpenBLAS addon behind backend
// "wasm+blas" (src/train/blas.ts), with the node-gyp that npm bundles. Needs a
// C++ compiler and OpenBLAS's headers (Debian: g++ libopenblas-serial-dev).
// Optional: without it, training runs on plain wasm.
//
// `npm ci` runs it with --if-possible (package.json postinstall): it builds the
// addon where the compiler and OpenBLAS are installed and otherwise says so in
// one line and lets the install succeed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ifPossible = process.argv.includes('--if-possible');
const HOW = 'It needs a C++ compiler and OpenBLAS (Debian: apt-get install g++ make python3 libopenblas-serial-dev)';

function skip(why: string): never {
  console.error(`sweepbook: native BLAS addon not built (${why}); training runs on plain wasm. ${HOW}, then npm run build:native.`);
  process.exit(ifPossible ? 0 : 1);
}

const nodeGyp = process.env.npm_config_node_gyp;
if (!nodeGyp) skip('run it as `npm run build:native`: npm provides node-gyp');
// This node's own headers when it has them (Debian's /usr, official tarballs),
// so node-gyp does not download them; an install never waits on a download.
const prefix = dirname(dirname(process.execPath));
const hasHeaders = existsSync(join(prefix, 'include', 'node', 'node_api.h'));
if (!hasHeaders && ifPossible) skip(`no Node headers in ${join(prefix, 'include', 'node')}`);
const nodedir = hasHeaders ? [`--nodedir=${prefix}`] : [];
const build = spawnSync(process.execPath, [nodeGyp, 'rebuild', '--directory=native', ...nodedir], {
  stdio: ifPossible ? 'pipe' : 'inherit',
  encoding: 'utf8',
});
if (build.status !== 0) {
  const error = ifPossible ? `${build.stderr}`.split('\n').find((line) => /error/i.test(line) && !/gyp ERR! (stack|System|command|cwd|node|not ok)/.test(line)) : undefined;
  skip(`the build failed${error ? `: ${error.trim()}` : ''}`);
}
if (ifPossible) console.error('sweepbook: built the native BLAS addon (backend wasm+blas).');
