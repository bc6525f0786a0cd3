import * as tf from '@tensorflow/tfjs';
import { withL2, type Optimizer, type OptimizerSlot } from './optimizer.js';

export interface SgdOptions {
  learningRate: number;
  momentum: number;
  /** L2 added to the gradient of the `decayed` variables (PyTorch SGD's weight_decay). */
  weightDecay?: number;
  decayed?: ReadonlySet<number>;
}

/**
 * SGD with Nesterov momentum in PyTorch's form: b ← μ·b + g, w ← w − lr·(g + μ·b), with the
 * buffer starting at zero (so the first step's b is g, as PyTorch's first-step copy).
 */
export class SgdOptimizer implements Optimizer {
  readonly momentum: tf.Variable[];
  iteration = 0;
  learningRate: number;

  constructor(
    private readonly options: SgdOptions,
    readonly variables: tf.Variable[],
  ) {
    this.learningRate = options.learningRate;
    this.momentum = tf.tidy(() => variables.map((variable) => tf.variable(tf.zerosLike(variable), false)));
  }

  slots(): OptimizerSlot[] {
    return [{ role: 'sgd-momentum', suffix: 'momentum', tensors: this.momentum }];
  }

  apply(rawGrads: tf.Tensor[]): void {
    const decay = this.options.weightDecay ?? 0;
    const grads = decay > 0 ? withL2(rawGrads, this.variables, this.options.decayed ?? new Set(), decay) : rawGrads;
    const mu = this.options.momentum;
    const rate = this.learningRate;
    tf.tidy(() => {
      this.variables.forEach((variable, i) => {
        const g = grads[i];
        if (!g) throw new Error(`no gradient for variable ${variable.name}`);
        const buffer = tf.add(tf.mul(this.momentum[i]!, mu), g);
        this.momentum[i]!.assign(buffer);
        variable.assign(tf.sub(variable, tf.mul(tf.add(g, tf.mul(buffer, mu)), rate)));
      });
    });
    if (grads !== rawGrads) grads.forEach((g, i) => g !== rawGrads[i] && g.dispose());
    this.iteration += 1;
  }

  restore(iteration: number, slots: Float32Array[][]): void {
    const [momentum = []] = slots;
    if (slots.length !== 1 || momentum.length !== this.momentum.length) {
      throw new Error(`checkpoint has ${momentum.length} SGD momentum buffers, model has ${this.momentum.length} trainable variables`);
    }
    tf.tidy(() => this.momentum.forEach((variable, i) => variable.assign(tf.tensor(momentum[i]!, variable.shape))));
    this.iteration = iteration;
  }

  dispose(): void {
    tf.dispose(this.momentum);
  }
}
