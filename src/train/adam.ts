// Adam with global-norm gradient clipping, written out so that its whole state
// (moments and step count) can be checkpointed and restored exactly.
import * as tf from '@tensorflow/tfjs';
import type { TensorData } from './model';

export class Adam {
  private readonly m: Record<string, tf.Variable> = {};
  private readonly v: Record<string, tf.Variable> = {};
  /** Updates applied so far (bias correction uses it). */
  step = 0;

  constructor(
    private readonly params: Record<string, tf.Variable>,
    /** Changed between steps by pretraining's schedule. */
    public lr: number,
    private readonly maxGradNorm = 1,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-8,
  ) {
    // tidy disposes the initial zeros; the variables keep their own reference.
    tf.tidy(() => {
      for (const [name, p] of Object.entries(params)) {
        this.m[name] = tf.variable(tf.zerosLike(p));
        this.v[name] = tf.variable(tf.zerosLike(p));
      }
    });
  }

  /** Applies one update from tf.variableGrads' gradients (keyed by variable name); returns their global norm before clipping. */
  apply(grads: tf.NamedTensorMap): number {
    this.step += 1;
    const t = this.step;
    return tf.tidy(() => {
      const names = Object.keys(this.params);
      const gradOf = (n: string) => grads[this.params[n].name];
      const sq = names.map((n) => tf.sum(tf.square(gradOf(n))));
      const norm = tf.sqrt(tf.addN(sq));
      // Scale down only when the norm exceeds the limit.
      const scale = tf.div(this.maxGradNorm, tf.maximum(norm, this.maxGradNorm));
      const lrT = this.lr * Math.sqrt(1 - this.beta2 ** t) / (1 - this.beta1 ** t);
      for (const n of names) {
        const g = tf.mul(gradOf(n), scale);
        const m = tf.add(tf.mul(this.m[n], this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(this.v[n], this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        this.m[n].assign(m);
        this.v[n].assign(v);
        this.params[n].assign(tf.sub(this.params[n], tf.mul(tf.div(m, tf.add(tf.sqrt(v), this.eps)), lrT)));
      }
      return norm.dataSync()[0];
    });
  }

  /** Moments as plain data, keyed `m/<param>` and `v/<param>`. */
  async save(): Promise<TensorData> {
    const out: TensorData = {};
    for (const [kind, moments] of [['m', this.m], ['v', this.v]] as const) {
      for (const [name, t] of Object.entries(moments)) {
        out[`${kind}/${name}`] = { shape: t.shape, data: (await t.data()) as Float32Array };
      }
    }
    return out;
  }

  load(saved: TensorData, step: number): void {
    for (const [kind, moments] of [['m', this.m], ['v', this.v]] as const) {
      for (const [name, t] of Object.entries(moments)) {
        const s = saved[`${kind}/${name}`];
        if (!s) throw new Error(`optimizer state "${kind}/${name}" missing from checkpoint`);
        tf.tidy(() => t.assign(tf.tensor(s.data, s.shape)));
      }
    }
    this.step = step;
  }

  dispose(): void {
    for (const t of [...Object.values(this.m), ...Object.values(this.v)]) t.dispose();
  }
}
