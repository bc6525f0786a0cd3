import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { BATCH_NORM_TRAINING_GRAD } from '../batch-norm-kernels.js';
import { disposeIntermediate, heapF32, heapOffset, type WasmKernelArgs } from './wasm-heap.js';
import { channelGradientSums } from './channel-gradient-sums.js';
import { simdLoops } from './simd-module.js';

/**
 * The full training batch-norm gradient (through the batch statistics too) in two passes over
 * (x, dy): channel sums Σdy and Σdy·(x−μ), then dx = dy·a + (x−μ)·b + k per channel, with
 * r = 1/√(σ²+ε), a = γr, b = −γr²·dScale/M, k = −γr·dOffset/M. Outputs [dx, dScale, dOffset].
 */
export function batchNormTrainingGrad({ inputs, backend, attrs }: WasmKernelArgs): TensorInfo[] {
  const { x, mean, variance, scale, dy } = inputs;
  if (!x || !mean || !variance || !dy) throw new Error(`${BATCH_NORM_TRAINING_GRAD} needs inputs x, mean, variance and dy`);
  const epsilon = (attrs as { varianceEpsilon: number } | undefined)?.varianceEpsilon;
  if (typeof epsilon !== 'number') throw new Error(`${BATCH_NORM_TRAINING_GRAD} needs attr varianceEpsilon`);
  const channels = x.shape[x.shape.length - 1] as number;
  if (x.shape.length < 2 || mean.shape.length !== 1 || mean.shape[0] !== channels) {
    throw new Error(`${BATCH_NORM_TRAINING_GRAD} needs x [..., C] and mean [C], got x [${x.shape.join(', ')}] and mean [${mean.shape.join(', ')}]`);
  }
  const simd = channels % 4 === 0;
  // Every allocation first: a later one may grow the heap and detach the views taken below.
  const outputs = [x.shape, [channels], [channels]].map((shape) => backend.makeOutput([...shape], 'float32'));
  const scratch = backend.makeOutput([5, channels], 'float32'); // float32 partial Σdy, Σdy·(x−μ), then a, b, k
  const [dx, dScale, dOffset] = outputs.map((o) => heapF32(backend, o)) as [Float32Array, Float32Array, Float32Array];
  const xs = heapF32(backend, x);
  const dys = heapF32(backend, dy);
  const mu = heapF32(backend, mean);
  const sigma2 = heapF32(backend, variance);
  const gamma = scale ? heapF32(backend, scale) : undefined;
  const partial = heapF32(backend, scratch);
  const loops = simdLoops(backend);
  const scratchAt = heapOffset(backend, scratch);
  const rowBytes = channels * 4;
  const rows = xs.length / channels;

  const { sumDy, sumDyCentred } = channelGradientSums(backend, { x, dy, mean, scratch }, channels);
  const a = partial.subarray(2 * channels, 3 * channels);
  const b = partial.subarray(3 * channels, 4 * channels);
  const k = partial.subarray(4 * channels);
  for (let c = 0; c < channels; c++) {
    const r = 1 / Math.sqrt((sigma2[c] as number) + epsilon);
    const gr = (gamma ? (gamma[c] as number) : 1) * r;
    const offsetGrad = sumDy[c] as number;
    const scaleGrad = r * (sumDyCentred[c] as number);
    dOffset[c] = offsetGrad;
    dScale[c] = scaleGrad;
    a[c] = gr;
    b[c] = (-gr * r * scaleGrad) / rows;
    k[c] = (-gr * offsetGrad) / rows;
  }
  if (simd) {
    loops.bnTrainingDx(
      heapOffset(backend, outputs[0] as TensorInfo),
      heapOffset(backend, dy),
      heapOffset(backend, x),
      scratchAt + 2 * rowBytes,
      heapOffset(backend, mean),
      scratchAt + 3 * rowBytes,
      scratchAt + 4 * rowBytes,
      xs.length * 4,
      rowBytes,
    );
  } else {
    for (let base = 0; base < xs.length; base += channels) {
      for (let c = 0; c < channels; c++) {
        dx[base + c] = (dys[base + c] as number) * (a[c] as number) + ((xs[base + c] as number) - (mu[c] as number)) * (b[c] as number) + (k[c] as number);
      }
    }
  }
  disposeIntermediate(backend, scratch);
  return outputs;
}

export const batchNormTrainingGradConfig: KernelConfig = {
  kernelName: BATCH_NORM_TRAINING_GRAD,
  backendName: 'wasm',
  kernelFunc: batchNormTrainingGrad as unknown as KernelFunc,
};
