import * as tf from '@tensorflow/tfjs';
import { ADAM_UPDATE, type AdamUpdateAttrs } from '@fermx/kernels';
import { decayWeights, withL2, type Optimizer, type OptimizerSlot } from './optimizer.js';

export interface AdamSettings {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export interface AdamOptions {
  /**
   * Weight decay of the variables whose index is in `decayed`: added to the gradient as L2
   * (PyTorch's Adam weight_decay), or, with `decoupled`, subtracted from the weight as
   * lr·decay·w before the update (AdamW, Loshchilov & Hutter).
   */
  weightDecay?: number;
  decoupled?: boolean;
  decayed?: ReadonlySet<number>;
  /**
   * Update all variables in one fused kernel where the backend has one (wasm), else with
   * composed tfjs ops. Default true; false is for comparing the two.
   */
  fused?: boolean;
}

export const KERAS_ADAM: Omit<AdamSettings, 'learningRate'> = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

/**
 * Adam (Kingma & Ba; Keras' form with the bias correction folded into the step size). Written
 * here rather than using tf.train.adam because the whole state (m, v, iteration) must be
 * exported and restored bit-exactly: tfjs rebuilds beta^t with pow() on restore, which
 * differs in the last bits from the running product it keeps while training.
 */
export class AdamOptimizer implements Optimizer {
  readonly m: tf.Variable[];
  readonly v: tf.Variable[];
  iteration = 0;

  constructor(
    readonly settings: AdamSettings,
    readonly variables: tf.Variable[],
    readonly options: AdamOptions = {},
  ) {
    // tidy frees the zerosLike temporaries; variables survive it.
    this.m = tf.tidy(() => variables.map((variable) => tf.variable(tf.zerosLike(variable), false)));
    this.v = tf.tidy(() => variables.map((variable) => tf.variable(tf.zerosLike(variable), false)));
  }

  get learningRate(): number {
    return this.settings.learningRate;
  }

  set learningRate(rate: number) {
    this.settings.learningRate = rate;
  }

  slots(): OptimizerSlot[] {
    return [
      { role: 'adam-m', suffix: 'm', tensors: this.m },
      { role: 'adam-v', suffix: 'v', tensors: this.v },
    ];
  }

  /** One update; `grads[i]` belongs to `variables[i]`. */
  apply(rawGrads: tf.Tensor[]): void {
    const { learningRate, beta1, beta2, epsilon } = this.settings;
    const decay = this.options.weightDecay ?? 0;
    const decayed = this.options.decayed ?? new Set<number>();
    if (decay > 0 && this.options.decoupled) decayWeights(this.variables, decayed, learningRate * decay);
    const grads = decay > 0 && !this.options.decoupled ? withL2(rawGrads, this.variables, decayed, decay) : rawGrads;
    try {
      this.update(grads, learningRate, beta1, beta2, epsilon);
    } finally {
      if (grads !== rawGrads) grads.forEach((g, i) => g !== rawGrads[i] && g.dispose());
    }
  }

  private update(grads: tf.Tensor[], learningRate: number, beta1: number, beta2: number, epsilon: number): void {
    const t = this.iteration + 1;
    const stepSize = (learningRate * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
    const fused = this.options.fused !== false && tf.getKernel(ADAM_UPDATE, tf.getBackend()) !== undefined;
    const backend = tf.backend();
    const fusedUpdate: number[] = [];
    const composed: number[] = [];
    this.variables.forEach((variable, i) => {
      const g = grads[i];
      if (!g) throw new Error(`no gradient for variable ${variable.name}`);
      // The fused kernel writes the moments in place, which is safe only on data no other tensor shares.
      const unshared = [this.m[i]!, this.v[i]!].every((t) => backend.refCount(t.dataId) === 1);
      const float32 = [variable, this.m[i]!, this.v[i]!, g].every((t) => t.dtype === 'float32');
      (fused && unshared && float32 ? fusedUpdate : composed).push(i);
    });
    if (fusedUpdate.length > 0) {
      const inputs: tf.NamedTensorMap = {};
      fusedUpdate.forEach((index, k) => {
        inputs[`w${k}`] = this.variables[index]!;
        inputs[`m${k}`] = this.m[index]!;
        inputs[`v${k}`] = this.v[index]!;
        inputs[`g${k}`] = grads[index]!;
      });
      const attrs: AdamUpdateAttrs = { count: fusedUpdate.length, beta1, beta2, epsilon, stepSize };
      const updated = tf.engine().runKernel(ADAM_UPDATE, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      fusedUpdate.forEach((index, k) => this.variables[index]!.assign(updated[k]!));
      tf.dispose(updated);
    }
    tf.tidy(() => {
      for (const i of composed) {
        const variable = this.variables[i]!;
        const g = grads[i]!;
        const m = this.m[i]!;
        const v = this.v[i]!;
        const newM = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
        const newV = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
        m.assign(newM);
        v.assign(newV);
        variable.assign(tf.sub(variable, tf.mul(tf.div(newM, tf.add(tf.sqrt(newV), epsilon)), stepSize)));
      }
    });
    this.iteration = t;
  }

  /** Restores m and v (same order and shapes as `variables`) and the iteration count. */
  restore(iteration: number, slots: Float32Array[][]): void {
    const [m = [], v = []] = slots;
    if (slots.length !== 2 || m.length !== this.m.length || v.length !== this.v.length) {
      throw new Error(`checkpoint has ${m.length}/${v.length} Adam moments, model has ${this.m.length} trainable variables`);
    }
    tf.tidy(() => {
      this.m.forEach((variable, i) => variable.assign(tf.tensor(m[i]!, variable.shape)));
      this.v.forEach((variable, i) => variable.assign(tf.tensor(v[i]!, variable.shape)));
    });
    this.iteration = iteration;
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}
