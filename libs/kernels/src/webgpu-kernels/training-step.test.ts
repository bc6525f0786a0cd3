import * as tf from '@tensorflow/tfjs';
import { describeRequiring, webgpuRuntimeProblem } from '@fermx/testing';
import { expect, it } from 'vitest';
import { trainingBatchNorm } from '../batch-norm-kernels.js';
import { activateWebgpu, randomValues, worstErrorAgainstCpu } from '../testing/webgpu-reference.js';

const runtime = webgpuRuntimeProblem();
const backend = runtime ? { problem: runtime } : await activateWebgpu();
const problem = 'problem' in backend ? backend.problem : undefined;

type BatchNorm = (x: tf.Tensor4D, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor4D;

/** Batch norm in training mode as tfjs-layers computes it: batch moments, then FusedBatchNorm. */
const composedBatchNorm: BatchNorm = (x, gamma, beta) => {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.batchNorm4d(x, mean as tf.Tensor1D, variance as tf.Tensor1D, beta as tf.Tensor1D, gamma as tf.Tensor1D, 1e-3);
};

/** fermx's fused batch norm: FermxBatchNormMoments + FusedBatchNorm forward, FermxBatchNormTrainingGrad backward on webgpu; the composed reference on cpu. */
const fusedBatchNorm: BatchNorm = (x, gamma, beta) => trainingBatchNorm(x, gamma, beta, 1e-3).y as tf.Tensor4D;

/** A miniature M-Xception step: conv+BN+ReLU stem, separable block with BN, 1×1 stride-2 shortcut, strided depthwise, pooling, dense, softmax loss. */
function lossOf(batchNorm: BatchNorm, [x, labels, stem, g1, b1, dw, pw, g2, b2, shortcut, dw2, dense, bias]: tf.Tensor[]): tf.Scalar {
  let h = tf.relu(batchNorm(tf.conv2d(x as tf.Tensor4D, stem as tf.Tensor4D, 1, 'same'), g1!, b1!));
  const residual = tf.conv2d(h, shortcut as tf.Tensor4D, 2, 'same');
  let y = tf.separableConv2d(h, dw as tf.Tensor4D, pw as tf.Tensor4D, 1, 'same');
  y = tf.maxPool(batchNorm(y, g2!, b2!), 3, 2, 'same');
  h = tf.relu(tf.add(y, residual)) as tf.Tensor4D;
  h = tf.depthwiseConv2d(h, dw2 as tf.Tensor4D, 2, 'same');
  const logits = tf.add(tf.matMul(tf.mean(h, [1, 2]), dense as tf.Tensor2D), bias as tf.Tensor);
  return tf.losses.softmaxCrossEntropy(labels as tf.Tensor, logits);
}

const batch = 3;
const classes = 4;
const weights = [
  randomValues([3, 3, 1, 8], 2),
  randomValues([8], 3),
  randomValues([8], 4),
  randomValues([3, 3, 8, 2], 5),
  randomValues([1, 1, 16, 6], 6),
  randomValues([6], 7),
  randomValues([6], 8),
  randomValues([1, 1, 8, 6], 9),
  randomValues([3, 3, 6, 1], 10),
  randomValues([6, classes], 11),
  randomValues([classes], 12),
];
const labels = { data: new Float32Array(batch * classes).map((_, i) => (i % classes === Math.floor(i / classes) % classes ? 1 : 0)), shape: [batch, classes] };

describeRequiring(problem, 'a training step on webgpu with fermx kernels', () => {
  it.each([
    ['composed (tf.moments + FusedBatchNorm)', composedBatchNorm],
    ['fused (FermxBatchNormMoments, FermxBatchNormTrainingGrad)', fusedBatchNorm],
  ] as const)('computes the loss and every weight gradient as the cpu backend does, batch norm %s', async (_, batchNorm) => {
    const error = await worstErrorAgainstCpu([randomValues([batch, 12, 11, 1], 1), labels, ...weights], ([x, onehot, ...params]) => {
      const [value, ...gradients] = [
        lossOf(batchNorm, [x!, onehot!, ...params]),
        ...tf.grads((...p: tf.Tensor[]) => lossOf(batchNorm, [x!, onehot!, ...p]))(params),
      ];
      return [value!, ...gradients];
    });
    expect(error).toBeLessThan(1e-4);
  });

  it('runs the fused batch norm through fermx kernels on webgpu', async () => {
    const x = tf.tensor(randomValues([2, 5, 5, 6], 3).data, [2, 5, 5, 6]);
    const gamma = tf.ones([6]);
    const beta = tf.zeros([6]);
    const { kernelNames } = await tf.profile(() =>
      tf.grads((a: tf.Tensor, g: tf.Tensor) =>
        fusedBatchNorm(a as tf.Tensor4D, g, beta)
          .square()
          .sum(),
      )([x, gamma]),
    );
    expect(kernelNames).toEqual(expect.arrayContaining(['FermxBatchNormMoments', 'FermxBatchNormTrainingGrad']));
    tf.dispose([x, gamma, beta]);
  });
});
