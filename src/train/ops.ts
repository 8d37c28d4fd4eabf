// Ops with hand-written gradients, where composing tfjs ops costs more in
// per-kernel dispatch (~10 µs each on wasm, plus tape bookkeeping) than in
// arithmetic: the GRU recurrence over a whole sequence with its input lookup,
// and the log-probability of target tokens.
//
// gruSequence: a time step is one matMul on the backend (h @ W, with W reused
// every step: matMul's fast regime), two sigmoids on the backend, and the gate
// arithmetic in plain JS on [B, 3H] arrays, with the gates saved for the
// backward pass; the weight gradient is one big matMul over all steps.
// Composed from tfjs ops, a step was ~15 kernels forward and ~30 backward.
// Each step's input projection is a row of the [V, 3H] input table, read where
// it is used (no gathered [T, B, 3H] copy), and the backward adds each row's
// gradient straight into the table's. Gates are column blocks
// [reset | update | candidate] (cuDNN's order):
//   r = sigmoid(xr + hr), z = sigmoid(xz + hz), n = tanh(xn + r * hn),
//   h' = (1 - z) * n + z * h,    where [hr | hz | hn] = h @ W + b.
//
// Every loop lives in a module-level function: V8 keeps what it learned about
// a function per closure, and a gradient closure is new every step, so loops
// written inside one ran unoptimised (~10x slower, measured).
//
// On backend wasm+blas (src/train/blas.ts) the GRU's matMuls call BLAS
// directly on the arrays (a tensor per time step cost more in dispatch than
// the arithmetic), and gradients use transposed matMuls, fast there, instead
// of the explicit transposes wasm needs. Other sums, other roundings: hence
// its own backend name.
import * as tf from '@tensorflow/tfjs';
import { activeBlas, type Blas } from './blas';
import { give, peek, take, tensorFrom, tensorsFrom } from './heap';

type GradSave = tf.GradSaveFunc;

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
    hs: take(size), r: take(size), z: take(size), n: take(size), hn: take(size),
  };
}

/** The state before step t. */
export function stateBefore(trace: GruTrace, t: number): Float32Array {
  const { B, H } = trace;
  return t === 0 ? trace.h0 : trace.hs.subarray((t - 1) * B * H, t * B * H);
}

/**
 * Step t: from the input rows table[ids[t * B + i]] (table [V, 3H]) and the
 * previous state, the gates and the new state. The backend's outputs are read
 * in place (src/train/heap.ts), each right after it is made.
 */
export function cellForward(trace: GruTrace, t: number, table: Float32Array, ids: ArrayLike<number>, w: tf.Tensor2D, bias: Float32Array) {
  const { B, H } = trace;
  const hPrev = stateBefore(trace, t);
  // h @ W: by BLAS into an array, or on the backend and read in place.
  const blas = activeBlas();
  const hpData = blas ? take(B * 3 * H) : null;
  let hp: tf.Tensor | null = null;
  if (blas) {
    blas.sgemm(false, false, B, 3 * H, H, hPrev, peek(w), hpData!, null, false);
  } else {
    const h = tf.tensor2d(hPrev, [B, H]);
    hp = tf.matMul(h, w);
    h.dispose();
  }
  const rzPre = tensorFrom([2 * B * H], (pre) => resetUpdatePre(pre, hpData ?? peek(hp!), trace, t, table, ids, bias));
  const rz = tf.sigmoid(rzPre);
  // n = tanh(xn + r * hn) = 2 sigmoid(2 (xn + r * hn)) - 1
  const nPre = tensorFrom([B * H], (pre) => candidatePre(pre, peek(rz), trace, t, table, ids));
  const nSig = tf.sigmoid(nPre);
  newState(peek(nSig), trace, t, hPrev);
  tf.dispose([rzPre, rz, nPre, nSig]);
  if (hp) hp.dispose();
  if (hpData) give(hpData);
}

/** pre = [xr + hr | xz + hz] as two [B, H] blocks; keeps hn in the trace. */
function resetUpdatePre(pre: Float32Array, hp: Float32Array, trace: GruTrace, t: number, table: Float32Array, ids: ArrayLike<number>, bias: Float32Array) {
  const { B, H, hn } = trace;
  const size = B * H;
  const at = t * size;
  for (let i = 0; i < B; i++) {
    const xo = ids[t * B + i] * 3 * H;
    const po = i * 3 * H;
    const q = i * H;
    for (let j = 0; j < H; j++) {
      pre[q + j] = table[xo + j] + hp[po + j] + bias[j];
      pre[size + q + j] = table[xo + H + j] + hp[po + H + j] + bias[H + j];
      hn[at + q + j] = hp[po + 2 * H + j] + bias[2 * H + j];
    }
  }
}

/** Keeps r and z in the trace; pre = 2 (xn + r * hn). */
function candidatePre(pre: Float32Array, rz: Float32Array, trace: GruTrace, t: number, table: Float32Array, ids: ArrayLike<number>) {
  const { B, H, r, z, hn } = trace;
  const size = B * H;
  const at = t * size;
  r.set(rz.subarray(0, size), at);
  z.set(rz.subarray(size, 2 * size), at);
  for (let i = 0; i < B; i++) {
    const xo = ids[t * B + i] * 3 * H + 2 * H;
    const q = i * H;
    for (let j = 0; j < H; j++) pre[q + j] = 2 * (table[xo + j] + r[at + q + j] * hn[at + q + j]);
  }
}

/** n = 2 sigmoid - 1 and h' = n + z (h - n), into the trace. */
function newState(nSig: Float32Array, trace: GruTrace, t: number, hPrev: Float32Array) {
  const { B, H, hs, z, n: ns } = trace;
  const at = t * B * H;
  for (let q = 0; q < B * H; q++) {
    const n = 2 * nSig[q] - 1;
    ns[at + q] = n;
    hs[at + q] = n + z[at + q] * (hPrev[q] - n);
  }
}

/**
 * The gradients of a GRU pass from the gradient of its states dHs [T, B, H]:
 * of the input table [V, 3H] its rows were read from (ids), of its initial
 * state, and of w [H, 3H] and b [3H].
 */
export function gruGradients(trace: GruTrace, dHs: Float32Array, w: tf.Tensor2D, ids: ArrayLike<number>, V: number) {
  const blas = activeBlas();
  if (blas) return gruGradientsBlas(blas, trace, dHs, w, ids, V);
  const { T, B, H } = trace;
  const dTable = take(V * 3 * H).fill(0);
  const dHpT = take(3 * H * T * B); // the gradient of h @ W + b at every step, transposed: [3H, T * B]
  const db = new Float32Array(3 * H);
  const wT = tf.transpose(w); // once, not per step: transposed matMuls are slow on wasm
  let dh = take(B * H).fill(0);
  let dPrev = take(B * H);
  for (let t = T - 1; t >= 0; t--) {
    const dHp = tensorFrom<tf.Tensor2D>([B, 3 * H], (d) => cellBackward(trace, t, dh, dHs, d, dHpT, dTable, db, ids, dPrev));
    const back = tf.matMul(dHp, wT);
    addInto(dPrev, peek(back));
    tf.dispose([dHp, back]);
    [dh, dPrev] = [dPrev, dh];
  }
  wT.dispose();
  // dW^T = dHp^T @ [h0; h_1 .. h_{T-1}]: one matMul over all steps. This way
  // round the operand the backend repacks on every call is the [T * B, H]
  // states, not the 3x larger dHp (repacking that was ~1.8 ms of a step).
  const prevs = tensorFrom([T * B, H], (out) => {
    out.set(trace.h0);
    out.set(trace.hs.subarray(0, (T - 1) * B * H), B * H);
  });
  const dHpTAll = copyToTensor(dHpT, [3 * H, T * B]);
  const dWT = tf.matMul(dHpTAll, prevs);
  const dW = tf.transpose(dWT);
  tf.dispose([prevs, dHpTAll, dWT]);
  give(dHpT, dPrev);
  return { dTable, dh0: dh, dW, db };
}

/**
 * gruGradients with BLAS: each step's dh_{t-1} += dHp @ W^T straight into the
 * array, and dW = [h0; h_1 .. h_{T-1}]^T @ dHp over all steps, the gradients
 * dHp of h @ W + b kept as rows [T * B, 3H].
 */
function gruGradientsBlas(blas: Blas, trace: GruTrace, dHs: Float32Array, w: tf.Tensor2D, ids: ArrayLike<number>, V: number) {
  const { T, B, H } = trace;
  const H3 = 3 * H;
  const dTable = take(V * H3).fill(0);
  const dHpAll = take(T * B * H3);
  const db = new Float32Array(H3);
  let dh = take(B * H).fill(0);
  let dPrev = take(B * H);
  for (let t = T - 1; t >= 0; t--) {
    const dHp = dHpAll.subarray(t * B * H3, (t + 1) * B * H3);
    cellBackward(trace, t, dh, dHs, dHp, null, dTable, db, ids, dPrev);
    blas.sgemm(false, true, B, H, H3, dHp, peek(w), dPrev, null, true);
    [dh, dPrev] = [dPrev, dh];
  }
  const dW = tensorFrom<tf.Tensor2D>([H, H3], (out) => {
    blas.sgemm(true, false, H, H3, B, trace.h0, dHpAll, out, null, false);
    if (T > 1) blas.sgemm(true, false, H, H3, (T - 1) * B, trace.hs, dHpAll.subarray(B * H3), out, null, true);
  });
  give(dHpAll, dPrev);
  return { dTable, dh0: dh, dW, db };
}

function addInto(to: Float32Array, from: Float32Array) {
  for (let q = 0; q < to.length; q++) to[q] += from[q];
}

/**
 * One step back: writes the gradient of h @ W + b at step t into dHp [B, 3H]
 * and (unless null) into its columns of dHpT, adds the input rows' gradients
 * into dTable and the bias's into db, and writes dh_{t-1} without its matMul
 * part into dPrev.
 */
function cellBackward(
  trace: GruTrace, t: number, dh: Float32Array, dHs: Float32Array, dHp: Float32Array, dHpT: Float32Array | null,
  dTable: Float32Array, db: Float32Array, ids: ArrayLike<number>, dPrev: Float32Array,
) {
  const { T, B, H, r: rs, z: zs, n: ns, hn: hns } = trace;
  const hPrev = stateBefore(trace, t);
  const TB = T * B;
  for (let i = 0; i < B; i++) {
    const o = i * 3 * H;
    const x = ids[t * B + i] * 3 * H;
    const c = t * B + i; // the column of dHpT
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
      const dhn = dnPre * r;
      dHp[o + j] = drPre;
      dHp[o + H + j] = dzPre;
      dHp[o + 2 * H + j] = dhn;
      dTable[x + j] += drPre;
      dTable[x + H + j] += dzPre;
      dTable[x + 2 * H + j] += dnPre;
      db[j] += drPre;
      db[H + j] += dzPre;
      db[2 * H + j] += dhn;
      dPrev[q] = g * z;
    }
    if (dHpT) for (let j = 0; j < 3 * H; j++) dHpT[j * TB + c] = dHp[o + j];
  }
}

/** A tensor holding a copy of data (which may then be reused). */
function copyToTensor<T extends tf.Tensor>(data: Float32Array, shape: number[]): T {
  return tensorFrom<T>(shape, (out) => out.set(data));
}

/**
 * The GRU over input rows: table [V, 3H] (input projections by token id), ids
 * [T, B] (time-major), h0 [B, H], w [H, 3H], b [3H] -> the hidden state after
 * every step, [T, B, H].
 */
export const gruSequence = tf.customGrad((...args: (tf.Tensor | GradSave)[]) => {
  const [table, ids, h0, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, GradSave];
  save([w]);
  const [T, B] = ids.shape;
  const [V, H3] = table.shape;
  const H = H3 / 3;
  const at = ids.dataSync();
  const tableData = take(V * H3);
  tableData.set(peek(table));
  const bias = b.dataSync() as Float32Array;
  const trace = newTrace(T, B, peek(h0).slice());
  for (let t = 0; t < T; t++) cellForward(trace, t, tableData, at, w, bias);
  give(tableData);
  const gradFunc = (dy: tf.Tensor3D, [savedW]: tf.Tensor[]) => {
    const dHs = take(T * B * H);
    dHs.set(peek(dy));
    const { dTable, dh0, dW, db } = gruGradients(trace, dHs, savedW as tf.Tensor2D, at, V);
    const grads = [copyToTensor(dTable, [V, H3]), tf.zerosLike(ids), copyToTensor(dh0, [B, H]), dW, tf.tensor1d(db)];
    give(dHs, dTable, dh0, trace.hs, trace.r, trace.z, trace.n, trace.hn);
    return grads;
  };
  return { value: copyToTensor<tf.Tensor3D>(trace.hs, [T, B, H]), gradFunc };
}) as (table: tf.Tensor2D, ids: tf.Tensor2D, h0: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor3D;

/**
 * a @ w + b: a [N, K], w [K, M], b [M] -> [N, M]. The bias rides in the
 * matMul; the gradient uses explicit transposes (a transposed matMul runs ~10x
 * slower on wasm), sums b's gradient in JS while transposing dy (tfjs'
 * broadcast-add gradient ran a Transpose kernel over dy and then a Sum), and
 * takes w's as (dy^T @ a)^T so that the operand the backend repacks is the
 * small a, not dy.
 */
export const affine = tf.customGrad((...args: (tf.Tensor | GradSave)[]) => {
  const [a, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, GradSave];
  save([a, w]);
  const gradFunc = (dy: tf.Tensor2D, [savedA, savedW]: tf.Tensor[]) => {
    const [N, M] = dy.shape;
    const db = new Float32Array(M);
    if (activeBlas()) {
      addColumnSums(db, peek(dy), N, M);
      return [tf.matMul(dy, savedW, false, true), tf.matMul(savedA, dy, true, false), tf.tensor1d(db)];
    }
    const dyT = tensorFrom<tf.Tensor2D>([M, N], (out) => transposeSummingColumns(out, db, peek(dy), N, M));
    return [
      tf.matMul(dy, tf.transpose(savedW as tf.Tensor2D)),
      tf.transpose(tf.matMul(dyT, savedA as tf.Tensor2D)),
      tf.tensor1d(db),
    ];
  };
  return { value: tf.fused.matMul({ a, b: w, bias: b }) as tf.Tensor2D, gradFunc };
}) as (a: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

/** sums += the column sums of a row-major [N, M] m. */
function addColumnSums(sums: Float32Array, m: Float32Array, N: number, M: number) {
  for (let r = 0, o = 0; r < N; r++, o += M) for (let c = 0; c < M; c++) sums[c] += m[o + c];
}

/** out = m^T for a row-major [N, M] m, and sums += m's column sums. */
function transposeSummingColumns(out: Float32Array, sums: Float32Array, m: Float32Array, N: number, M: number) {
  for (let r = 0, o = 0; r < N; r++, o += M) {
    for (let c = 0; c < M; c++) {
      const x = m[o + c];
      out[c * N + r] = x;
      sums[c] += x;
    }
  }
}

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

/**
 * log softmax(h @ w + b)[r, targets[r]] for every row r: h [N, H], w [H, V],
 * b [V], targets [N] -> [N]. The readout and the log-probabilities in one op:
 * the bias rides in the matMul (one kernel), the softmax runs on the backend,
 * and the logits are never copied out; the backward writes d/dlogits in one
 * pass, straight into the backend's memory, and sums b's gradient on the way
 * (tfjs' bias gradient transposed all of d/dlogits first). Pretraining's loss
 * and RL's scoring under the reference both use it.
 *
 * rowBlock > 0: on wasm+blas, the logits are taken rowBlock rows per matMul,
 * as sampling takes them one step of rowBlock sequences at a time, so that
 * both round alike: BLAS's sums depend on a matMul's row count (OpenBLAS's
 * AVX2 kernels here), and a policy equal to the reference must score KL 0.
 */
const readoutOp = (rowBlock: number) => tf.customGrad((...args: (tf.Tensor | GradSave)[]) => {
  const [h, w, b, targets, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, GradSave];
  const [N, V] = [h.shape[0], w.shape[1]];
  const at = targets.dataSync();
  const blas = activeBlas();
  const logits = blas && rowBlock > 0 && rowBlock < N ? blockLogits(blas, h, w, b, rowBlock) : tf.fused.matMul({ a: h, b: w, bias: b });
  const probs = tf.softmax(logits);
  save([h, w, probs]);
  const value = tensorFrom<tf.Tensor1D>([N], (out) => logProbsAt(out, peek(logits), peek(probs), at, V));
  const gradFunc = (dy: tf.Tensor1D, [savedH, savedW, savedProbs]: tf.Tensor[]) => {
    const db = new Float32Array(V);
    const g = dy.dataSync() as Float32Array;
    if (activeBlas()) {
      const dLogits = tensorFrom<tf.Tensor2D>([N, V], (d) => logitsGradient(d, null, db, g, peek(savedProbs), at, V));
      return [tf.matMul(dLogits, savedW, false, true), tf.matMul(savedH, dLogits, true, false), tf.tensor1d(db), tf.zerosLike(targets)];
    }
    // d/dlogits in both layouts: dW^T = dLogits^T @ h has the backend repack
    // h [N, H] rather than d/dlogits [N, V] (~2.7 ms of a default step).
    const [dLogits, dLogitsT] = tensorsFrom([[N, V], [V, N]], ([d, dT]) => logitsGradient(d, dT, db, g, peek(savedProbs), at, V));
    return [
      tf.matMul(dLogits, tf.transpose(savedW)), // explicit transposes: transposed matMuls are slow on wasm
      tf.transpose(tf.matMul(dLogitsT, savedH)),
      tf.tensor1d(db),
      tf.zerosLike(targets),
    ];
  };
  return { value, gradFunc };
}) as (h: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, targets: tf.Tensor1D) => tf.Tensor1D;
const readoutOps = new Map<number, ReturnType<typeof readoutOp>>();

export function readoutLogProbs(h: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, targets: tf.Tensor1D, rowBlock = 0): tf.Tensor1D {
  let op = readoutOps.get(rowBlock);
  if (!op) readoutOps.set(rowBlock, (op = readoutOp(rowBlock)));
  return op(h, w, b, targets);
}

/** h @ w + b by BLAS, rowBlock rows per matMul. */
function blockLogits(blas: Blas, h: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, rowBlock: number): tf.Tensor2D {
  const [[N, H], V] = [h.shape, w.shape[1]];
  return tensorFrom<tf.Tensor2D>([N, V], (out) => {
    const [hData, wData, bData] = [peek(h), peek(w), peek(b)];
    for (let r = 0; r < N; r += rowBlock) {
      const rows = Math.min(rowBlock, N - r);
      blas.sgemm(false, false, rows, V, H, hData.subarray(r * H), wData, out.subarray(r * V, (r + rows) * V), bData, false);
    }
  });
}

/**
 * log p[k] from the softmax; where that probability underflowed (below 1e-30),
 * from the logits and the log normaliser instead. Sampling (src/train/sampler.ts)
 * and readoutLogProbs both use it, so equal models give equal log-probabilities.
 */
export function logProbOf(l: Float32Array, p: Float32Array, k: number, logSumExp: number): number {
  return p[k] > 1e-30 ? Math.log(p[k]) : l[k] - logSumExp;
}

/** logProbOf at each row's target; the normaliser (as softmaxData's) only where needed. */
function logProbsAt(out: Float32Array, l: Float32Array, p: Float32Array, targets: ArrayLike<number>, V: number) {
  for (let r = 0, o = 0; r < out.length; r++, o += V) {
    const k = o + targets[r];
    if (p[k] > 1e-30) {
      out[r] = Math.log(p[k]);
      continue;
    }
    let top = o;
    for (let j = o + 1; j < o + V; j++) if (l[j] > l[top]) top = j;
    out[r] = logProbOf(l, p, k, l[top] - Math.log(p[top]));
  }
}

/** d[r] = g[r] * (onehot(target r) - p[r]), dT its transpose (unless null), and db += the columns of d. */
export function logitsGradient(
  d: Float32Array, dT: Float32Array | null, db: Float32Array, g: Float32Array, p: Float32Array, targets: ArrayLike<number>, V: number,
) {
  const N = g.length;
  for (let r = 0, o = 0; r < N; r++, o += V) {
    const gr = g[r];
    const t = targets[r];
    for (let v = 0; v < V; v++) {
      const x = v === t ? gr - gr * p[o + v] : -gr * p[o + v];
      d[o + v] = x;
      db[v] += x;
    }
    if (dT) for (let v = 0; v < V; v++) dT[v * N + r] = d[o + v];
  }
}
