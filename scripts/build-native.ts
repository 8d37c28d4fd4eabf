// npm run build:native: builds native/, the OpenBLAS addon behind backend
// "wasm+blas" (src/train/blas.ts), with the node-gyp that npm bundles. Needs a
// C++ compiler and OpenBLAS's headers (Debian: g++ libopenblas-serial-dev).
// Optional: without it, training runs on plain wasm.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

const nodeGyp = process.env.npm_config_node_gyp;
if (!nodeGyp) {
  console.error('build:native: run it as `npm run build:native` (npm provides node-gyp)');
  process.exit(1);
}
// This node's own headers when it has them (Debian's /usr, official tarballs),
// so node-gyp does not download them.
const prefix = dirname(dirname(process.execPath));
const nodedir = existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
const build = spawnSync(process.execPath, [nodeGyp, 'rebuild', '--directory=native', ...nodedir], { stdio: 'inherit' });
if (build.status !== 0) {
  console.error(
    '\nbuild:native failed: it needs a C++ compiler and OpenBLAS (Debian: apt-get install g++ libopenblas-serial-dev).\n' +
      'Training does not need it: without it, it runs on plain wasm.',
  );
  process.exit(1);
}
