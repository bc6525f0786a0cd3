import { FusedBatchNorm } from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { disposeIntermediate, heapF32, heapOffset, type WasmKernelArgs } from './wasm-heap.js';
import { simdLoops } from './simd-module.js';

/**
 * FusedBatchNorm forward with per-channel statistics as one SIMD pass y = x·a[c] + b[c]
 * (a = γ/√(σ²+ε), b = β − μ·a). Stock wasm's kernel is ~8× slower; other layouts go to it.
 */
export function makeFusedBatchNorm(stock: KernelFunc | undefined): KernelFunc {
  return ((args: WasmKernelArgs): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const { x, mean, variance, offset, scale } = inputs;
    if (!x || !mean || !variance) throw new Error('FusedBatchNorm needs inputs x, mean and variance');
    const channels = x.shape[x.shape.length - 1] ?? 0;
    const perChannel = [mean, variance, offset, scale].every((t) => !t || (t.shape.length === 1 && t.shape[0] === channels));
    if (!perChannel || channels % 4 !== 0 || x.dtype !== 'float32') {
      if (!stock) throw new Error('FusedBatchNorm on wasm: unsupported layout and no stock kernel');
      return stock(args as never) as TensorInfo;
    }
    const epsilon = (attrs as { varianceEpsilon: number }).varianceEpsilon;
    const out = backend.makeOutput([...x.shape], 'float32');
    const coefficients = backend.makeOutput([2, channels], 'float32');
    const ab = heapF32(backend, coefficients);
    const mu = heapF32(backend, mean);
    const sigma2 = heapF32(backend, variance);
    const beta = offset ? heapF32(backend, offset) : undefined;
    const gamma = scale ? heapF32(backend, scale) : undefined;
    for (let c = 0; c < channels; c++) {
      const a = (gamma ? (gamma[c] as number) : 1) / Math.sqrt((sigma2[c] as number) + epsilon);
      ab[c] = a;
      ab[channels + c] = (beta ? (beta[c] as number) : 0) - (mu[c] as number) * a;
    }
    const at = heapOffset(backend, coefficients);
    const size = x.shape.reduce((p, d) => p * d, 1);
    simdLoops(backend).affineRows(heapOffset(backend, out), heapOffset(backend, x), at, at + channels * 4, size * 4, channels * 4);
    disposeIntermediate(backend, coefficients);
    return out;
  }) as unknown as KernelFunc;
}

export function fusedBatchNormConfig(stock: KernelFunc | undefined): KernelConfig {
  return { kernelName: FusedBatchNorm, backendName: 'wasm', kernelFunc: makeFusedBatchNorm(stock) };
}
