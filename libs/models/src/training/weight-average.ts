import * as tf from '@tensorflow/tfjs';

/**
 * An exponential moving average of the trainable weights (Polyak averaging, as TF's
 * ExponentialMovingAverage with num_updates): after optimizer step t the average moves towards
 * the weights with decay min(decay, (1 + t) / (10 + t)), so early averages are not dominated by
 * the random initialisation. Batch-norm moving statistics are averages already and are not
 * averaged again.
 */
export class WeightAverage {
  readonly shadows: tf.Variable[];

  constructor(
    readonly decay: number,
    readonly variables: tf.Variable[],
  ) {
    this.shadows = tf.tidy(() => variables.map((v) => tf.variable(v.clone(), false)));
  }

  /** After optimizer step `iteration` (1-based). */
  update(iteration: number): void {
    const d = Math.min(this.decay, (1 + iteration) / (10 + iteration));
    tf.tidy(() => this.shadows.forEach((s, i) => s.assign(tf.add(tf.mul(s, d), tf.mul(this.variables[i]!, 1 - d)))));
  }

  /**
   * Runs `body` with the averages in place of the weights, then puts the weights back (also
   * when `body` throws).
   */
  async swapped<T>(body: () => Promise<T>): Promise<T> {
    const saved = tf.tidy(() => this.variables.map((v) => v.clone()));
    tf.tidy(() => this.variables.forEach((v, i) => v.assign(this.shadows[i]!)));
    try {
      return await body();
    } finally {
      tf.tidy(() => this.variables.forEach((v, i) => v.assign(saved[i]!)));
      tf.dispose(saved);
    }
  }

  /** Writes the averages into the weights for good (the end of training). */
  commit(): void {
    tf.tidy(() => this.variables.forEach((v, i) => v.assign(this.shadows[i]!)));
  }

  restore(values: Float32Array[]): void {
    if (values.length !== this.shadows.length) throw new Error(`checkpoint has ${values.length} averaged weights, model has ${this.shadows.length} trainable variables`);
    tf.tidy(() => this.shadows.forEach((s, i) => s.assign(tf.tensor(values[i]!, s.shape))));
  }

  dispose(): void {
    tf.dispose(this.shadows);
  }
}
