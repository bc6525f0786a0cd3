import * as tf from '@tensorflow/tfjs';
import { describeRequiring, webgpuRuntimeProblem } from '@fermx/testing';
import { expect, it } from 'vitest';
import { activateWebgpu, randomValues, worstErrorAgainstCpu } from '../testing/webgpu-reference.js';

// One file per tfjs engine: webgpu tests stay out of the wasm/cpu files (vitest forks per file).
const runtime = webgpuRuntimeProblem();
const backend = runtime ? { problem: runtime } : await activateWebgpu();
const problem = 'problem' in backend ? backend.problem : undefined;

type Shape4 = [number, number, number, number];
type Pad = 'same' | 'valid' | number;

const convCases: { x: Shape4; k: number; out: number; stride: 1 | 2; pad: Pad }[] = [
  { x: [1, 7, 9, 3], k: 3, out: 5, stride: 1, pad: 'same' },
  { x: [2, 8, 8, 4], k: 3, out: 8, stride: 1, pad: 'valid' },
  { x: [2, 9, 7, 5], k: 3, out: 37, stride: 2, pad: 'same' },
  { x: [1, 10, 10, 8], k: 1, out: 12, stride: 2, pad: 'same' },
  { x: [3, 6, 5, 2], k: 2, out: 3, stride: 2, pad: 'valid' },
  { x: [2, 6, 6, 4], k: 2, out: 4, stride: 1, pad: 'same' },
  { x: [1, 7, 7, 36], k: 3, out: 33, stride: 1, pad: 1 },
  // 16 output channels or fewer take the 64×16 tile; 81 filter rows span two of its row tiles.
  { x: [2, 7, 7, 9], k: 3, out: 16, stride: 1, pad: 'same' },
];

const depthwiseCases: { x: Shape4; k: number; multiplier: number; stride: 1 | 2; pad: Pad }[] = [
  { x: [1, 7, 9, 3], k: 3, multiplier: 1, stride: 1, pad: 'same' },
  { x: [2, 8, 8, 4], k: 3, multiplier: 1, stride: 2, pad: 'same' },
  { x: [2, 9, 7, 5], k: 3, multiplier: 2, stride: 1, pad: 'valid' },
  { x: [1, 8, 7, 6], k: 3, multiplier: 3, stride: 2, pad: 'valid' },
  { x: [2, 11, 10, 2], k: 5, multiplier: 1, stride: 1, pad: 'same' },
  { x: [1, 6, 6, 68], k: 2, multiplier: 1, stride: 2, pad: 'same' },
];

function seedOf(...parts: number[]): number {
  return parts.reduce((a, b) => a * 31 + b, 7);
}

describeRequiring(problem, 'fermx filter-gradient kernels on webgpu', () => {
  it('are the registered webgpu kernels (stock ones replaced)', async () => {
    const x = tf.ones([1, 4, 4, 2]) as tf.Tensor4D;
    const w = tf.ones([3, 3, 2, 1]) as tf.Tensor4D;
    const [conv, depthwise] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf
        .conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')
        .add(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same').sum(3, true))
        .sum(),
    )([x, w]);
    await Promise.all([conv!.data(), depthwise!.data()]);
    const shaders = Object.keys((tf.backend() as unknown as { pipelineCache: Record<string, unknown> }).pipelineCache);
    expect(shaders.some((key) => key.startsWith('fermxConv2DFilterPartials_'))).toBe(true);
    expect(shaders.some((key) => key.startsWith('fermxDepthwiseFilterPartials_3x3'))).toBe(true);
    tf.dispose([x, w, conv!, depthwise!]);
  });

  it.each(convCases)('Conv2D gradients match cpu: x=$x k=$k out=$out stride=$stride pad=$pad', async ({ x, k, out, stride, pad }) => {
    const w: Shape4 = [k, k, x[3], out];
    const y = tf.backend_util.computeConv2DInfo(x, w, stride, 1, pad).outShape;
    const seed = seedOf(...x, k, out, stride);
    const error = await worstErrorAgainstCpu([randomValues(x, seed), randomValues(w, seed + 1), randomValues(y, seed + 2)], ([input, filter, weight]) =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf
          .conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad)
          .mul(weight!)
          .sum(),
      )([input!, filter!]),
    );
    expect(error).toBeLessThan(1e-4);
  });

  it.each(depthwiseCases)(
    'depthwise gradients match cpu: x=$x k=$k multiplier=$multiplier stride=$stride pad=$pad',
    async ({ x, k, multiplier, stride, pad }) => {
      const w: Shape4 = [k, k, x[3], multiplier];
      const y = tf.backend_util.computeConv2DInfo(x, w, stride, 1, pad, undefined, true).outShape;
      const seed = seedOf(...x, k, multiplier, stride);
      const error = await worstErrorAgainstCpu([randomValues(x, seed), randomValues(w, seed + 1), randomValues(y, seed + 2)], ([input, filter, weight]) =>
        tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf
            .depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad)
            .mul(weight!)
            .sum(),
        )([input!, filter!]),
      );
      expect(error).toBeLessThan(1e-4);
    },
  );

  it('a long reduction (many slices, each summed in the second pass) matches cpu', async () => {
    const x: Shape4 = [8, 24, 24, 4];
    const error = await worstErrorAgainstCpu(
      [randomValues(x, 1), randomValues([8, 24, 24, 8], 2), randomValues([8, 24, 24, 4], 3)],
      ([input, dyConv, dyDepthwise]) => [
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropFilter',
            { x: input!, dy: dyConv! },
            { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 4, 8] },
          ) as tf.Tensor,
        tf
          .engine()
          .runKernel(
            'DepthwiseConv2dNativeBackpropFilter',
            { x: input!, dy: dyDepthwise! },
            { strides: 1, pad: 'same', dilations: 1, filterShape: [3, 3, 4, 1] },
          ) as tf.Tensor,
      ],
    );
    expect(error).toBeLessThan(1e-4);
  });
});
