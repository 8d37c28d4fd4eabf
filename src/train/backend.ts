// Chooses the tfjs backend. Optional packages are imported dynamically, so a
// machine without @tensorflow/tfjs-node-gpu (it cannot install here) still runs;
// so is the native BLAS addon of "wasm+blas" (src/train/blas.ts).
import { setFlagsFromString } from 'node:v8';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { loadBlas, useBlas } from './blas';

export type BackendChoice = 'auto' | 'node-gpu' | 'wasm+blas' | 'wasm' | 'cpu';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'node-gpu', 'wasm+blas', 'wasm', 'cpu'];

/** The requested backend cannot run on this machine. */
export class BackendError extends Error {
  override name = 'BackendError';
}

// tfjs-node-gpu registers itself under this name.
const NODE_GPU_NAME = 'tensorflow';

async function tryNodeGpu(): Promise<string> {
  try {
    // A variable specifier keeps TypeScript from requiring the optional package's types.
    const pkg = '@tensorflow/tfjs-node-gpu';
    await import(pkg);
  } catch (err) {
    throw new BackendError(
      `backend node-gpu: @tensorflow/tfjs-node-gpu is not installed or does not load (${firstLine(err)}); ` +
        'install it on a CUDA machine, or use --backend wasm',
    );
  }
  return use(NODE_GPU_NAME, 'node-gpu');
}

/** wasm with its matMuls on native BLAS (src/train/blas.ts), or plain wasm. */
async function tryWasm(blas: boolean): Promise<string> {
  // V8 first compiles wasm with its baseline compiler and swaps in optimised
  // code for hot functions later ("dynamic tiering"): a process's first ~10
  // training steps ran 10-30% slower, matMul included. Compiling the backend
  // optimised up front costs no measurable start-up time here.
  setFlagsFromString('--no-wasm-dynamic-tiering');
  try {
    await import('@tensorflow/tfjs-backend-wasm');
  } catch (err) {
    throw new BackendError(`backend wasm: @tensorflow/tfjs-backend-wasm does not load (${firstLine(err)})`);
  }
  const choice = blas ? 'wasm+blas' : 'wasm';
  const loaded = blas ? loadBlas() : undefined;
  if (loaded && 'error' in loaded) throw new BackendError(`backend wasm+blas: native BLAS unavailable (${loaded.error}); or use --backend wasm`);
  await use('wasm', choice);
  shareIdentity();
  useBlas(loaded?.addon ?? null);
  return choice;
}

/**
 * tfjs clones each tensor an op saves for its gradient, and wasm's Identity
 * kernel copies the data: ~6 MB a pretraining step (the readout's softmax,
 * its input, the weights). The cpu backend's Identity shares the data, as
 * wasm's own Reshape does; so does this one. Safe because no tensor's memory
 * is written after it is made (src/train/heap.ts writes only new outputs).
 */
function shareIdentity(): void {
  wasmIdentity ??= tf.getKernel('Identity', 'wasm')!;
  const original = wasmIdentity;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    ...original,
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      if (x.dtype === 'string') return original.kernelFunc(args);
      (args.backend as BackendWasm).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
}
let wasmIdentity: tf.KernelConfig | undefined;

/** Why `auto` would not use native BLAS on wasm (the addon is not built, or does not load), or null when it would. */
export function blasUnavailable(): string | null {
  const loaded = loadBlas();
  return 'error' in loaded ? loaded.error : null;
}

async function use(tfName: string, choice: Exclude<BackendChoice, 'auto'>): Promise<string> {
  let ok = false;
  try {
    ok = await tf.setBackend(tfName);
    await tf.ready();
  } catch (err) {
    throw new BackendError(`backend ${choice}: failed to initialise (${firstLine(err)})`);
  }
  if (!ok) throw new BackendError(`backend ${choice}: failed to initialise`);
  return choice;
}

let current: string | null = null;

/** The backend initBackend last set up ("wasm+blas", "wasm", ...), or tfjs's own name for it. */
export function currentBackend(): string {
  return current ?? tf.getBackend();
}

/**
 * Initialises tfjs with the chosen backend and returns the one that runs
 * ("node-gpu", "wasm+blas", "wasm" or "cpu"). `auto` prefers them in that order.
 */
export async function initBackend(choice: BackendChoice): Promise<string> {
  current = await chooseBackend(choice);
  return current;
}

async function chooseBackend(choice: BackendChoice): Promise<string> {
  switch (choice) {
    case 'node-gpu':
      return tryNodeGpu();
    case 'wasm+blas':
      return tryWasm(true);
    case 'wasm':
      return tryWasm(false);
    case 'cpu':
      return use('cpu', 'cpu');
    case 'auto':
      for (const attempt of [tryNodeGpu, () => tryWasm(true), () => tryWasm(false)]) {
        try {
          return await attempt();
        } catch (err) {
          if (!(err instanceof BackendError)) throw err;
        }
      }
      return use('cpu', 'cpu');
    default:
      throw new BackendError(`unknown backend "${String(choice)}" (expected ${BACKEND_CHOICES.join(', ')})`);
  }
}

function firstLine(err: unknown): string {
  return String(err instanceof Error ? err.message : err).split('\n')[0];
}
