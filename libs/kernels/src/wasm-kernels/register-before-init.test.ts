import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { registerFermxWasmKernels } from './index.js';
import { onBackend, randomValues, relativeError } from '../testing/wasm-reference.js';

// Own file, so its own fresh process: here the kernels are registered BEFORE the wasm backend
// initialises, and twice. The stock kernels we still fall back to (FusedBatchNorm, Mean, Sum for
// channel counts off the SIMD path) must then be set up by us, not by the engine.
registerFermxWasmKernels();
registerFermxWasmKernels();

describe('registerFermxWasmKernels before tf.setBackend("wasm")', () => {
  it('trains a batch-norm layer whose channel count takes the stock fallbacks', async () => {
    const inputs = [randomValues([2, 5, 5, 6], 1), randomValues([6], 2), randomValues([6], 3)];
    const step = ([x, gamma, beta]: tf.Tensor[]) => {
      const loss = (input: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const { mean, variance } = tf.moments(input, [0, 1, 2]);
        const y = tf.batchNorm4d(input as tf.Tensor4D, mean as tf.Tensor1D, variance as tf.Tensor1D, b as tf.Tensor1D, g as tf.Tensor1D, 1e-3);
        return tf.sum(tf.mul(y, tf.range(0, 150).reshape([2, 5, 5, 3]).tile([1, 1, 1, 2])));
      };
      return tf.grads(loss)([x!, gamma!, beta!]);
    };
    const expected = await onBackend('cpu', inputs, step);
    const actual = await onBackend('wasm', inputs, step);
    expected.forEach((e, i) => expect(relativeError(actual[i] ?? new Float32Array(), e)).toBeLessThan(1e-4));
  });
});
