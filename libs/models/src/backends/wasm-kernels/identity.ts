import { Identity } from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { WasmKernelArgs } from './wasm-heap.js';

/**
 * Identity that shares the input's data (one more reference), as the cpu backend does. The stock
 * wasm kernel copies, and the engine runs Identity to keep every tensor a gradient needs: ~600
 * copies of activations per M-Xception step, 7 % of its time and a large share of its heap.
 * Safe because tfjs tensors are immutable; the one fermx kernel that writes in place (the fused
 * Adam update, on its own moments) first checks that nothing else references the data.
 */
export function identity({ inputs, backend }: WasmKernelArgs): TensorInfo {
  const x = inputs['x'];
  if (!x) throw new Error('Identity needs input x');
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

export const identityConfig: KernelConfig = {
  kernelName: Identity,
  backendName: 'wasm',
  kernelFunc: identity as unknown as KernelFunc,
};
