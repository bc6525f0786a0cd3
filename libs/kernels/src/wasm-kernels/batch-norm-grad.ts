import { FusedBatchNorm, engine, getBackend, getGradient, registerGradient } from '@tensorflow/tfjs';
import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs';
import { disposeIntermediate, heapF32, heapOffset, type WasmKernelArgs } from './wasm-heap.js';
import { channelGradientSums } from './channel-gradient-sums.js';
import { simdLoops } from './simd-module.js';

export const FUSED_BATCH_NORM_GRAD = 'FermxFusedBatchNormGrad';

/**
 * All five gradients of a per-channel FusedBatchNorm in two passes over (x, dy): one for the
 * channel sums Σdy and Σdy·(x−μ), one writing dx. tfjs-core's gradient composes ~15 full-size
 * ops, a Tile among them that alone cost a quarter of an M-Xception step on wasm.
 * Outputs [dx, dMean, dVariance, dScale, dOffset].
 */
export function fusedBatchNormGrad({ inputs, backend, attrs }: WasmKernelArgs): TensorInfo[] {
  const { x, mean, variance, scale, dy } = inputs;
  if (!x || !mean || !variance || !dy) throw new Error(`${FUSED_BATCH_NORM_GRAD} needs inputs x, mean, variance and dy`);
  const epsilon = (attrs as { varianceEpsilon: number }).varianceEpsilon;
  const channels = mean.shape[0] as number;
  const simd = channels % 4 === 0;
  // Every allocation first: a later one may grow the heap and detach the views taken below.
  const outputs = [x.shape, [channels], [channels], [channels], [channels]].map((shape) => backend.makeOutput([...shape], 'float32'));
  const scratch = backend.makeOutput([3, channels], 'float32'); // float32 partial Σdy, Σdy·(x−μ), then dx factors
  const [dx, dMean, dVariance, dScale, dOffset] = outputs.map((o) => heapF32(backend, o)) as [
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  const xs = heapF32(backend, x);
  const dys = heapF32(backend, dy);
  const sigma2 = heapF32(backend, variance);
  const gamma = scale ? heapF32(backend, scale) : undefined;
  const partial = heapF32(backend, scratch);
  const loops = simdLoops(backend);
  const scratchAt = heapOffset(backend, scratch);
  const rowBytes = channels * 4;

  const { sumDy, sumDyCentred } = channelGradientSums(backend, { x, dy, mean, scratch }, channels);
  const factor = partial.subarray(2 * channels);
  for (let c = 0; c < channels; c++) {
    const r = 1 / Math.sqrt((sigma2[c] as number) + epsilon);
    const s = gamma ? (gamma[c] as number) : 1;
    factor[c] = r * s;
    dMean[c] = -r * s * (sumDy[c] as number);
    dVariance[c] = -0.5 * r * r * r * s * (sumDyCentred[c] as number);
    dScale[c] = r * (sumDyCentred[c] as number);
    dOffset[c] = sumDy[c] as number;
  }
  if (simd) {
    loops.scaleRows(heapOffset(backend, outputs[0] as TensorInfo), heapOffset(backend, dy), scratchAt + 2 * rowBytes, xs.length * 4, rowBytes);
  } else {
    for (let base = 0; base < xs.length; base += channels) {
      for (let c = 0; c < channels; c++) dx[base + c] = (dys[base + c] as number) * (factor[c] as number);
    }
  }
  disposeIntermediate(backend, scratch);
  return outputs;
}

export const fusedBatchNormGradConfig: KernelConfig = {
  kernelName: FUSED_BATCH_NORM_GRAD,
  backendName: 'wasm',
  kernelFunc: fusedBatchNormGrad as unknown as KernelFunc,
};

let original: GradConfig | undefined;

/**
 * Routes FusedBatchNorm's gradient through the fused kernel on wasm (per-channel statistics,
 * channels last: what batch-norm layers produce) and through tfjs-core's gradient otherwise.
 */
export function installFusedBatchNormGradient(): void {
  original ??= getGradient(FusedBatchNorm);
  const fallback = original;
  if (!fallback) throw new Error('tfjs-core has no FusedBatchNorm gradient to wrap');
  registerGradient({
    kernelName: FusedBatchNorm,
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      const [x, mean, variance, scale] = saved;
      const single = Array.isArray(dy) ? dy[0] : dy;
      const fusable =
        getBackend() === 'wasm' && x && mean && variance && single && mean.rank === 1 && x.shape[x.rank - 1] === mean.shape[0] && x.dtype === 'float32';
      if (!fusable) return fallback.gradFunc(dy, saved, attrs);
      // Computed here, not lazily in a thunk: the engine runs each thunk in its own tidy, which
      // would dispose the four results the first thunk does not return. The backward pass's
      // enclosing tidy disposes whichever of these ends up unused.
      const grads = engine().runKernel(FUSED_BATCH_NORM_GRAD, { x, mean, variance, ...(scale ? { scale } : {}), dy: single }, attrs) as Tensor[];
      const pick = (i: number) => () => grads[i] as Tensor;
      return { x: pick(0), mean: pick(1), variance: pick(2), scale: pick(3), offset: pick(4) };
    },
  });
}
