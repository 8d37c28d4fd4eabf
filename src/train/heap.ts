// Tensor data without copies. On wasm, dataSync copies a tensor out of the
// backend's memory and tf.tensor copies data in: for the [N, V] logits of a
// pretraining step that is ~2.3 MB each way, and the garbage it leaves. Here,
// on wasm, reads are views of the backend's memory and new tensors are written
// in place; other backends copy as before. The same values either way.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

function wasmBackend(): BackendWasm | undefined {
  return tf.getBackend() === 'wasm' ? (tf.backend() as BackendWasm) : undefined;
}

/**
 * A float32 tensor's data, to read only. On wasm a view of the backend's
 * memory: valid until the next tensor is made (memory may grow and move).
 */
export function peek(t: tf.TensorInfo): Float32Array {
  const wasm = wasmBackend();
  if (wasm) return wasm.typedArrayFromHeap(t) as Float32Array;
  return tf.engine().readSync(t.dataId) as Float32Array;
}

/** A new float32 tensor whose entries `fill` writes (every one: on wasm the memory starts uninitialised). */
export function tensorFrom<T extends tf.Tensor = tf.Tensor>(shape: number[], fill: (data: Float32Array) => void): T {
  return tensorsFrom([shape], ([data]) => fill(data))[0] as T;
}

/** New float32 tensors of these shapes, written together by `fill` (see tensorFrom). */
export function tensorsFrom(shapes: number[][], fill: (data: Float32Array[]) => void): tf.Tensor[] {
  const wasm = wasmBackend();
  if (!wasm) {
    const data = shapes.map((shape) => new Float32Array(shape.reduce((a, b) => a * b, 1)));
    fill(data);
    return data.map((d, i) => tf.tensor(d, shapes[i]));
  }
  const infos = shapes.map((shape) => wasm.makeOutput(shape, 'float32'));
  fill(infos.map((info) => wasm.typedArrayFromHeap(info) as Float32Array));
  return infos.map((info) => tf.engine().makeTensorFromTensorInfo(info));
}

// Scratch arrays, reused from step to step: a pretraining step used ~7 MB of
// fresh Float32Arrays (the GRU's saved gates and its gradients), and collecting
// them cost several ms a step. Sizes follow the batch's length, which changes
// every step, so arrays are views of buffers of a power-of-two capacity: a new
// length reuses a buffer too (allocating it, the memory's first touch and its
// collection made a process's first ~100 steps 2x slower). An array handed
// back with `give` must not be used again, nor be the data of a tensor (the
// cpu backend keeps the array it is given).
const spare = new Map<number, ArrayBuffer[]>();
const SPARE_PER_SIZE = 16;

/** A Float32Array of n entries, holding whatever its buffer held before (zero when new). */
export function take(n: number): Float32Array {
  const bytes = 4 * 2 ** Math.ceil(Math.log2(Math.max(n, 1)));
  return new Float32Array(spare.get(bytes)?.pop() ?? new ArrayBuffer(bytes), 0, n);
}

/** Hands arrays from `take` back for reuse. */
export function give(...arrays: Float32Array[]): void {
  for (const a of arrays) {
    const buffer = a.buffer as ArrayBuffer;
    const list = spare.get(buffer.byteLength) ?? [];
    spare.set(buffer.byteLength, list);
    if (list.length < SPARE_PER_SIZE) list.push(buffer);
  }
}
