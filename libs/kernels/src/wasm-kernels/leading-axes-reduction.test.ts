import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { randomValues, worstErrorAgainstCpu } from '../testing/wasm-reference.js';

describe('Mean and Sum on wasm', () => {
  it.each([
    { shape: [3, 25, 25, 8], axes: [0, 1, 2], keepDims: false },
    { shape: [3, 25, 25, 8], axes: [0, 1, 2], keepDims: true },
    { shape: [2, 5, 5, 6], axes: [0, 1, 2], keepDims: false }, // channels % 4 ≠ 0: stock kernel
    { shape: [2, 5, 5, 8], axes: [1, 2], keepDims: false }, // global average pooling: stock kernel
    { shape: [40, 12], axes: [0], keepDims: false },
    { shape: [3, 25, 25, 32], axes: [0, 1, 2], keepDims: false }, // channels % 16 = 0: register-held sums, several 1024-row blocks
    { shape: [1100, 16], axes: [0], keepDims: true },
  ])('matches cpu for $shape over $axes keepDims=$keepDims', async ({ shape, axes, keepDims }) => {
    const x = randomValues(shape, shape.length * 7 + axes.length);
    x.data.forEach((v, i) => (x.data[i] = v + 2));
    const error = await worstErrorAgainstCpu([x], ([t]) => [tf.mean(t!, axes, keepDims), tf.sum(t!, axes, keepDims)]);
    expect(error).toBeLessThan(1e-5);
  });

  it.each([
    [3, 7, 5, 8],
    [2, 5, 5, 6],
    [40, 12],
  ])('mean gradient matches cpu for x=%j', async (...shape) => {
    const rank = shape.length;
    const axes = [...Array(rank - 1).keys()];
    const weight = randomValues([shape[rank - 1] as number], 5);
    const error = await worstErrorAgainstCpu([randomValues(shape, 4), weight], ([t, w]) => tf.grads((a: tf.Tensor) => tf.mean(a, axes).mul(w!).sum())([t!]));
    expect(error).toBeLessThan(1e-5);
  });
});
