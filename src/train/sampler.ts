// Sampling from the policy, as plain data or as one op whose gradient is the
// policy gradient's.
//
// Why one op: the RL update needs log pi(sampled token) for every generated
// token, with its gradient. Sampling already computes the very same forward
// pass (the states, the gates and the softmax at each position), so the op
// keeps them and its backward runs from them: no second forward pass over the
// samples, which was a quarter of an RL step. The loops are those of the GRU
// op (src/train/ops.ts) and draw() below; the backward is that of gruSequence
// and targetLogProbs, composed by hand.
import * as tf from '@tensorflow/tfjs';
import type { GRULanguageModel } from './model';
import { activeBlas } from './blas';
import { tensorFrom, tensorsFrom } from './heap';
import { cellForward, gruGradients, logitsGradient, logProbOf, newTrace, softmaxData, type GruTrace } from './ops';

/** What one sampling pass drew, all [n, G] row-major, and what its backward needs. */
export interface Samples {
  ids: Int32Array;
  logProbs: Float32Array;
  /** Entropy of each next-token distribution. */
  entropy: Float32Array;
}

interface Pass extends Samples {
  /** GRU steps over the prompt and all generated tokens but the last: S = P + G - 1. */
  trace: GruTrace;
  /** The token read at each GRU step, time-major [S, n]. */
  inputs: Int32Array;
  /** softmax at each generated position, [G, n, V]. */
  probs: Float32Array;
}

/**
 * Samples G = uniforms.length / n tokens after the prompt for n sequences:
 * token t of sequence i is the first id whose cumulative probability reaches
 * uniforms[t * n + i] (inverse-CDF sampling; the draw runs in JS on each
 * step's logits, as on wasm reading them back is a copy).
 */
function samplingPass(
  weights: { table: Float32Array; hiddenW: tf.Tensor2D; hiddenB: Float32Array; outW: tf.Tensor2D; outB: tf.Tensor1D },
  promptIds: number[],
  n: number,
  uniforms: Float32Array,
): Pass {
  const { table, hiddenW, hiddenB, outW, outB } = weights;
  const V = outB.shape[0];
  const H3 = hiddenB.length;
  const H = H3 / 3;
  const P = promptIds.length;
  const G = uniforms.length / n;
  const S = P + G - 1;
  const pass: Pass = {
    ids: new Int32Array(n * G),
    logProbs: new Float32Array(n * G),
    entropy: new Float32Array(n * G),
    trace: newTrace(S, n, new Float32Array(n * H)),
    inputs: new Int32Array(S * n),
    probs: new Float32Array(G * n * V),
  };
  for (let s = 0; s < P; s++) for (let i = 0; i < n; i++) pass.inputs[s * n + i] = promptIds[s];
  for (let s = 0; s < S; s++) {
    cellForward(pass.trace, s, table, pass.inputs, hiddenW, hiddenB);
    if (s < P - 1) continue;
    const t = s - (P - 1); // the state after step s predicts generated token t
    // As readoutLogProbs computes them (bias in the matMul), so that a policy equal to the reference has KL 0.
    const logits = tf.tidy(() => tf.fused.matMul({ a: tf.tensor2d(pass.trace.hs.subarray(s * n * H, (s + 1) * n * H), [n, H]), b: outW, bias: outB }));
    const { l, probs, logSumExp } = softmaxData(logits as tf.Tensor2D);
    logits.dispose();
    pass.probs.set(probs, t * n * V);
    for (let i = 0; i < n; i++) {
      const row = { l: l.subarray(i * V, (i + 1) * V), p: probs.subarray(i * V, (i + 1) * V), logSumExp: logSumExp[i] };
      const drawn = draw(row, uniforms[t * n + i]);
      pass.ids[i * G + t] = drawn.id;
      pass.logProbs[i * G + t] = drawn.logProb;
      pass.entropy[i * G + t] = drawn.entropy;
      if (s + 1 < S) pass.inputs[(s + 1) * n + i] = drawn.id;
    }
  }
  return pass;
}

/** The first id whose cumulative probability reaches u (the last id if rounding leaves none). */
function draw(row: { l: Float32Array; p: Float32Array; logSumExp: number }, u: number) {
  const { l, p, logSumExp } = row;
  let id = -1;
  let cumulative = 0;
  let expectedLogit = 0;
  for (let v = 0; v < p.length; v++) {
    expectedLogit += p[v] * l[v];
    cumulative += p[v];
    if (id < 0 && cumulative >= u) id = v;
  }
  if (id < 0) id = p.length - 1;
  // entropy = -sum p (l - logSumExp) = logSumExp - sum p l
  return { id, logProb: logProbOf(l, p, id, logSumExp), entropy: logSumExp - expectedLogit };
}

function modelWeights(model: GRULanguageModel, table: tf.Tensor2D) {
  const w = model.weights;
  return {
    table: table.dataSync() as Float32Array,
    hiddenW: w.hidden_w as tf.Tensor2D,
    hiddenB: w.hidden_b.dataSync() as Float32Array,
    outW: w.out_w as tf.Tensor2D,
    outB: w.out_b as tf.Tensor1D,
  };
}

/** Samples without a gradient (see samplingPass). */
export function sample(model: GRULanguageModel, promptIds: number[], n: number, uniforms: Float32Array): Samples {
  const table = tf.tidy(() => model.inputTable());
  const { ids, logProbs, entropy } = samplingPass(modelWeights(model, table), promptIds, n, uniforms);
  table.dispose();
  return { ids, logProbs, entropy };
}

/**
 * Samples (see samplingPass) and returns the log-probabilities of the drawn
 * tokens [n, G] as a tensor whose gradient reaches the model's weights
 * (through its input table, so call it where gradients are recorded).
 */
export function sampleWithGradient(
  model: GRULanguageModel,
  promptIds: number[],
  n: number,
  uniforms: Float32Array,
): { samples: Samples; logProbs: tf.Tensor2D } {
  const G = uniforms.length / n;
  let pass: Pass | undefined;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [table, hiddenW, hiddenB, outW, outB] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D];
    const weights = {
      table: table.dataSync() as Float32Array, hiddenW, hiddenB: hiddenB.dataSync() as Float32Array,
      outW, outB,
    };
    const done = samplingPass(weights, promptIds, n, uniforms);
    pass = done;
    const gradFunc = (dy: tf.Tensor2D) => policyGradients(done, dy.dataSync() as Float32Array, promptIds.length, weights);
    return { value: tf.tensor2d(done.logProbs, [n, G]), gradFunc };
  });
  const w = model.weights;
  const logProbs = op(model.inputTable(), w.hidden_w, w.hidden_b, w.out_w, w.out_b) as tf.Tensor2D;
  const { ids, logProbs: data, entropy } = pass!;
  return { samples: { ids, logProbs: data, entropy }, logProbs };
}

/** The gradients of sum over (i, t) of g[i, t] * logProbs[i, t] with respect to the op's inputs. */
function policyGradients(
  pass: Pass,
  g: Float32Array,
  P: number,
  weights: { hiddenW: tf.Tensor2D; outW: tf.Tensor2D; outB: tf.Tensor1D },
): tf.Tensor[] {
  const { trace, probs, ids } = pass;
  const { B: n, H, T: S } = trace;
  const V = weights.outB.shape[0];
  const G = S - P + 1;
  // d/dlogits = g * (onehot(token) - softmax) at each generated position, rows
  // time-major [G * n, V], in both layouts (see readoutLogProbs in ops.ts).
  const rows = G * n;
  const gRows = new Float32Array(rows);
  const tokenRows = new Int32Array(rows);
  for (let t = 0; t < G; t++) {
    for (let i = 0; i < n; i++) {
      gRows[t * n + i] = g[i * G + t];
      tokenRows[t * n + i] = ids[i * G + t];
    }
  }
  const dOutB = new Float32Array(V);
  // The states after steps P-1 .. S-1 were read out: [G * n, H], contiguous (time-major).
  const readStates = trace.hs.subarray((P - 1) * n * H);
  const [dOutW, dReadStates] = tf.tidy(() => {
    if (activeBlas()) {
      // Transposed matMuls: fast with BLAS (see ops.ts).
      const dl = tensorFrom<tf.Tensor2D>([rows, V], (d) => logitsGradient(d, null, dOutB, gRows, probs, tokenRows, V));
      return [tf.matMul(tf.tensor2d(readStates, [rows, H]), dl, true, false), tf.matMul(dl, weights.outW, false, true)];
    }
    const [dl, dlT] = tensorsFrom([[rows, V], [V, rows]], ([d, dT]) => logitsGradient(d, dT, dOutB, gRows, probs, tokenRows, V));
    return [
      tf.transpose(tf.matMul(dlT, tf.tensor2d(readStates, [rows, H]))),
      tf.matMul(dl, tf.transpose(weights.outW)),
    ];
  });
  const dHs = new Float32Array(S * n * H);
  dHs.set(dReadStates.dataSync(), (P - 1) * n * H);
  dReadStates.dispose();
  const { dTable, dW, db } = gruGradients(trace, dHs, weights.hiddenW, pass.inputs, V);
  return [
    tf.tensor2d(dTable, [V, 3 * H]),
    dW,
    tf.tensor1d(db),
    dOutW,
    tf.tensor1d(dOutB),
  ];
}
