import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { composedMoments, composedTrainingGrad, trainingBatchNorm } from './batch-norm-kernels.js';
import { randomValues, relativeError } from './testing/wasm-reference.js';

const EPSILON = 1e-3;

function tensor(shape: number[], seed: number, scale = 1, shift = 0): tf.Tensor {
  const { data } = randomValues(shape, seed);
  return tf.tensor(
    data.map((v) => scale * v + shift),
    shape,
  );
}

/** Gradients w.r.t. [x, γ?, β] of Σ y·w for a batch-norm function y(x, γ, β). */
function gradients(
  batchNorm: (x: tf.Tensor, gamma: tf.Tensor | undefined, beta: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
  gamma: tf.Tensor | undefined,
  beta: tf.Tensor,
  weight: tf.Tensor,
): Float32Array[] {
  const inputs = [x, ...(gamma ? [gamma] : []), beta];
  const grads = tf.grads((...args: tf.Tensor[]) => {
    const [input, ...params] = args as [tf.Tensor, ...tf.Tensor[]];
    const g = gamma ? params[0] : undefined;
    const b = params[params.length - 1] as tf.Tensor;
    return tf.sum(tf.mul(batchNorm(input, g, b), weight));
  })(inputs);
  return grads.map((g) => g.dataSync() as Float32Array);
}

/**
 * What tfjs-layers runs in training mode: tf.moments then FusedBatchNorm, all differentiated.
 * A constant γ = 1 stands in for no γ: tfjs-core's FusedBatchNorm gradient cannot save a missing scale.
 */
function stockBatchNorm(x: tf.Tensor, gamma: tf.Tensor | undefined, beta: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(
    x,
    Array.from({ length: x.rank - 1 }, (_, i) => i),
  );
  return tf.batchNorm(x, mean, variance, beta, gamma ?? tf.onesLike(mean), EPSILON);
}

describe('trainingBatchNorm on cpu', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    ['rank 4 with gamma', [2, 5, 3, 6], true],
    ['rank 4 without gamma', [2, 5, 3, 6], false],
    ['rank 2 with gamma', [37, 5], true],
    ['rank 2 without gamma', [37, 5], false],
  ] as const)('has the gradients of the composed formula, %s', (_, shape, withGamma) => {
    tf.tidy(() => {
      const channels = shape[shape.length - 1] as number;
      const x = tensor([...shape], 1, 3, 0.5); // off-centre, wider than unit variance
      const gamma = withGamma ? tensor([channels], 2, 1, 1) : undefined;
      const beta = tensor([channels], 3);
      const weight = tensor([...shape], 4);
      const fused = gradients((a, g, b) => trainingBatchNorm(a, g, b, EPSILON).y, x, gamma, beta, weight);
      const stock = gradients(stockBatchNorm, x, gamma, beta, weight);
      expect(fused).toHaveLength(withGamma ? 3 : 2);
      fused.forEach((g, i) => expect(relativeError(g, stock[i] as Float32Array)).toBeLessThan(1e-5));
    });
  });

  it('returns the batch statistics and the same forward value as the composed formula', () => {
    tf.tidy(() => {
      const x = tensor([4, 3, 3, 8], 5, 2, -1);
      const gamma = tensor([8], 6);
      const beta = tensor([8], 7);
      const { y, mean, variance } = trainingBatchNorm(x, gamma, beta, EPSILON);
      const [refMean, refVariance] = composedMoments(x);
      expect(relativeError(mean.dataSync() as Float32Array, refMean.dataSync() as Float32Array)).toBeLessThan(1e-6);
      expect(relativeError(variance.dataSync() as Float32Array, refVariance.dataSync() as Float32Array)).toBeLessThan(1e-6);
      expect(relativeError(y.dataSync() as Float32Array, stockBatchNorm(x, gamma, beta).dataSync() as Float32Array)).toBeLessThan(1e-6);
    });
  });

  it('composedTrainingGrad rejects inputs without a channel axis', () => {
    const x = tf.ones([4]);
    expect(() => composedTrainingGrad(x, x, x, undefined, x, EPSILON)).toThrow(/rank >= 2/);
    x.dispose();
  });
});
