import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { randomValues, worstErrorAgainstCpu } from '../testing/wasm-reference.js';

/** Training-mode batch norm as tfjs-layers runs it (batch moments feeding FusedBatchNorm). */
function batchNormGradients([x, gamma, beta, weight]: tf.Tensor[]): tf.Tensor[] {
  return tf.grads((input: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const { mean, variance } = tf.moments(input, [0, 1, 2]);
    return tf
      .batchNorm4d(input as tf.Tensor4D, mean as tf.Tensor1D, variance as tf.Tensor1D, b as tf.Tensor1D, g as tf.Tensor1D, 1e-3)
      .mul(weight as tf.Tensor)
      .sum();
  })([x as tf.Tensor, gamma as tf.Tensor, beta as tf.Tensor]);
}

describe('fused batch-norm gradient on wasm', () => {
  // 8 channels take the SIMD path (and 1875 rows span two float32 partial-sum blocks); 6 the JS one.
  it.each([
    [3, 25, 25, 8],
    [2, 5, 5, 6],
    [1, 4, 3, 16],
  ])("matches tfjs-core's composed gradient on cpu for x=%j", async (...shape) => {
    const channels = shape[3] as number;
    const x = randomValues(shape, 31 + channels);
    x.data.forEach((v, i) => (x.data[i] = 3 * v + 0.5)); // off-centre, wider than unit variance
    const error = await worstErrorAgainstCpu([x, randomValues([channels], 32), randomValues([channels], 33), randomValues(shape, 34)], batchNormGradients);
    expect(error).toBeLessThan(1e-4);
  });
});
