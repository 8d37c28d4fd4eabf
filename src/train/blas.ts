// Native matMul for the wasm backend (optional): the addon in native/ (built
// by npm ci where OpenBLAS is installed, or by `npm run build:native`; see
// scripts/build-native.ts) runs OpenBLAS's sgemm, one thread, directly on the
// wasm memory where the tensors live, no copies.
// It is 3-4x faster than wasm's matMul here, and matMul is most of a
// pretraining step. Installed as the wasm backend's BatchMatMul and
// _FusedMatMul kernels; a call it does not cover (other dtypes, activations,
// broadcast biases) goes to the original kernel. Sums come out in another
// order than wasm's, so the backend is recorded as "wasm+blas".
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export interface Blas {
  /**
   * c[M, N] = op(a) @ op(b), plus c's own values when `accumulate`, plus
   * bias[N] on every row unless null; row-major, op(a) [M, K], op(b) [K, N].
   */
  sgemm(
    transA: boolean, transB: boolean, M: number, N: number, K: number,
    a: Float32Array, b: Float32Array, c: Float32Array, bias: Float32Array | null, accumulate: boolean,
  ): void;
  /** OpenBLAS's build description, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64". */
  config: string;
}

/** Where npm run build:native puts the addon; SWEEPBOOK_BLAS_ADDON names another (tests name a missing one). */
const ADDON = process.env.SWEEPBOOK_BLAS_ADDON ?? fileURLToPath(new URL('../../native/build/Release/blas.node', import.meta.url));

let loaded: { addon: Blas } | { error: string } | undefined;

/** The addon, or why it cannot be used (not built, library missing). Loaded once. */
export function loadBlas(): { addon: Blas } | { error: string } {
  if (!loaded) {
    preferAvx512Kernels();
    try {
      loaded = { addon: createRequire(import.meta.url)(ADDON) as Blas };
    } catch (err) {
      const message = String(err instanceof Error ? err.message : err).split('\n')[0];
      loaded = { error: (err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' ? 'not built: npm run build:native' : message };
    }
  }
  return loaded;
}

/**
 * OpenBLAS 0.3.21 (Debian 12) does not know AMD's AVX-512 CPUs (this AMD EPYC)
 * and runs its AVX2 (Haswell) kernels on them: 45-90 GFLOP/s on the matMuls
 * of a step here, against 120-165 with its AVX-512 (SkylakeX) kernels. Those
 * are asked for when an AMD CPU has every AVX-512 subset they use, before the
 * library loads (it reads OPENBLAS_CORETYPE then); a value already set wins.
 */
function preferAvx512Kernels(): void {
  if (process.platform !== 'linux' || process.arch !== 'x64' || process.env.OPENBLAS_CORETYPE) return;
  let cpuinfo = '';
  try {
    cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return;
  }
  const flags = new Set(/^flags\s*:(.*)$/m.exec(cpuinfo)?.[1].trim().split(/\s+/));
  const avx512 = ['avx512f', 'avx512cd', 'avx512bw', 'avx512dq', 'avx512vl'].every((f) => flags.has(f));
  if (avx512 && /^vendor_id\s*:\s*AuthenticAMD$/m.test(cpuinfo)) process.env.OPENBLAS_CORETYPE = 'SKYLAKEX';
}

type KernelArgs = Parameters<tf.KernelFunc>[0];
const KERNELS = ['BatchMatMul', '_FusedMatMul'] as const;
let originals: Map<string, tf.KernelConfig> | undefined;
let active: Blas | null = null;

/**
 * The addon while it runs the wasm backend's matMuls (backend "wasm+blas"),
 * else null. Ops call it directly where a tensor would only carry data from
 * one matMul to the next, and use transposed matMuls (fast in BLAS, ~10x
 * slower than an explicit transpose in wasm).
 */
export function activeBlas(): Blas | null {
  return active !== null && tf.getBackend() === 'wasm' ? active : null;
}

/**
 * Routes the wasm backend's matMuls through `addon`, or back to wasm's own
 * kernels (null). The wasm backend must be initialised.
 */
export function useBlas(addon: Blas | null): void {
  originals ??= new Map(KERNELS.map((name) => [name, tf.getKernel(name, 'wasm')!]));
  active = addon;
  for (const [name, original] of originals) {
    tf.unregisterKernel(name, 'wasm');
    const fused = name === '_FusedMatMul';
    tf.registerKernel(addon ? { ...original, kernelFunc: (args) => blasMatMul(addon, args, fused) ?? original.kernelFunc(args) } : original);
  }
}

/** The matMul of a BatchMatMul or _FusedMatMul call, or null when the addon does not cover it. */
function blasMatMul(addon: Blas, { inputs, backend, attrs }: KernelArgs, fused: boolean): tf.TensorInfo | null {
  const wasm = backend as BackendWasm;
  const { a, b, bias, preluActivationWeights } = inputs as Record<string, tf.TensorInfo | undefined>;
  const { transposeA, transposeB, activation } = attrs as { transposeA: boolean; transposeB: boolean; activation?: string };
  if (!a || !b || a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  if (fused && ((activation ?? 'linear') !== 'linear' || preluActivationWeights)) return null;
  const ar = a.shape.length;
  const br = b.shape.length;
  if (ar < 2 || br < 2) return null;
  const M = transposeA ? a.shape[ar - 1] : a.shape[ar - 2];
  const K = transposeA ? a.shape[ar - 2] : a.shape[ar - 1];
  const N = transposeB ? b.shape[br - 2] : b.shape[br - 1];
  if ((transposeB ? b.shape[br - 1] : b.shape[br - 2]) !== K || M * N * K === 0) return null;
  // Batches: equal counts, or one side a single matrix used for every batch.
  const batchA = a.shape.slice(0, -2).reduce((x, y) => x * y, 1);
  const batchB = b.shape.slice(0, -2).reduce((x, y) => x * y, 1);
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return null;
  const outer = (batchA >= batchB ? a : b).shape.slice(0, -2);
  if (bias && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== N)) return null;

  const out = wasm.makeOutput([...outer, M, N], 'float32');
  // Views made after makeOutput: allocating may have grown (and so replaced) the memory.
  const view = (t: tf.TensorInfo) => wasm.typedArrayFromHeap(t) as Float32Array;
  const [aData, bData, cData] = [view(a), view(b), view(out)];
  const biasData = bias ? view(bias) : null;
  for (let i = 0; i < Math.max(batchA, batchB); i++) {
    const ai = batchA > 1 ? i * M * K : 0;
    const bi = batchB > 1 ? i * K * N : 0;
    addon.sgemm(
      transposeA, transposeB, M, N, K,
      aData.subarray(ai, ai + M * K), bData.subarray(bi, bi + K * N), cData.subarray(i * M * N, (i + 1) * M * N), biasData, false,
    );
  }
  return out;
}
