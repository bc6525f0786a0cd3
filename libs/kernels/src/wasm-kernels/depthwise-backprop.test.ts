import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { randomValues, worstErrorAgainstCpu } from '../testing/wasm-reference.js';

type Pad = 'same' | 'valid';
const cases: { x: [number, number, number, number]; k: number; multiplier: number; stride: 1 | 2; pad: Pad; dilation?: 2 }[] = [
  { x: [2, 9, 9, 3], k: 3, multiplier: 1, stride: 1, pad: 'same' },
  { x: [2, 9, 9, 3], k: 3, multiplier: 1, stride: 1, pad: 'valid' },
  { x: [3, 7, 8, 4], k: 3, multiplier: 1, stride: 2, pad: 'same' },
  { x: [3, 7, 8, 4], k: 3, multiplier: 1, stride: 2, pad: 'valid' },
  { x: [1, 6, 5, 2], k: 3, multiplier: 2, stride: 1, pad: 'same' },
  { x: [2, 8, 7, 2], k: 3, multiplier: 3, stride: 2, pad: 'same' },
  { x: [1, 11, 10, 1], k: 5, multiplier: 1, stride: 1, pad: 'same' },
  { x: [2, 8, 8, 5], k: 2, multiplier: 1, stride: 2, pad: 'valid' },
  // Channels % 16 = 0: the register-held diagonal runs.
  { x: [2, 9, 10, 16], k: 3, multiplier: 1, stride: 1, pad: 'same' },
  { x: [3, 9, 10, 32], k: 3, multiplier: 1, stride: 2, pad: 'same' },
  { x: [2, 9, 10, 16], k: 3, multiplier: 1, stride: 2, pad: 'valid' },
  { x: [1, 12, 11, 16], k: 5, multiplier: 1, stride: 1, pad: 'valid' },
  { x: [2, 24, 24, 32], k: 3, multiplier: 1, stride: 1, pad: 'same' },
];

/** Both gradients of depthwiseConv2d: dx (DepthwiseConv2dNativeBackpropInput) and dW (…BackpropFilter). */
function depthwiseGradients(stride: 1 | 2, pad: Pad, dilation: number) {
  return ([x, w, weight]: tf.Tensor[]) => {
    const loss = (a: tf.Tensor, b: tf.Tensor) =>
      tf
        .depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad, 'NHWC', dilation)
        .mul(weight as tf.Tensor)
        .sum();
    return tf.grads(loss)([x as tf.Tensor, w as tf.Tensor]);
  };
}

describe('depthwise conv gradients on wasm', () => {
  it.each(cases)(
    'match cpu for x=$x k=$k multiplier=$multiplier stride=$stride pad=$pad dilation=$dilation',
    async ({ x, k, multiplier, stride, pad, dilation = 1 }) => {
      const w: [number, number, number, number] = [k, k, x[3], multiplier];
      const y = tf.backend_util.computeConv2DInfo(x, w, stride, dilation, pad, undefined, true).outShape;
      const seed = x.reduce((a, b) => a * 37 + b, k * 11 + stride * 3 + multiplier);
      const error = await worstErrorAgainstCpu(
        [randomValues(x, seed), randomValues(w, seed + 1), randomValues(y, seed + 2)],
        depthwiseGradients(stride, pad, dilation),
      );
      expect(error).toBeLessThan(1e-4);
    },
  );

  it('match cpu through separableConv2d (depthwise then pointwise), as the Xception blocks use it', async () => {
    const x: [number, number, number, number] = [2, 10, 10, 4];
    const error = await worstErrorAgainstCpu(
      [randomValues(x, 5), randomValues([3, 3, 4, 1], 6), randomValues([1, 1, 4, 6], 7), randomValues([2, 10, 10, 6], 8)],
      ([input, depthwise, pointwise, weight]) =>
        tf.grads((a: tf.Tensor, d: tf.Tensor, p: tf.Tensor) =>
          tf
            .separableConv2d(a as tf.Tensor4D, d as tf.Tensor4D, p as tf.Tensor4D, 1, 'same')
            .mul(weight as tf.Tensor)
            .sum(),
        )([input as tf.Tensor, depthwise as tf.Tensor, pointwise as tf.Tensor]),
    );
    expect(error).toBeLessThan(1e-4);
  });
});
