// The backends the training tests run on: plain wasm always, and wasm+blas
// when its addon is built (npm run build:native); a test on wasm+blas is
// skipped without it. .ci/run builds it and sets SWEEPBOOK_REQUIRE_BLAS=1, so
// that there a missing addon fails instead of skipping.
import { blasUnavailable } from '../src/train/backend';

const missing = blasUnavailable();
if (missing && process.env.SWEEPBOOK_REQUIRE_BLAS === '1') throw new Error(`SWEEPBOOK_REQUIRE_BLAS=1, but native BLAS is ${missing}`);

/** Whether the addon loads, so that wasm+blas can run. */
export const blasBuilt = missing === null;

/** [backend, skip]: wasm+blas is skipped when its addon is not built. */
export const WASM_BACKENDS: [backend: 'wasm' | 'wasm+blas', skip: boolean][] = [
  ['wasm', false],
  ['wasm+blas', !blasBuilt],
];
