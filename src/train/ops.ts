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
//
// Every loop lives in a module-level function: V8 keeps what it learned about
// a function per closure, and a gradient closure is new every step, so loops
// written inside one ran unoptimised (~10x slower, measured).
import * as tf from '@tensorflow/tfjs';
import { peek, tensorFrom } from './heap';

type GradSave = tf.GradSaveFunc;

/** h @ w, read back as plain data. (Not in a tidy: tidy walks a returned array element by element.) */
export function matMulData(h: Float32Array, rows: number, w: tf.Tensor2D): Float32Array {
  const hT = tf.tensor2d(h, [rows, h.length / rows]);
  const out = tf.matMul(hT, w);
  const data = out.dataSync() as Float32Array;
  tf.dispose([hT, out]);
  return data;
}

/** A GRU forward pass: the state after each step and the gates, all [T, B, H]. */
export interface GruTrace {
  T: number;
  B: number;
  H: number;
  h0: Float32Array;
  hs: Float32Array;
  r: Float32Array;
  z: Float32Array;
  n: Float32Array;
  /** The candidate's hidden part, hn = (h @ W + b)[:, 2H:]. */
  hn: Float32Array;
}

export function newTrace(T: number, B: number, h0: Float32Array): GruTrace {
  const H = h0.length / B;
  const size = T * B * H;
  return {
    T, B, H, h0,
    hs: new Float32Array(size), r: new Float32Array(size), z: new Float32Array(size),
    n: new Float32Array(size), hn: new Float32Array(size),
  };
}

/** The state before step t. */
export function stateBefore(trace: GruTrace, t: number): Float32Array {
  const { B, H } = trace;
  return t === 0 ? trace.h0 : trace.hs.subarray((t - 1) * B * H, t * B * H);
}

function gruForward(X: Float32Array, h0: Float32Array, w: tf.Tensor2D, bias: Float32Array, T: number, B: number): GruTrace {
  const trace = newTrace(T, B, h0);
  for (let t = 0; t < T; t++) cellForward(trace, t, X, w, bias);
  return trace;
}

/** sigmoid of every entry, on the backend (SIMD on wasm: 8,192 entries in ~20 us, ~5x a JS loop). */
function sigmoidData(x: Float32Array): Float32Array {
  const input = tf.tensor1d(x);
  const output = tf.sigmoid(input);
  const data = output.dataSync() as Float32Array;
  tf.dispose([input, output]);
  return data;
}

/** Step t: from the input projections X [T, B, 3H] and the previous state, the gates and the new state. */
export function cellForward(trace: GruTrace, t: number, X: Float32Array, w: tf.Tensor2D, bias: Float32Array) {
  const hPrev = stateBefore(trace, t);
  const hp = matMulData(hPrev, trace.B, w);
  const { B, H, hs, r: rs, z: zs, n: ns, hn: hns } = trace;
  const size = B * H;
  const at = t * size; // step t's offset in the trace
  const pre = new Float32Array(2 * size); // pre-activations of r and z
  for (let i = 0; i < B; i++) {
    const xo = (t * B + i) * 3 * H;
    const po = i * 3 * H;
    for (let j = 0; j < H; j++) {
      pre[i * H + j] = X[xo + j] + hp[po + j] + bias[j];
      pre[size + i * H + j] = X[xo + H + j] + hp[po + H + j] + bias[H + j];
      hns[at + i * H + j] = hp[po + 2 * H + j] + bias[2 * H + j];
    }
  }
  const rz = sigmoidData(pre);
  rs.set(rz.subarray(0, size), at);
  zs.set(rz.subarray(size), at);
  // n = tanh(xn + r * hn) = 2 sigmoid(2 (xn + r * hn)) - 1
  const nPre = new Float32Array(size);
  for (let i = 0; i < B; i++) {
    const xo = (t * B + i) * 3 * H + 2 * H;
    for (let j = 0; j < H; j++) nPre[i * H + j] = 2 * (X[xo + j] + rz[i * H + j] * hns[at + i * H + j]);
  }
  const nSig = sigmoidData(nPre);
  for (let q = 0; q < size; q++) {
    const n = 2 * nSig[q] - 1;
    ns[at + q] = n;
    hs[at + q] = n + rz[size + q] * (hPrev[q] - n);
  }
}

/** Gradients of a GRU pass from the gradient of its states dHs [T, B, H]; dHp is that of h @ W + b. */
function gruBackward(trace: GruTrace, dHs: Float32Array, wT: tf.Tensor2D) {
  const { T, B, H } = trace;
  const dX = new Float32Array(T * B * 3 * H);
  const dHp = new Float32Array(T * B * 3 * H);
  let dh: Float32Array = new Float32Array(B * H);
  for (let t = T - 1; t >= 0; t--) {
    const dPrev = cellBackward(trace, t, dh, dHs, stateBefore(trace, t), dX, dHp);
    const back = matMulData(dHp.subarray(t * B * 3 * H, (t + 1) * B * 3 * H), B, wT);
    for (let q = 0; q < B * H; q++) dPrev[q] += back[q];
    dh = dPrev;
  }
  return { dX, dHp, dh0: dh };
}

/** One step back: fills dX and dHp at step t and returns dh_{t-1} without its matMul part. */
function cellBackward(
  trace: GruTrace, t: number, dh: Float32Array, dHs: Float32Array, hPrev: Float32Array, dX: Float32Array, dHp: Float32Array,
): Float32Array {
  const { B, H, r: rs, z: zs, n: ns, hn: hns } = trace;
  const dPrev = new Float32Array(B * H);
  for (let i = 0; i < B; i++) {
    const o = (t * B + i) * 3 * H;
    for (let j = 0; j < H; j++) {
      const q = i * H + j;
      const k = t * B * H + q;
      const g = dh[q] + dHs[k];
      const r = rs[k];
      const z = zs[k];
      const n = ns[k];
      const dnPre = g * (1 - z) * (1 - n * n);
      const drPre = dnPre * hns[k] * r * (1 - r);
      const dzPre = g * (hPrev[q] - n) * z * (1 - z);
      dX[o + j] = dHp[o + j] = drPre;
      dX[o + H + j] = dHp[o + H + j] = dzPre;
      dX[o + 2 * H + j] = dnPre;
      dHp[o + 2 * H + j] = dnPre * r;
      dPrev[q] = g * z;
    }
  }
  return dPrev;
}

/**
 * The gradients of a GRU pass from the gradient of its states dHs [T, B, H]:
 * of its inputs x [T, B, 3H], its initial state, and of w [H, 3H] and b [3H].
 */
export function gruGradients(trace: GruTrace, dHs: Float32Array, w: tf.Tensor2D) {
  const { T, B, H } = trace;
  const wT = tf.transpose(w); // once, not per step: transposed matMuls are slow on wasm
  const { dX, dHp, dh0 } = gruBackward(trace, dHs, wT);
  wT.dispose();
  // dW = [h0; h_1 .. h_{T-1}]^T @ dHp: one matMul over all steps.
  const prevs = new Float32Array(T * B * H);
  prevs.set(trace.h0);
  prevs.set(trace.hs.subarray(0, (T - 1) * B * H), B * H);
  const dW = tf.tidy(() => tf.matMul(tf.transpose(tf.tensor2d(prevs, [T * B, H])), tf.tensor2d(dHp, [T * B, 3 * H])));
  return { dX, dh0, dW, db: columnSums(dHp, 3 * H) };
}

/** Sums of the columns of a row-major [rows, cols] matrix. */
export function columnSums(m: Float32Array, cols: number): Float32Array {
  const sums = new Float32Array(cols);
  for (let k = 0; k < m.length; k += cols) for (let c = 0; c < cols; c++) sums[c] += m[k + c];
  return sums;
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
  const trace = gruForward(x.dataSync() as Float32Array, h0.dataSync() as Float32Array, w, b.dataSync() as Float32Array, T, B);
  const gradFunc = (dy: tf.Tensor3D, [savedW]: tf.Tensor[]) => {
    const { dX, dh0, dW, db } = gruGradients(trace, dy.dataSync() as Float32Array, savedW as tf.Tensor2D);
    return [tf.tensor3d(dX, [T, B, H3]), tf.tensor2d(dh0, [B, H]), dW, tf.tensor1d(db)];
  };
  return { value: tf.tensor3d(trace.hs, [T, B, H]), gradFunc };
}) as (x: tf.Tensor3D, h0: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor3D;

function copyRows(rows: Float32Array, ids: Int32Array | Float32Array | Uint8Array, D: number): Float32Array {
  const out = new Float32Array(ids.length * D);
  for (let k = 0; k < ids.length; k++) out.set(rows.subarray(ids[k] * D, (ids[k] + 1) * D), k * D);
  return out;
}

export function scatterAddRows(g: Float32Array, ids: Int32Array | Float32Array | Uint8Array, V: number, D: number): Float32Array {
  const sums = new Float32Array(V * D);
  for (let k = 0; k < ids.length; k++) {
    const row = ids[k] * D;
    for (let c = 0; c < D; c++) sums[row + c] += g[k * D + c];
  }
  return sums;
}

/** Rows `ids` [N] of `table` [V, D] -> [N, D]; the gradient adds each row's gradient into its row. */
export const gatherRows = tf.customGrad((...args: (tf.Tensor | GradSave)[]) => {
  const [table, ids] = args as [tf.Tensor2D, tf.Tensor1D];
  const [V, D] = table.shape;
  // In JS: the wasm GatherV2 kernel took ~0.1 s per RL step for these few rows.
  const at = ids.dataSync();
  const gradFunc = (dy: tf.Tensor2D) => [
    tf.tensor2d(scatterAddRows(dy.dataSync() as Float32Array, at, V, D), [V, D]),
    tf.zerosLike(ids),
  ];
  return { value: tf.tensor2d(copyRows(readOnce(table), at, D), [at.length, D]), gradFunc };
}) as (table: tf.Tensor2D, ids: tf.Tensor1D) => tf.Tensor2D;

/**
 * softmax(logits) [N, V] as plain data, with the log of each row's normaliser.
 * The softmax runs on the backend (SIMD on wasm: ~5x faster than a JS loop);
 * the normaliser comes from the row's largest entry, whose probability is at
 * least 1/V, so no log of an underflowed probability is ever taken.
 */
export function softmaxData(logits: tf.Tensor2D): { l: Float32Array; probs: Float32Array; logSumExp: Float64Array } {
  const [N, V] = logits.shape;
  const l = logits.dataSync() as Float32Array;
  const p = tf.softmax(logits);
  const probs = p.dataSync() as Float32Array;
  p.dispose();
  return { l, probs, logSumExp: logNormalisers(l, probs, N, V) };
}

function logNormalisers(l: Float32Array, probs: Float32Array, N: number, V: number): Float64Array {
  const out = new Float64Array(N);
  for (let r = 0, o = 0; r < N; r++, o += V) {
    let top = o;
    for (let k = o + 1; k < o + V; k++) if (l[k] > l[top]) top = k;
    out[r] = l[top] - Math.log(probs[top]);
  }
  return out;
}

/** d/dlogits of sum_r g[r] * logp[r, target r] = g[r] * (onehot(target) - softmax). */
function targetLogProbsGrad(g: Float32Array, probs: Float32Array, targets: Int32Array | Float32Array | Uint8Array, V: number) {
  const dLogits = new Float32Array(probs.length);
  for (let o = 0, r = 0; r < targets.length; r++, o += V) {
    for (let v = 0; v < V; v++) dLogits[o + v] = -g[r] * probs[o + v];
    dLogits[o + targets[r]] += g[r];
  }
  return dLogits;
}

/**
 * log softmax(logits)[r, targets[r]] for every row r: logits [N, V], targets
 * [N] -> [N]. One pass over the logits in JS, where logSoftmax, oneHot and
 * their gradients were ~15 kernel calls, three of them exp over all N x V.
 */
export const targetLogProbs = tf.customGrad((...args: (tf.Tensor | GradSave)[]) => {
  const [logits, targets] = args as [tf.Tensor2D, tf.Tensor1D];
  const [N, V] = logits.shape;
  const at = targets.dataSync();
  const { l, probs, logSumExp } = softmaxData(logits); // probs kept for the gradient
  const out = new Float32Array(N);
  for (let r = 0; r < N; r++) out[r] = l[r * V + at[r]] - logSumExp[r];
  const gradFunc = (dy: tf.Tensor1D) => [
    tf.tensor2d(targetLogProbsGrad(dy.dataSync() as Float32Array, probs, at, V), [N, V]),
    tf.zerosLike(targets),
  ];
  return { value: tf.tensor1d(out), gradFunc };
}) as (logits: tf.Tensor2D, targets: tf.Tensor1D) => tf.Tensor1D;

/**
 * log softmax(h @ w + b)[r, targets[r]] for every row r: h [N, H], w [H, V],
 * b [V], targets [N] -> [N]. The readout and the log-probabilities in one op:
 * the bias rides in the matMul (one kernel), the softmax runs on the backend,
 * and the logits are never copied out; the backward writes d/dlogits once,
 * straight into the backend's memory, and sums b's gradient on the way (tfjs'
 * bias gradient transposed all of d/dlogits first).
 */
export const readoutLogProbs = tf.customGrad((...args: (tf.Tensor | GradSave)[]) => {
  const [h, w, b, targets, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, GradSave];
  const [N, V] = [h.shape[0], w.shape[1]];
  const at = targets.dataSync();
  const logits = tf.fused.matMul({ a: h, b: w, bias: b });
  const probs = tf.softmax(logits);
  save([h, w, probs]);
  const value = tensorFrom<tf.Rank.R1>([N], (out) => logProbsAt(out, peek(logits), peek(probs), at, V));
  const gradFunc = (dy: tf.Tensor1D, [savedH, savedW, savedProbs]: tf.Tensor[]) => {
    const db = new Float32Array(V);
    const g = dy.dataSync() as Float32Array;
    const dLogits = tensorFrom<tf.Rank.R2>([N, V], (d) => logitsGradient(d, db, g, peek(savedProbs), at, V));
    return [
      tf.matMul(dLogits, tf.transpose(savedW)), // explicit transposes: transposed matMuls are slow on wasm
      tf.matMul(tf.transpose(savedH), dLogits),
      tf.tensor1d(db),
      tf.zerosLike(targets),
    ];
  };
  return { value, gradFunc };
}) as (h: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, targets: tf.Tensor1D) => tf.Tensor1D;

/**
 * log p[r, target] from the softmax; where that probability underflowed (below
 * 1e-30), from the logits and the row's largest entry instead (as softmaxData).
 */
function logProbsAt(out: Float32Array, l: Float32Array, p: Float32Array, targets: ArrayLike<number>, V: number) {
  for (let r = 0, o = 0; r < out.length; r++, o += V) {
    const k = o + targets[r];
    if (p[k] > 1e-30) {
      out[r] = Math.log(p[k]);
      continue;
    }
    let top = o;
    for (let j = o + 1; j < o + V; j++) if (l[j] > l[top]) top = j;
    out[r] = l[k] - l[top] + Math.log(p[top]);
  }
}

/** d[r] = g[r] * (onehot(target r) - p[r]), and db += the columns of d. */
function logitsGradient(d: Float32Array, db: Float32Array, g: Float32Array, p: Float32Array, targets: ArrayLike<number>, V: number) {
  for (let r = 0, o = 0; r < g.length; r++, o += V) {
    const gr = g[r];
    for (let v = 0; v < V; v++) {
      const x = -gr * p[o + v];
      d[o + v] = x;
      db[v] += x;
    }
    d[o + targets[r]] += gr;
    db[targets[r]] += gr;
  }
}

// A tensor's data never changes (a variable's assign swaps in new data), so a
// table looked up once per sampled token (sampling) is read back once.
const readBack = new WeakMap<object, Float32Array>();
function readOnce(t: tf.Tensor): Float32Array {
  let data = readBack.get(t.dataId);
  if (!data) readBack.set(t.dataId, (data = t.dataSync() as Float32Array));
  return data;
}
