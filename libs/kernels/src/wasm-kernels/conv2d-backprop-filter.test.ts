import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { conv2dBackpropFilter, conv2dBackpropFilterConfig, DIRECT_FILTER_GRADIENT_FLAG } from './conv2d-backprop-filter.js';
import { randomValues, relativeError, wasmWithFermxKernels, worstErrorAgainstCpu } from '../testing/wasm-reference.js';
import type { WasmKernelArgs } from './wasm-heap.js';

type Pad = 'same' | 'valid';
const cases: { x: [number, number, number, number]; k: number; cout: number; stride: 1 | 2; pad: Pad }[] = [
  { x: [2, 9, 9, 3], k: 3, cout: 4, stride: 1, pad: 'same' },
  { x: [2, 9, 9, 3], k: 3, cout: 4, stride: 1, pad: 'valid' },
  { x: [3, 7, 8, 2], k: 3, cout: 5, stride: 2, pad: 'same' },
  { x: [3, 7, 8, 2], k: 3, cout: 5, stride: 2, pad: 'valid' },
  { x: [1, 6, 5, 4], k: 1, cout: 6, stride: 1, pad: 'same' },
  { x: [2, 7, 7, 4], k: 1, cout: 3, stride: 2, pad: 'same' },
  { x: [1, 11, 10, 1], k: 3, cout: 8, stride: 1, pad: 'same' },
  { x: [2, 8, 8, 3], k: 2, cout: 2, stride: 2, pad: 'same' },
  // Channels and pixels multiples of 4 with a same-size output: the transposed, shifted-plane columns.
  { x: [2, 6, 6, 4], k: 3, cout: 5, stride: 1, pad: 'same' },
  { x: [2, 5, 6, 8], k: 5, cout: 3, stride: 1, pad: 'same' },
  { x: [1, 4, 5, 8], k: 1, cout: 3, stride: 1, pad: 'same' },
  { x: [2, 6, 6, 4], k: 2, cout: 3, stride: 1, pad: 'same' }, // even kernel: padding 0 above, 1 below
  // Cin % 4 = 0 and Cout % 8 = 0: the direct SIMD outer-product runs (pointwise runs span images,
  // are cut every 256 pixels and flushed to float64 every 2048).
  { x: [6, 20, 21, 4], k: 1, cout: 8, stride: 1, pad: 'same' },
  { x: [2, 9, 9, 12], k: 1, cout: 16, stride: 2, pad: 'same' },
  { x: [2, 9, 10, 8], k: 3, cout: 16, stride: 1, pad: 'same' },
  { x: [3, 9, 10, 4], k: 3, cout: 8, stride: 2, pad: 'same' },
  { x: [3, 9, 10, 4], k: 3, cout: 8, stride: 2, pad: 'valid' },
  { x: [2, 7, 6, 4], k: 2, cout: 8, stride: 1, pad: 'same' },
  { x: [1, 8, 8, 8], k: 5, cout: 24, stride: 1, pad: 'valid' },
  { x: [2, 24, 26, 16], k: 3, cout: 16, stride: 1, pad: 'same' },
  // One input channel, Cout % 8 = 0, stride 1: kernel columns as SIMD lanes over zero-padded rows.
  { x: [2, 9, 8, 1], k: 3, cout: 16, stride: 1, pad: 'valid' },
  { x: [1, 12, 13, 1], k: 5, cout: 8, stride: 1, pad: 'same' },
  { x: [2, 7, 9, 1], k: 2, cout: 8, stride: 1, pad: 'same' },
  { x: [3, 20, 20, 1], k: 3, cout: 16, stride: 1, pad: 'same' },
];

/** Both gradients of conv2d: dW (fermx Conv2DBackpropFilter) and dx (stock Conv2DBackpropInput). */
function conv2dGradients(stride: 1 | 2, pad: Pad) {
  return ([x, w, weight]: tf.Tensor[]) => {
    const loss = (a: tf.Tensor, b: tf.Tensor) =>
      tf
        .conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad)
        .mul(weight as tf.Tensor)
        .sum();
    return tf.grads(loss)([x as tf.Tensor, w as tf.Tensor]);
  };
}

describe('Conv2DBackpropFilter on wasm', () => {
  it.each(cases)('matches cpu for x=$x k=$k cout=$cout stride=$stride pad=$pad', async ({ x, k, cout, stride, pad }) => {
    const w = [k, k, x[3], cout];
    const y = tf.backend_util.computeConv2DInfo(x, w as [number, number, number, number], stride, 1, pad).outShape;
    const seed = x.reduce((a, b) => a * 31 + b, k * 7 + stride);
    const error = await worstErrorAgainstCpu([randomValues(x, seed), randomValues(w, seed + 1), randomValues(y, seed + 2)], conv2dGradients(stride, pad));
    expect(error).toBeLessThan(1e-4);
  });

  it.each([
    { x: [3, 9, 10, 8], k: 3, stride: 2 },
    { x: [2, 8, 9, 8], k: 1, stride: 1 },
  ])('direct SIMD runs and im2col + XNNPACK agree (x=$x k=$k stride=$stride)', async ({ x: xShape, k, stride }) => {
    await wasmWithFermxKernels();
    await tf.setBackend('wasm');
    const w = [k, k, xShape[3]!, 16] as [number, number, number, number];
    const dyShape = tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number], w, stride as 1 | 2, 1, 'same').outShape;
    const x = tf.tensor(randomValues(xShape, 21).data, xShape);
    const dy = tf.tensor(randomValues(dyShape, 22).data, dyShape);
    const gradient = () =>
      tf
        .engine()
        .runKernel(conv2dBackpropFilterConfig.kernelName, { x, dy }, { strides: stride, pad: 'same', dataFormat: 'NHWC', filterShape: w }) as tf.Tensor;
    const direct = gradient();
    tf.env().set(DIRECT_FILTER_GRADIENT_FLAG, false);
    const columns = gradient();
    tf.env().set(DIRECT_FILTER_GRADIENT_FLAG, true);
    expect(relativeError(direct.dataSync() as Float32Array, columns.dataSync() as Float32Array)).toBeLessThan(1e-5);
    tf.dispose([x, dy, direct, columns]);
  });

  it.each([
    { x: [5, 6, 7, 3], dy: [5, 3, 4, 4], stride: 2 },
    { x: [5, 4, 4, 4], dy: [5, 4, 4, 4], stride: 1 },
  ])('gives the same filter gradient when the batch is split into image chunks (x=$x)', async (shapes) => {
    await wasmWithFermxKernels();
    const backend = tf.backend() as unknown as WasmKernelArgs['backend'];
    const x = tf.tensor(randomValues(shapes.x, 11).data, shapes.x);
    const dy = tf.tensor(randomValues(shapes.dy, 12).data, shapes.dy);
    const cin = shapes.x[3] as number;
    const attrs = {
      strides: shapes.stride,
      pad: 'same',
      dataFormat: 'NHWC',
      dimRoundingMode: undefined,
      filterShape: [3, 3, cin, 4],
    } as unknown as WasmKernelArgs['attrs'];
    const whole = tf.engine().runKernel(conv2dBackpropFilterConfig.kernelName, { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
    // A budget of two images' columns forces three chunks (2 + 2 + 1).
    const pixelsPerImage = (shapes.dy[1] as number) * (shapes.dy[2] as number);
    const info = conv2dBackpropFilter({ inputs: { x, dy }, backend, attrs }, 2 * 9 * cin * pixelsPerImage);
    const chunked = tf.engine().makeTensorFromTensorInfo(info);
    expect(tf.max(tf.abs(tf.sub(chunked, whole))).dataSync()[0]).toBeLessThan(1e-5);
    tf.dispose([x, dy, whole, chunked]);
  });
});
