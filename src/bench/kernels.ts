// Counts and times every kernel call on the current backend, by wrapping each
// registered kernel: what a step costs in kernel calls and where its time goes,
// without tf.profile's overhead (it reads back every output). Kernels called
// from inside another (a custom op's matMuls) are counted too.
import * as tf from '@tensorflow/tfjs';

export interface KernelStats {
  calls: number;
  ms: number;
}

/** Starts counting; the returned function stops, restores the kernels and returns the stats by kernel name. */
export function countKernels(): () => Map<string, KernelStats> {
  const backend = tf.getBackend();
  const stats = new Map<string, KernelStats>();
  const originals = tf.getKernelsForBackend(backend);
  for (const config of originals) {
    const entry: KernelStats = { calls: 0, ms: 0 };
    stats.set(config.kernelName, entry);
    tf.unregisterKernel(config.kernelName, backend);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        const start = performance.now();
        const out = config.kernelFunc(args);
        entry.ms += performance.now() - start;
        entry.calls += 1;
        return out;
      },
    });
  }
  return () => {
    for (const config of originals) {
      tf.unregisterKernel(config.kernelName, backend);
      tf.registerKernel(config);
    }
    return new Map([...stats].filter(([, s]) => s.calls > 0));
  };
}
