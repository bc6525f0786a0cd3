import { getKernel } from '@tensorflow/tfjs';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
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
