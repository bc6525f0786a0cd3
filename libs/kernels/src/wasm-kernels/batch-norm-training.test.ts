import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BATCH_NORM_MOMENTS, BATCH_NORM_TRAINING_GRAD, batchNormMoments, batchNormTrainingGrad, trainingBatchNorm } from '../batch-norm-kernels.js';
import { randomValues, wasmWithFermxKernels, worstErrorAgainstCpu } from '../testing/wasm-reference.js';

const EPSILON = 1e-3;

// 8 channels take the 4-wide SIMD loops (1875 rows span two partial-sum blocks), 16 (1105 rows, two blocks), 32 and 48 the 16-wide
// ones, 6 and 3 the JS path; odd spatial sizes throughout.
const SHAPES = [
  [3, 25, 25, 8],
  [2, 7, 5, 32],
  [5, 17, 13, 16],
  [2, 5, 5, 6],
  [1, 3, 7, 48],
  [37, 3],
  [1100, 12],
];

function offCentre(shape: number[], seed: number, shift: number): { data: Float32Array; shape: number[] } {
  const values = randomValues(shape, seed);
  values.data.forEach((v, i) => (values.data[i] = 3 * v + shift)); // wider than unit variance, mean far from 0
  return values;
}

describe('fused training batch-norm kernels on wasm', () => {
  it('are registered by fermxWasmKernels', async () => {
    await wasmWithFermxKernels();
    expect(tf.getKernel(BATCH_NORM_MOMENTS, 'wasm')).toBeDefined();
    expect(tf.getKernel(BATCH_NORM_TRAINING_GRAD, 'wasm')).toBeDefined();
  });

  it.each(SHAPES)('moments match the composed reference on cpu for x=%j', async (...shape) => {
    const error = await worstErrorAgainstCpu([offCentre(shape, 41, 20)], ([x]) => batchNormMoments(x as tf.Tensor));
    expect(error).toBeLessThan(1e-4);
  });

  it.each(SHAPES)('the gradient matches the composed reference on cpu for x=%j', async (...shape) => {
    const channels = shape[shape.length - 1] as number;
    const values = [offCentre(shape, 51, 2), randomValues(shape, 52), randomValues([channels], 53)];
    const error = await worstErrorAgainstCpu(values, ([x, dy, gamma]) => {
      const [mean, variance] = batchNormMoments(x as tf.Tensor);
      const withScale = batchNormTrainingGrad(x as tf.Tensor, mean, variance, gamma, dy as tf.Tensor, EPSILON);
      const withoutScale = batchNormTrainingGrad(x as tf.Tensor, mean, variance, undefined, dy as tf.Tensor, EPSILON);
      return [...withScale, ...withoutScale];
    });
    expect(error).toBeLessThan(1e-4);
  });

  it('trainingBatchNorm gives the same value and gradients on wasm as on cpu', async () => {
    const shape = [2, 9, 9, 16];
    const values = [offCentre(shape, 61, 1), randomValues([16], 62), randomValues([16], 63), randomValues(shape, 64)];
    const error = await worstErrorAgainstCpu(values, ([x, gamma, beta, weight]) => {
      const loss = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(trainingBatchNorm(a, g, b, EPSILON).y, weight as tf.Tensor));
      const { value, grads } = tf.valueAndGrads(loss)([x as tf.Tensor, gamma as tf.Tensor, beta as tf.Tensor]);
      return [value, ...grads];
    });
    expect(error).toBeLessThan(1e-4);
  });
});
