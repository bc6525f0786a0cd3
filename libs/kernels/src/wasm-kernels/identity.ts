import { Cast, Identity } from '@tensorflow/tfjs';
import type { CastAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
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

/**
 * Cast to the dtype the tensor already has shares its data too (stock wasm copies). tfjs-core's
 * gradients of Relu, Square and Identity and tf.moments cast float32 to float32: ~70 full-size
 * copies per M-Xception step. Real conversions go to the stock kernel.
 */
export function castConfig(stock: KernelFunc | undefined): KernelConfig {
  return {
    kernelName: Cast,
    backendName: 'wasm',
    kernelFunc: ((args: WasmKernelArgs): TensorInfo => {
      const x = args.inputs['x'];
      const { dtype } = args.attrs as unknown as CastAttrs;
      if (x && x.dtype === dtype && dtype !== 'string') return identity(args);
      if (!stock) throw new Error(`Cast on wasm: no stock kernel for ${x?.dtype} to ${dtype}`);
      return stock(args as never) as TensorInfo;
    }) as unknown as KernelFunc,
  };
}
