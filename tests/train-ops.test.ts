// The fused GRU op and the row lookup (src/train/ops.ts) against the same
// computation composed from tfjs ops, values and gradients, on wasm and on
// wasm+blas (whose ops take other paths).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src/train/backend';
import { affine, gruSequence, readoutLogProbs } from '../src/train/ops';
import { WASM_BACKENDS } from './backends';

/** The GRU as tfjs ops, one cell per step, on rows of the table looked up by a one-hot matMul. */
function composedGru(table: tf.Tensor2D, ids: tf.Tensor2D, h0: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor3D {
  const [T, B] = ids.shape;
  const oneHot = tf.oneHot(ids.reshape([T * B]) as tf.Tensor1D, table.shape[0]).toFloat();
  const x = tf.matMul(oneHot, table).reshape([T, B, table.shape[1]]);
  let h = h0;
  const hs: tf.Tensor2D[] = [];
  for (const xt of tf.unstack(x) as tf.Tensor2D[]) {
    const hp = tf.add(tf.matMul(h, w), b);
    const [xr, xz, xn] = tf.split(xt, 3, 1);
    const [hr, hz, hn] = tf.split(hp, 3, 1);
    const r = tf.sigmoid(tf.add(xr, hr));
    const z = tf.sigmoid(tf.add(xz, hz));
    const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
    h = tf.add(n, tf.mul(z, tf.sub(h, n))) as tf.Tensor2D;
    hs.push(h);
  }
  return tf.stack(hs) as tf.Tensor3D;
}

function expectClose(actual: tf.Tensor, expected: tf.Tensor, tolerance = 1e-5) {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.dataSync();
  const e = expected.dataSync();
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - e[i]) / (1 + Math.abs(e[i])));
  expect(worst).toBeLessThan(tolerance);
}

for (const [backend, skip] of WASM_BACKENDS) describe.skipIf(skip)(`on ${backend}`, () => {
  beforeAll(async () => {
    await initBackend(backend);
  });
  describe('gruSequence', () => {
    it('gives the values and gradients of the GRU composed from tfjs ops, rows read more than once included', () => {
      const [T, B, H, V] = [5, 3, 4, 6];
      const table = tf.randomNormal([V, 3 * H], 0, 1, 'float32', 1) as tf.Tensor2D;
      // Row 4 is read at several steps and by several sequences; row 2 never.
      const ids = tf.tensor2d([4, 0, 4, 5, 4, 1, 3, 3, 0, 4, 5, 1, 0, 4, 4], [T, B], 'int32');
      const h0 = tf.randomNormal([B, H], 0, 1, 'float32', 2) as tf.Tensor2D;
      const w = tf.randomNormal([H, 3 * H], 0, 0.5, 'float32', 3) as tf.Tensor2D;
      const b = tf.randomNormal([3 * H], 0, 0.5, 'float32', 4) as tf.Tensor1D;
      // A loss that weighs every output differently, so each gradient entry matters.
      const weights = tf.randomNormal([T, B, H], 0, 1, 'float32', 5);
      const loss = (gru: typeof composedGru) => (ti: tf.Tensor, hi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) =>
        tf.sum(tf.mul(gru(ti as tf.Tensor2D, ids, hi as tf.Tensor2D, wi as tf.Tensor2D, bi as tf.Tensor1D), weights));

      expectClose(gruSequence(table, ids, h0, w, b), composedGru(table, ids, h0, w, b));
      const fused = tf.grads(loss(gruSequence))([table, h0, w, b]);
      const composed = tf.grads(loss(composedGru))([table, h0, w, b]);
      for (let i = 0; i < 4; i++) expectClose(fused[i], composed[i]);
    });
  });

  describe('readoutLogProbs', () => {
    it('gives logSoftmax(h @ w + b) at the targets, and its gradients, also where a probability underflows', () => {
      const [N, H, V] = [6, 4, 7];
      // Row 5 is scaled up until its target's probability underflows float32 (the fallback path).
      const scale = tf.tensor2d([1, 1, 1, 1, 1, 40], [N, 1]);
      const h = tf.mul(tf.randomNormal([N, H], 0, 1, 'float32', 1), scale) as tf.Tensor2D;
      const w = tf.randomNormal([H, V], 0, 1, 'float32', 2) as tf.Tensor2D;
      const b = tf.randomNormal([V], 0, 1, 'float32', 3) as tf.Tensor1D;
      const logits = tf.add(tf.matMul(h, w), b);
      const lowest = tf.argMin(logits.slice([5, 0], [1, V]), 1).dataSync()[0];
      const targets = tf.tensor1d([0, 6, 3, 3, 1, lowest], 'int32');
      const weights = tf.randomNormal([N], 0, 1, 'float32', 4);
      const composed = (hi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) =>
        tf.sum(tf.mul(tf.logSoftmax(tf.add(tf.matMul(hi as tf.Tensor2D, wi as tf.Tensor2D), bi)), tf.oneHot(targets, V)), 1);
      const fused = (hi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor): tf.Tensor =>
        readoutLogProbs(hi as tf.Tensor2D, wi as tf.Tensor2D, bi as tf.Tensor1D, targets);
      expect(tf.softmax(logits).dataSync()[5 * V + lowest]).toBeLessThan(1e-30);
      expectClose(fused(h, w, b), composed(h, w, b));
      const loss = (f: typeof fused) => (hi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) => tf.sum(tf.mul(f(hi, wi, bi), weights));
      const viaOp = tf.grads(loss(fused))([h, w, b]);
      const viaOps = tf.grads(loss(composed))([h, w, b]);
      for (let i = 0; i < 3; i++) expectClose(viaOp[i], viaOps[i]);
    });

    it('leaves no tensors behind, with or without a gradient', () => {
      const h = tf.randomNormal([3, 2]) as tf.Tensor2D;
      const w = tf.randomNormal([2, 5]) as tf.Tensor2D;
      const b = tf.zeros([5]) as tf.Tensor1D;
      const targets = tf.tensor1d([1, 4, 0], 'int32');
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        readoutLogProbs(h, w, b, targets);
        tf.grads((hi: tf.Tensor) => tf.sum(readoutLogProbs(hi as tf.Tensor2D, w, b, targets)))([h]);
      });
      expect(tf.memory().numTensors).toBe(before);
    });
  });

  describe('affine', () => {
    it('gives a @ w + b and its gradients', () => {
      const a = tf.randomNormal([5, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
      const w = tf.randomNormal([3, 4], 0, 1, 'float32', 2) as tf.Tensor2D;
      const b = tf.randomNormal([4], 0, 1, 'float32', 3) as tf.Tensor1D;
      const weights = tf.randomNormal([5, 4], 0, 1, 'float32', 4);
      const composed = (ai: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor): tf.Tensor => tf.add(tf.matMul(ai as tf.Tensor2D, wi as tf.Tensor2D), bi);
      const fused = (ai: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor): tf.Tensor => affine(ai as tf.Tensor2D, wi as tf.Tensor2D, bi as tf.Tensor1D);
      expectClose(fused(a, w, b), composed(a, w, b));
      const loss = (f: typeof fused) => (ai: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) => tf.sum(tf.mul(f(ai, wi, bi), weights));
      const viaOp = tf.grads(loss(fused))([a, w, b]);
      const viaOps = tf.grads(loss(composed))([a, w, b]);
      for (let i = 0; i < 3; i++) expectClose(viaOp[i], viaOps[i]);
    });
  });
});
