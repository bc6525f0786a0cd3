import { Relu, Square, engine, env, getBackend, getGradient, registerGradient, util } from '@tensorflow/tfjs';
import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs';
import { heapF32, heapOffset, type WasmKernelArgs } from './wasm-heap.js';
import { simdLoops } from './simd-module.js';

export const RELU_GRAD = 'FermxReluGrad';
export const SQUARE_GRAD = 'FermxSquareGrad';
/** tfjs flag: false restores tfjs-core's composed gradients (for comparisons). */
export const FUSED_ELEMENTWISE_GRADIENTS_FLAG = 'FERMX_WASM_FUSED_ELEMENTWISE_GRADIENTS';
env().registerFlag(FUSED_ELEMENTWISE_GRADIENTS_FLAG, () => true);

/**
 * tfjs-core differentiates Relu as dy · cast(step(x)) and Square as dy · (cast(x) · 2): two or
 * three full-size kernels each (17 ReLUs and 20 batch-norm variances per M-Xception step). On
 * wasm each becomes one SIMD pass.
 */
function elementwiseGrad(kind: 'relu' | 'square'): KernelFunc {
  return (({ inputs, backend }: WasmKernelArgs): TensorInfo => {
    const x = inputs['x'];
    const dy = inputs['dy'];
    if (!x || !dy) throw new Error(`${kind} gradient needs inputs x and dy`);
    const size = util.sizeFromShape(x.shape);
    if (util.sizeFromShape(dy.shape) !== size) throw new Error(`${kind} gradient: dy [${dy.shape}] does not match x [${x.shape}]`);
    const dx = backend.makeOutput([...x.shape], 'float32');
    const vectorBytes = (size >> 2) << 4;
    const loops = simdLoops(backend);
    (kind === 'relu' ? loops.reluGrad : loops.squareGrad)(heapOffset(backend, dx), heapOffset(backend, x), heapOffset(backend, dy), vectorBytes);
    const [out, xs, dys] = [heapF32(backend, dx), heapF32(backend, x), heapF32(backend, dy)];
    for (let i = vectorBytes >> 2; i < size; i++) {
      const g = dys[i] as number;
      const v = xs[i] as number;
      out[i] = kind === 'relu' ? (v > 0 ? g : 0) : g * Math.fround(v * 2);
    }
    return dx;
  }) as unknown as KernelFunc;
}

export const reluGradConfig: KernelConfig = { kernelName: RELU_GRAD, backendName: 'wasm', kernelFunc: elementwiseGrad('relu') };
export const squareGradConfig: KernelConfig = { kernelName: SQUARE_GRAD, backendName: 'wasm', kernelFunc: elementwiseGrad('square') };

const originals = new Map<string, GradConfig>();

/** Routes the gradients of Relu and Square through the fused kernels on wasm (float32 x); tfjs-core's elsewhere. */
export function installElementwiseGradients(): void {
  for (const [kernelName, fused] of [
    [Relu, RELU_GRAD],
    [Square, SQUARE_GRAD],
  ] as const) {
    if (!originals.has(kernelName)) {
      const original = getGradient(kernelName);
      if (!original) throw new Error(`tfjs-core has no ${kernelName} gradient to wrap`);
      originals.set(kernelName, original);
    }
    const fallback = originals.get(kernelName)!;
    registerGradient({
      kernelName,
      inputsToSave: ['x'],
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
        const [x] = saved;
        const single = Array.isArray(dy) ? dy[0] : dy;
        if (getBackend() !== 'wasm' || !env().getBool(FUSED_ELEMENTWISE_GRADIENTS_FLAG) || !x || !single || x.dtype !== 'float32' || single.dtype !== 'float32')
          return fallback.gradFunc(dy, saved, attrs);
        return { x: () => engine().runKernel(fused, { x, dy: single }) as Tensor };
      },
    });
  }
}
