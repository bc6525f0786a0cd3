import * as tf from '@tensorflow/tfjs';
import { describeRequiring, webgpuRuntimeProblem } from '@fermx/testing';
import { expect, it } from 'vitest';
import { BATCH_NORM_MOMENTS, BATCH_NORM_TRAINING_GRAD, composedMoments, composedTrainingGrad } from '../batch-norm-kernels.js';
import { activateWebgpu, onBackend, randomValues, relativeError, type Values } from '../testing/webgpu-reference.js';
import { seededRandom } from '../testing/kernel-reference.js';

const runtime = webgpuRuntimeProblem();
const backend = runtime ? { problem: runtime } : await activateWebgpu();
const problem = 'problem' in backend ? backend.problem : undefined;

const epsilon = 1e-3;

// Ranks 4 and 2; channel counts on and off multiples of 4, past one 64-channel workgroup; batch 1; odd spatial sizes.
const shapes: number[][] = [
  [1, 7, 9, 3],
  [2, 5, 5, 8],
  [1, 11, 13, 16],
  [3, 6, 7, 37],
  [2, 9, 9, 68],
  [1, 3, 3, 130],
  [8, 24, 24, 16],
  [5, 6],
  [1, 4],
  [257, 12],
  [33, 65],
  [300, 1],
];

function seedOf(shape: number[]): number {
  return shape.reduce((a, b) => a * 31 + b, 11);
}

/** Values offset + spread·N(0, 1) (Box–Muller). */
function normalValues(shape: number[], seed: number, offset: number, spread: number): Values {
  const random = seededRandom(seed);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = offset + spread * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return { data, shape };
}

/** Worst relative error over outputs: the fused kernel on webgpu against the composed reference on cpu. */
async function worstError(values: Values[], fused: (inputs: tf.Tensor[]) => tf.Tensor[], reference: (inputs: tf.Tensor[]) => tf.Tensor[]): Promise<number> {
  const expected = await onBackend('cpu', values, reference);
  const actual = await onBackend('webgpu', values, fused);
  return Math.max(...expected.map((e, i) => relativeError(actual[i] ?? new Float32Array(), e)));
}

const fusedMoments = ([x]: tf.Tensor[]): tf.Tensor[] => tf.engine().runKernel(BATCH_NORM_MOMENTS, { x: x! }, {}) as unknown as tf.Tensor[];

function fusedGrad([x, mean, variance, dy, scale]: tf.Tensor[]): tf.Tensor[] {
  const inputs = { x: x!, mean: mean!, variance: variance!, dy: dy!, ...(scale ? { scale } : {}) };
  return tf.engine().runKernel(BATCH_NORM_TRAINING_GRAD, inputs, { varianceEpsilon: epsilon }) as unknown as tf.Tensor[];
}

const composedGrad = ([x, mean, variance, dy, scale]: tf.Tensor[]): tf.Tensor[] => composedTrainingGrad(x!, mean!, variance!, scale, dy!, epsilon);

/** Inputs of the gradient: x, its batch moments (computed in float64 here), dy, and optionally a scale. */
function gradValues(shape: number[], withScale: boolean): Values[] {
  const seed = seedOf(shape);
  const x = randomValues(shape, seed);
  const channels = shape[shape.length - 1]!;
  const rows = x.data.length / channels;
  const mean = new Float32Array(channels);
  const variance = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += x.data[r * channels + c]!;
    const mu = sum / rows;
    let squares = 0;
    for (let r = 0; r < rows; r++) squares += (x.data[r * channels + c]! - mu) ** 2;
    mean[c] = mu;
    variance[c] = squares / rows;
  }
  return [
    x,
    { data: mean, shape: [channels] },
    { data: variance, shape: [channels] },
    randomValues(shape, seed + 1),
    ...(withScale ? [randomValues([channels], seed + 2)] : []),
  ];
}

describeRequiring(problem, 'fermx batch-norm kernels on webgpu', () => {
  it.each(shapes)('moments match the composed reference: x=%j', async (...shape) => {
    const error = await worstError([randomValues(shape, seedOf(shape))], fusedMoments, ([x]) => composedMoments(x!));
    expect(error).toBeLessThan(1e-4);
  });

  it.each(shapes)('training gradient matches the composed reference, with a scale: x=%j', async (...shape) => {
    expect(await worstError(gradValues(shape, true), fusedGrad, composedGrad)).toBeLessThan(1e-4);
  });

  it.each([
    [2, 7, 5, 12],
    [9, 20],
  ])('training gradient matches the composed reference, without a scale: x=%j', async (...shape) => {
    expect(await worstError(gradValues(shape, false), fusedGrad, composedGrad)).toBeLessThan(1e-4);
  });

  it('folds an elementwise pass of more than 65,535 workgroups into a second dispatch dimension', async () => {
    expect(await worstError(gradValues([4097, 1024], true), fusedGrad, composedGrad)).toBeLessThan(1e-4);
  });

  it('keeps the variance accurate when |mean| ≫ std (x = 100 + N(0, 1))', async () => {
    const shape = [16, 15, 15, 8];
    const values = normalValues(shape, 5, 100, 1);
    // The exact population moments of the float32 inputs, in float64.
    const channels = 8;
    const rows = values.data.length / channels;
    const exactVariance = new Float32Array(channels);
    for (let c = 0; c < channels; c++) {
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += values.data[r * channels + c]!;
      const mu = sum / rows;
      let squares = 0;
      for (let r = 0; r < rows; r++) squares += (values.data[r * channels + c]! - mu) ** 2;
      exactVariance[c] = squares / rows;
    }
    const [, variance] = await onBackend('webgpu', [values], fusedMoments);
    expect(relativeError(variance!, exactVariance)).toBeLessThan(1e-4);
  });

  it('rejects bad inputs with the kernel and input named', () => {
    const x = tf.ones([2, 3]);
    tf.tidy(() => {
      expect(() =>
        tf.engine().runKernel(BATCH_NORM_TRAINING_GRAD, { x, mean: tf.zeros([2]), variance: tf.ones([3]), dy: x }, { varianceEpsilon: epsilon }),
      ).toThrow(/FermxBatchNormTrainingGrad: mean must hold one value per channel \(3\)/);
      expect(() => tf.engine().runKernel(BATCH_NORM_MOMENTS, { x: tf.ones([2, 3], 'int32') }, {})).toThrow(/FermxBatchNormMoments: x must be float32/);
    });
    x.dispose();
  });
});
