// A small word-level causal language model: embedding -> GRU -> linear.
//
// Why a GRU and not a transformer: on this machine's wasm backend, after 60 s
// of pretraining (batch 32 x 32 tokens) this GRU (184k parameters, 0.15 s/step)
// reached 1.55 nats/token held out and a 2-layer transformer (d=64, 4 heads,
// 174k parameters, 0.20 s/step) 1.56: a tie on learning. Sampling, which RL
// does every step, then decides: the GRU costs one cell step per token, the
// transformer attention over the whole prefix (and a context as long as the
// 70-token generations, twice what it was pretrained on).
//
// wasm facts that shape this file (see DESIGN.md):
// - gather has no gradient on wasm, so the embedding is folded into the input
//   projection (a [V, 3H] table, E @ W_in + b_in) whose rows gruSequence reads
//   by token id, adding their gradients back into the table's (src/train/ops.ts);
// - a transposed matMul (which every matMul gradient uses) runs ~10x slower than
//   an explicit transpose followed by a plain matMul, hence `affine` (src/train/ops.ts);
// - matMul repacks its right operand whenever that is a new tensor (~3 ns a
//   float), so the ops take weight gradients as (dy^T @ x)^T, repacking the
//   smaller x rather than dy;
// - per-op dispatch costs more than a time step's arithmetic, so the recurrence
//   is one op, gruSequence, with a hand-written backward (src/train/ops.ts);
// - the output projection is done for all time steps in one big matMul, and
//   targetLogProbs reads out and takes log-probabilities in one op (readoutLogProbs, src/train/ops.ts).
// Sampling runs the same arithmetic token by token in src/train/sampler.ts.
import * as tf from '@tensorflow/tfjs';
import { affine, gruSequence, readoutLogProbs } from './ops';
import { mulberry32 } from '../random';

export interface ModelSize {
  vocabSize: number;
  embedDim: number;
  hiddenDim: number;
}

/** A model's weights (or any named tensors) as plain data, for caches and checkpoints. */
export type TensorData = Record<string, { shape: number[]; data: Float32Array }>;

export class GRULanguageModel {
  readonly size: ModelSize;
  /** Trainable weights by name; names are stable (checkpoints use them). */
  readonly weights: Record<string, tf.Variable>;

  constructor(size: ModelSize, seed: number) {
    this.size = size;
    const { vocabSize: V, embedDim: E, hiddenDim: H } = size;
    const rand = mulberry32(seed);
    // Uniform(-a, a) with a = sqrt(3 / fanIn) keeps activations at unit scale.
    const init = (shape: number[], fanIn: number) => {
      const a = Math.sqrt(3 / fanIn);
      const data = new Float32Array(shape.reduce((x, y) => x * y, 1));
      for (let i = 0; i < data.length; i++) data[i] = (2 * rand() - 1) * a;
      return tf.variable(tf.tensor(data, shape));
    };
    const zeros = (shape: number[]) => tf.variable(tf.zeros(shape));
    // tidy disposes the initial values; the variables keep their own reference.
    this.weights = tf.tidy(() => ({
      embed: init([V, E], 1),
      // Gates in column blocks [reset | update | candidate], as in cuDNN's GRU.
      input_w: init([E, 3 * H], E),
      input_b: zeros([3 * H]),
      hidden_w: init([H, 3 * H], H),
      hidden_b: zeros([3 * H]),
      out_w: init([H, V], H),
      out_b: zeros([V]),
    }));
  }

  /** Initial hidden state for `batch` sequences. */
  initialState(batch: number): tf.Tensor2D {
    return tf.zeros([batch, this.size.hiddenDim]);
  }

  /** The input projection of every token id, [V, 3H]: the embedding folded into the GRU's input weights. */
  inputTable(): tf.Tensor2D {
    const w = this.weights;
    return affine(w.embed as tf.Tensor2D, w.input_w as tf.Tensor2D, w.input_b as tf.Tensor1D);
  }

  /**
   * Teacher-forced: ids [B, T] -> the hidden state after each token, time-major
   * [T, B, H]; states[t] predicts ids[:, t + 1] (targetLogProbs).
   */
  hiddenStates(ids: tf.Tensor2D, state?: tf.Tensor2D): tf.Tensor3D {
    const w = this.weights;
    const timeMajor = tf.transpose(ids) as tf.Tensor2D;
    const h0 = state ?? this.initialState(ids.shape[0]);
    return gruSequence(this.inputTable(), timeMajor, h0, w.hidden_w as tf.Tensor2D, w.hidden_b as tf.Tensor1D);
  }

  /**
   * log p(targets[r] | hidden state h[r]) for hidden states h [N, H] and
   * targets [N] -> [N]; rowBlock: see readoutLogProbs.
   */
  targetLogProbs(h: tf.Tensor2D, targets: tf.Tensor1D, rowBlock = 0): tf.Tensor1D {
    const w = this.weights;
    return readoutLogProbs(h, w.out_w as tf.Tensor2D, w.out_b as tf.Tensor1D, targets, rowBlock);
  }

  numParams(): number {
    return Object.values(this.weights).reduce((n, v) => n + v.size, 0);
  }

  /** Copies the weights out as plain data. */
  async save(): Promise<TensorData> {
    const out: TensorData = {};
    for (const [name, v] of Object.entries(this.weights)) {
      out[name] = { shape: v.shape, data: (await v.data()) as Float32Array };
    }
    return out;
  }

  /** Overwrites the weights with saved data (shapes must match). */
  load(saved: TensorData): void {
    for (const [name, v] of Object.entries(this.weights)) {
      const s = saved[name];
      if (!s || s.shape.join() !== v.shape.join()) {
        throw new Error(`weights "${name}": expected shape [${v.shape}], got ${s ? `[${s.shape}]` : 'nothing'}`);
      }
      tf.tidy(() => v.assign(tf.tensor(s.data, s.shape)));
    }
  }

  dispose(): void {
    for (const v of Object.values(this.weights)) v.dispose();
  }
}
