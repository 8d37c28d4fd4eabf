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
// Node's headers from npm's `nodedir` setting, else this node's own (Debian's
// /usr, official tarballs), so node-gyp does not download them: an install
// never waits on a download. The addon is N-API (NAPI_VERSION 8): built
// against any Node's headers from 12.22 on, it loads in every later Node (the
// npm package node@24, which CI runs, ships no headers; the system's do).
const prefixes = [process.env.npm_config_nodedir, dirname(dirname(process.execPath))].filter((dir): dir is string => !!dir);
const prefix = prefixes.find((dir) => existsSync(join(dir, 'include', 'node', 'node_api.h')));
if (!prefix && ifPossible) skip(`no Node headers in ${prefixes.map((dir) => join(dir, 'include', 'node')).join(' or ')}`);
const nodedir = prefix ? [`--nodedir=${prefix}`] : [];
const build = spawnSync(process.execPath, [nodeGyp, 'rebuild', '--directory=native', ...nodedir], {
  stdio: ifPossible ? 'pipe' : 'inherit',
  encoding: 'utf8',
});
if (build.status !== 0) {
  const error = ifPossible ? `${build.stderr}`.split('\n').find((line) => /error/i.test(line) && !/gyp ERR! (stack|System|command|cwd|node|not ok)/.test(line)) : undefined;
  skip(`the build failed${error ? `: ${error.trim()}` : ''}`);
}
if (ifPossible) console.error('sweepbook: built the native BLAS addon (backend wasm+blas).');
