// Ops with hand-written gradients, where composing tfjs ops costs more in
// per-kernel dispatch (~10 µs each on wasm, plus tape bookkeeping) than in
// arithmetic: the GRU recurrence over a whole sequence, the embedding lookup,
// and the log-probability of target tokens.
//
// gruSequence: a time step is one matMul on the backend (h @ W, with W reused
// every step: matMul's fast regime) and the gate arithmetic in plain JS on
// [B, 3H] arrays, with the gates saved for the backward pass; the weight
// gradient is one big matMul over all steps. Composed from tfjs ops, a step was
// ~15 kernels forward and ~30 backward. Gates are column blocks
// [reset | update | candidate] (cuDNN's order):
//   r = sigmoid(xr + hr), z = sigmoid(xz + hz), n = tanh(xn + r * hn),
//   h' = (1 - z) * n + z * h,    where [hr | hz | hn] = h @ W + b.
import * as tf from '@tensorflow/tfjs';

type GradSave = tf.GradSaveFunc;

/** h @ w, read back as plain data. (Not in a tidy: tidy walks a returned array element by element.) */
function matMulData(h: Float32Array, rows: number, w: tf.Tensor2D): Float32Array {
  const hT = tf.tensor2d(h, [rows, h.length / rows]);
  const out = tf.matMul(hT, w);
  const data = out.dataSync() as Float32Array;
  tf.dispose([hT, out]);
  return data;
}

/**
 * x [T, B, 3H] input projections (time-major), h0 [B, H], w [H, 3H], b [3H]
 * -> the hidden state after every step, [T, B, H].
 */
export const gruSequence = tf.customGrad((...args: (tf.Tensor | GradSave)[]) => {
  const [x, h0, w, b, save] = args as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, GradSave];
  save([w]);
  const [T, B, H3] = x.shape;
  const H = H3 / 3;
  const X = x.dataSync() as Float32Array;
  const bias = b.dataSync() as Float32Array;
  const hInit = h0.dataSync() as Float32Array;
  // Saved for the backward pass, all [T, B, H].
  const hs = new Float32Array(T * B * H);
  const rs = new Float32Array(T * B * H);
  const zs = new Float32Array(T * B * H);
  const ns = new Float32Array(T * B * H);
  const hns = new Float32Array(T * B * H);

  let hPrev = hInit;
  for (let t = 0; t < T; t++) {
    const hp = matMulData(hPrev, B, w);
    for (let i = 0; i < B; i++) {
      const xo = (t * B + i) * H3;
      const po = i * H3;
      for (let j = 0; j < H; j++) {
        const k = (t * B + i) * H + j;
        const r = 1 / (1 + Math.exp(-(X[xo + j] + hp[po + j] + bias[j])));
        const z = 1 / (1 + Math.exp(-(X[xo + H + j] + hp[po + H + j] + bias[H + j])));
        const hn = hp[po + 2 * H + j] + bias[2 * H + j];
        const n = Math.tanh(X[xo + 2 * H + j] + r * hn);
        rs[k] = r;
        zs[k] = z;
        ns[k] = n;
        hns[k] = hn;
        hs[k] = n + z * (hPrev[i * H + j] - n);
      }
    }
    hPrev = hs.subarray(t * B * H, (t + 1) * B * H);
  }

  const gradFunc = (dy: tf.Tensor3D, [savedW]: tf.Tensor[]) => {
    const dHs = dy.dataSync() as Float32Array;
    const wT = tf.transpose(savedW as tf.Tensor2D); // once, not per step: transposed matMuls are slow on wasm
    const dX = new Float32Array(T * B * H3); // = d(hp) for the r and z blocks
    const dHp = new Float32Array(T * B * H3);
    let dh = new Float32Array(B * H);
    for (let t = T - 1; t >= 0; t--) {
      const prev = t > 0 ? hs.subarray((t - 1) * B * H, t * B * H) : hInit;
      const dPrev = new Float32Array(B * H);
      for (let i = 0; i < B; i++) {
        const o = (t * B + i) * H3;
        for (let j = 0; j < H; j++) {
          const q = i * H + j;
          const k = t * B * H + q;
          const g = dh[q] + dHs[k];
          const r = rs[k];
          const z = zs[k];
          const n = ns[k];
          const dnPre = g * (1 - z) * (1 - n * n);
          const drPre = dnPre * hns[k] * r * (1 - r);
          const dzPre = g * (prev[q] - n) * z * (1 - z);
          dX[o + j] = drPre;
          dX[o + H + j] = dzPre;
          dX[o + 2 * H + j] = dnPre;
          dHp[o + j] = drPre;
          dHp[o + H + j] = dzPre;
          dHp[o + 2 * H + j] = dnPre * r;
          dPrev[q] = g * z;
        }
      }
      const back = matMulData(dHp.subarray(t * B * H3, (t + 1) * B * H3), B, wT);
      for (let q = 0; q < B * H; q++) dPrev[q] += back[q];
      dh = dPrev;
    }
    wT.dispose();
    const db = new Float32Array(H3);
    for (let k = 0; k < T * B; k++) for (let c = 0; c < H3; c++) db[c] += dHp[k * H3 + c];
    // dW = [h0; h_1 .. h_{T-1}]^T @ dHp: one matMul over all steps.
    const prevs = new Float32Array(T * B * H);
    prevs.set(hInit);
    prevs.set(hs.subarray(0, (T - 1) * B * H), B * H);
    const dW = tf.tidy(() => tf.matMul(tf.transpose(tf.tensor2d(prevs, [T * B, H])), tf.tensor2d(dHp, [T * B, H3])));
    return [tf.tensor3d(dX, [T, B, H3]), tf.tensor2d(dh, [B, H]), dW, tf.tensor1d(db)];
  };
  return { value: tf.tensor3d(hs, [T, B, H]), gradFunc };
}) as (x: tf.Tensor3D, h0: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor3D;

/** Rows `ids` [N] of `table` [V, D] -> [N, D]; the gradient adds each row's gradient into its row. */
export const gatherRows = tf.customGrad((...args: (tf.Tensor | GradSave)[]) => {
  const [table, ids, save] = args as [tf.Tensor2D, tf.Tensor1D, GradSave];
  const [V, D] = table.shape;
  save([ids]);
  const gradFunc = (dy: tf.Tensor2D, [savedIds]: tf.Tensor[]) => {
    const at = savedIds.dataSync();
    const g = dy.dataSync();
    const dTable = new Float32Array(V * D);
    for (let k = 0; k < at.length; k++) {
      const row = at[k] * D;
      for (let c = 0; c < D; c++) dTable[row + c] += g[k * D + c];
    }
    return [tf.tensor2d(dTable, [V, D]), tf.zerosLike(ids)];
  };
  // In JS: the wasm GatherV2 kernel took ~0.1 s per RL step for these few rows.
  const rows = readOnce(table);
  const at = ids.dataSync();
  const out = new Float32Array(at.length * D);
  for (let k = 0; k < at.length; k++) out.set(rows.subarray(at[k] * D, (at[k] + 1) * D), k * D);
  return { value: tf.tensor2d(out, [at.length, D]), gradFunc };
}) as (table: tf.Tensor2D, ids: tf.Tensor1D) => tf.Tensor2D;

/**
 * log softmax(logits)[r, targets[r]] for every row r: logits [N, V], targets
 * [N] -> [N]. One pass over the logits in JS, where logSoftmax, oneHot and
 * their gradients were ~15 kernel calls, three of them exp over all N x V.
 */
export const targetLogProbs = tf.customGrad((...args: (tf.Tensor | GradSave)[]) => {
  const [logits, targets] = args as [tf.Tensor2D, tf.Tensor1D];
  const [N, V] = logits.shape;
  const l = logits.dataSync() as Float32Array;
  const at = targets.dataSync();
  const probs = new Float32Array(N * V); // softmax(logits), kept for the gradient
  const out = new Float32Array(N);
  for (let r = 0; r < N; r++) {
    const o = r * V;
    let max = -Infinity;
    for (let v = 0; v < V; v++) max = Math.max(max, l[o + v]);
    let sum = 0;
    for (let v = 0; v < V; v++) sum += probs[o + v] = Math.exp(l[o + v] - max);
    for (let v = 0; v < V; v++) probs[o + v] /= sum;
    out[r] = l[o + at[r]] - max - Math.log(sum);
  }
  const gradFunc = (dy: tf.Tensor1D) => {
    // d/dlogits = dy * (onehot(target) - softmax)
    const g = dy.dataSync();
    const dLogits = new Float32Array(N * V);
    for (let r = 0; r < N; r++) {
      for (let v = 0; v < V; v++) dLogits[r * V + v] = -g[r] * probs[r * V + v];
      dLogits[r * V + at[r]] += g[r];
    }
    return [tf.tensor2d(dLogits, [N, V]), tf.zerosLike(targets)];
  };
  return { value: tf.tensor1d(out), gradFunc };
}) as (logits: tf.Tensor2D, targets: tf.Tensor1D) => tf.Tensor1D;

// A tensor's data never changes (a variable's assign swaps in new data), so a
// table looked up once per sampled token (sampling) is read back once.
const readBack = new WeakMap<object, Float32Array>();
function readOnce(t: tf.Tensor): Float32Array {
  let data = readBack.get(t.dataId);
  if (!data) readBack.set(t.dataId, (data = t.dataSync() as Float32Array));
  return data;
}
