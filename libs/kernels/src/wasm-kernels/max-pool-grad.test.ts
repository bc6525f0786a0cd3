import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { onBackend, randomValues, wasmWithFermxKernels, worstErrorAgainstCpu } from '../testing/wasm-reference.js';

type Pad = 'same' | 'valid';
const cases: { x: [number, number, number, number]; pool: number; stride: 1 | 2; pad: Pad; shift: number }[] = [
  { x: [2, 8, 8, 3], pool: 2, stride: 2, pad: 'valid', shift: 0 },
  { x: [2, 9, 7, 3], pool: 3, stride: 2, pad: 'same', shift: 0 },
  { x: [1, 7, 7, 2], pool: 3, stride: 1, pad: 'same', shift: 0 },
  { x: [3, 9, 9, 4], pool: 3, stride: 2, pad: 'valid', shift: 0 },
  // Every value negative, as after batch norm: the case stock wasm MaxPoolGrad gets wrong.
  { x: [2, 9, 9, 3], pool: 3, stride: 2, pad: 'same', shift: -2 },
  // Channels % 4 = 0: the SIMD route-to-maximum path.
  { x: [2, 9, 8, 8], pool: 3, stride: 2, pad: 'same', shift: 0 },
  { x: [2, 9, 9, 8], pool: 3, stride: 2, pad: 'same', shift: -2 },
  { x: [1, 8, 8, 12], pool: 2, stride: 2, pad: 'valid', shift: 0 },
  // Wider rows, windows clipped at all four borders, stride 1.
  { x: [2, 13, 16, 8], pool: 3, stride: 2, pad: 'same', shift: -2 },
  { x: [2, 11, 12, 16], pool: 3, stride: 1, pad: 'same', shift: 0 },
  { x: [1, 10, 14, 4], pool: 3, stride: 2, pad: 'valid', shift: 0 },
];

function maxPoolGradient(pool: number, stride: 1 | 2, pad: Pad) {
  return ([x, weight]: tf.Tensor[]) =>
    tf.grads((a: tf.Tensor) =>
      tf
        .maxPool(a as tf.Tensor4D, pool, stride, pad)
        .mul(weight as tf.Tensor)
        .sum(),
    )([x as tf.Tensor]);
}

describe('MaxPoolGrad on wasm', () => {
  it.each(cases)('matches cpu for x=$x pool=$pool stride=$stride pad=$pad shift=$shift', async ({ x, pool, stride, pad, shift }) => {
    const input = randomValues(x, x[1] * 13 + pool);
    input.data.forEach((v, i) => (input.data[i] = v + shift));
    const y = tf.backend_util.computePool2DInfo(x, pool, stride, 1, pad).outShape;
    const error = await worstErrorAgainstCpu([input, randomValues(y, 99)], maxPoolGradient(pool, stride, pad));
    expect(error).toBeLessThan(1e-4);
  });

  it('routes the gradient of a tied window to its first maximum only (SIMD path)', async () => {
    await wasmWithFermxKernels();
    const x = { data: new Float32Array(16).fill(-1), shape: [1, 2, 2, 4] };
    const dy = { data: Float32Array.from([1, 2, 3, 4]), shape: [1, 1, 1, 4] };
    const [dx] = await onBackend('wasm', [x, dy], maxPoolGradient(2, 2, 'valid'));
    expect(Array.from(dx ?? [])).toEqual([1, 2, 3, 4, ...Array<number>(12).fill(0)]);
  });

  it('routes the gradient of an all-negative window to its maximum', async () => {
    await wasmWithFermxKernels();
    const x = { data: Float32Array.from([-3, -1, -4, -2]), shape: [1, 2, 2, 1] };
    const dy = { data: Float32Array.from([5]), shape: [1, 1, 1, 1] };
    const [dx] = await onBackend('wasm', [x, dy], maxPoolGradient(2, 2, 'valid'));
    expect(Array.from(dx ?? [])).toEqual([0, 5, 0, 0]);
  });
});
