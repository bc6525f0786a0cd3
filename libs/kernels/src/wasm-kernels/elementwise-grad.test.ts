import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { randomValues, wasmWithFermxKernels, worstErrorAgainstCpu } from '../testing/wasm-reference.js';
import { RELU_GRAD, SQUARE_GRAD } from './elementwise-grad.js';

// Sizes on and off the 4-float SIMD path; x in [-1, 1) so ReLU sees both signs (and exact zeros below).
const shapes = [[2, 5, 5, 8], [3, 7], [1], [4, 3, 3, 5]];

describe('fused Relu and Square gradients on wasm', () => {
  it.each(shapes)('match cpu for shape %j', async (...shape) => {
    const seed = shape.reduce((a, b) => a * 7 + b, 1);
    const values = [randomValues(shape, seed), randomValues(shape, seed + 1)];
    values[0]!.data[0] = 0;
    const error = await worstErrorAgainstCpu(values, ([x, weight]) => [
      tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.relu(t), weight!)))(x!),
      tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.square(t), weight!)))(x!),
    ]);
    expect(error).toBe(0);
  });

  it('run as one kernel each on wasm', async () => {
    await wasmWithFermxKernels();
    await tf.setBackend('wasm');
    const x = tf.tensor(randomValues([4, 6, 8], 3).data, [4, 6, 8]);
    const profile = await tf.profile(() => {
      tf.dispose([tf.grad((t: tf.Tensor) => tf.sum(tf.relu(t)))(x), tf.grad((t: tf.Tensor) => tf.sum(tf.square(t)))(x)]);
    });
    const names = profile.kernels.map((k) => k.name);
    expect(names).toContain(RELU_GRAD);
    expect(names).toContain(SQUARE_GRAD);
    expect(names).not.toContain('Step');
    x.dispose();
  });
});
