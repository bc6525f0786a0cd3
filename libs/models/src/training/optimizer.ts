import * as tf from '@tensorflow/tfjs';
import type { CheckpointTensor } from './checkpoint.js';

/** Per-variable state an optimizer keeps (Adam's moments, SGD's momentum), as checkpoints store it. */
export interface OptimizerSlot {
  role: CheckpointTensor['role'];
  /** Appended to the weight's name in the checkpoint header, e.g. `conv1/kernel/m`. */
  suffix: string;
  /** One tensor per variable, in `variables` order. */
  tensors: tf.Variable[];
}

/**
 * What training needs of an optimizer: one update per step with the step's learning rate, and
 * its whole state exported and restored bit-exactly (the iteration count and every slot).
 */
export interface Optimizer {
  readonly variables: tf.Variable[];
  iteration: number;
  learningRate: number;
  slots(): OptimizerSlot[];
  /** One update; `grads[i]` belongs to `variables[i]`. */
  apply(grads: tf.Tensor[]): void;
  /** Slots in `slots()` order, each one array per variable. */
  restore(iteration: number, slots: Float32Array[][]): void;
  dispose(): void;
}

/**
 * Indices of the variables weight decay applies to: kernels (rank ≥ 2), not biases nor
 * batch-norm scales and offsets, as is usual for convolutional networks.
 */
export function decayedVariables(variables: readonly tf.Variable[]): Set<number> {
  const out = new Set<number>();
  variables.forEach((v, i) => v.rank >= 2 && out.add(i));
  return out;
}

/** w ← w·(1 − rate) for the decayed variables (decoupled weight decay). */
export function decayWeights(variables: readonly tf.Variable[], decayed: ReadonlySet<number>, rate: number): void {
  if (rate === 0) return;
  tf.tidy(() => {
    for (const i of decayed) variables[i]!.assign(tf.mul(variables[i]!, 1 - rate));
  });
}

/** g + decay·w for the decayed variables (L2 in the gradient); the others are passed through. */
export function withL2(grads: readonly tf.Tensor[], variables: readonly tf.Variable[], decayed: ReadonlySet<number>, decay: number): tf.Tensor[] {
  return grads.map((g, i) => (decayed.has(i) ? tf.tidy(() => tf.add(g, tf.mul(variables[i]!, decay))) : g));
}
