import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { onBackend, randomValues, relativeError, wasmWithFermxKernels, worstErrorAgainstCpu } from '../testing/wasm-reference.js';

/** Batch norm in training mode as tfjs-layers computes it: batch moments, then FusedBatchNorm. */
function batchNorm(x: tf.Tensor4D, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.batchNorm4d(x, mean as tf.Tensor1D, variance as tf.Tensor1D, beta as tf.Tensor1D, gamma as tf.Tensor1D, 1e-3);
}

/**
 * A miniature M-Xception: stem conv+BN+ReLU, one separable residual block (dw → pw, BN, ReLU,
 * max-pool, 1×1 stride-2 shortcut, add), a strided depthwise conv, global average pooling,
 * dropout, dense, softmax cross-entropy. Every op a training step of the four models meets.
 */
function lossOf([x, labels, stem, g1, b1, dw, pw, g2, b2, shortcut, dw2, dense, bias]: tf.Tensor[]): tf.Scalar {
  let h = tf.relu(batchNorm(tf.conv2d(x as tf.Tensor4D, stem as tf.Tensor4D, 1, 'same'), g1!, b1!));
  const residual = tf.conv2d(h, shortcut as tf.Tensor4D, 2, 'same');
  let y = tf.separableConv2d(h, dw as tf.Tensor4D, pw as tf.Tensor4D, 1, 'same');
  y = tf.maxPool(batchNorm(y, g2!, b2!), 3, 2, 'same');
  h = tf.relu(tf.add(y, residual)) as tf.Tensor4D;
  h = tf.depthwiseConv2d(h, dw2 as tf.Tensor4D, 2, 'same');
  const pooled = tf.dropout(tf.mean(h, [1, 2]), 0.25, undefined, 7);
  const logits = tf.add(tf.matMul(pooled, dense as tf.Tensor2D), bias as tf.Tensor);
  return tf.losses.softmaxCrossEntropy(labels as tf.Tensor, logits);
}

const batch = 3;
const weights = [
  randomValues([3, 3, 1, 4], 2),
  randomValues([4], 3),
  randomValues([4], 4),
  randomValues([3, 3, 4, 1], 5),
  randomValues([1, 1, 4, 6], 6),
  randomValues([6], 7),
  randomValues([6], 8),
  randomValues([1, 1, 4, 6], 9),
  randomValues([3, 3, 6, 1], 10),
  randomValues([6, 4], 11),
  randomValues([4], 12),
];
const oneHot = { data: new Float32Array(batch * 4).map((_, i) => (i % 4 === (Math.floor(i / 4) * 3) % 4 ? 1 : 0)), shape: [batch, 4] };

describe('a training step on wasm with fermx kernels', () => {
  it('computes the loss and every weight gradient as the cpu backend does', async () => {
    const inputs = [randomValues([batch, 11, 11, 1], 1), oneHot, ...weights];
    const error = await worstErrorAgainstCpu(inputs, (tensors) => {
      const [x, labels, ...params] = tensors;
      const variables = params.map((p) => tf.variable(p));
      const { value, grads } = tf.variableGrads(() => lossOf([x!, labels!, ...variables]), variables);
      const gradients = variables.map((v) => grads[v.name]!);
      variables.forEach((v) => v.dispose());
      return [value, ...gradients];
    });
    expect(error).toBeLessThan(1e-4);
  });

  it('leaves no tensors behind (the fused batch-norm gradient disposes what a step does not use)', async () => {
    await wasmWithFermxKernels();
    await tf.setBackend('wasm');
    const tensors = [randomValues([batch, 11, 11, 1], 1), oneHot, ...weights].map((v) => tf.tensor(v.data, v.shape));
    const [x, labels, ...params] = tensors;
    const variables = params.map((p) => tf.variable(p));
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => lossOf([x!, labels!, ...variables]), variables);
    expect(tf.memory().numTensors).toBe(before + 1 + variables.length);
    tf.dispose([value, ...Object.values(grads), ...tensors, ...variables]);
  });

  it('applies an Adam update as the cpu backend does', async () => {
    await wasmWithFermxKernels();
    const step = async (backend: 'cpu' | 'wasm') =>
      onBackend(backend, [randomValues([5, 3], 21), randomValues([5, 3], 22)], ([w, g]) => {
        const variable = tf.variable(w!);
        const adam = tf.train.adam(0.01);
        for (let i = 0; i < 3; i++) adam.applyGradients([{ name: variable.name, tensor: g! }]);
        return [variable.clone()];
      });
    const [expected] = await step('cpu');
    const [actual] = await step('wasm');
    expect(relativeError(actual!, expected!)).toBeLessThan(1e-4);
  });
});
