import { getKernel } from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** What our kernels see of a kernel call on the wasm backend. */
export interface WasmKernelArgs {
  inputs: NamedTensorInfoMap;
  backend: BackendWasm;
  attrs?: NamedAttrMap;
}

/**
 * Float32 view of a tensor on the wasm heap. Take views only after the last allocation
 * (`makeOutput`) of a kernel: allocating can grow the heap and detach older views.
 */
export function heapF32(backend: BackendWasm, info: TensorInfo): Float32Array {
  if (info.dtype !== 'float32') throw new Error(`fermx wasm kernels take float32 tensors, got ${info.dtype}`);
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/** Runs a stock (or fermx) wasm kernel from inside another kernel, without the engine. */
export function runWasmKernel(name: string, backend: BackendWasm, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
  const config = getKernel(name, 'wasm');
  if (!config) throw new Error(`wasm kernel ${name} is not registered`);
  const out = config.kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(out)) throw new Error(`wasm kernel ${name} returned several tensors`);
  return out;
}

/** Same data, another shape: a TensorInfo alias that stock kernels accept (they incRef what they keep). */
export function aliasShape(info: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: info.dataId, dtype: info.dtype, shape };
}

export function disposeIntermediate(backend: BackendWasm, info: TensorInfo): void {
  backend.disposeData(info.dataId);
}

/** Byte offset of a tensor's data in the wasm heap (stable until the tensor is disposed). */
export function heapOffset(backend: BackendWasm, info: TensorInfo): number {
  const data = backend.dataIdMap.get(info.dataId);
  if (!data || data.memoryOffset == null) throw new Error('tensor has no data on the wasm heap');
  return data.memoryOffset;
}

/**
 * A stock kernel kept callable after we replace its registration. The engine runs a kernel's
 * setupFunc only for configs registered when the backend initialises, so a stock config we
 * unregistered first would never be set up: do it on first use, once per backend.
 */
export function stockKernel(config: KernelConfig | undefined): KernelFunc | undefined {
  if (!config) return undefined;
  const setUp = new WeakSet<object>();
  return ((args: { backend: object }) => {
    if (!setUp.has(args.backend)) {
      config.setupFunc?.(args.backend);
      setUp.add(args.backend);
    }
    return config.kernelFunc(args as never);
  }) as unknown as KernelFunc;
}

/** Float32 view of the whole heap (index = byte offset / 4); same caveat as heapF32 about growth. */
export function wholeHeapF32(backend: BackendWasm): Float32Array {
  return new Float32Array((backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer);
}
