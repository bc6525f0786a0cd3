import { Mean, Sum, engine, getBackend, getGradient, registerGradient, util } from '@tensorflow/tfjs';
import type { GradConfig, KernelConfig, KernelFunc, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { disposeIntermediate, heapF32, heapOffset, wholeHeapF32, type WasmKernelArgs } from './wasm-heap.js';
import { simdLoops } from './simd-module.js';

/** Rows summed in float32 by SIMD before they are added to the float64 totals. */
const ROWS_PER_PARTIAL_SUM = 1024;

export const BROADCAST_ROWS = 'FermxBroadcastRows';

/** True when `axes` are all axes but the last (batch-norm statistics) and channels suit SIMD. */
function overLeadingAxes(shape: number[], axis: number | number[], dtype: string): boolean {
  const rank = shape.length;
  const axes = util.parseAxisParam(axis, shape).sort((a, b) => a - b);
  return rank >= 2 && axes.length === rank - 1 && axes.every((a, i) => a === i) && (shape[rank - 1] ?? 0) % 4 === 0 && dtype === 'float32';
}

/**
 * Sum or mean over every axis but the last: SIMD column sums in float32 blocks, added in
 * float64. Stock wasm transposes the reduced axes innermost first, ~4× slower. Other
 * reductions go to the stock kernel.
 */
function makeLeadingAxesReduction(kind: 'sum' | 'mean', stock: KernelFunc | undefined): KernelFunc {
  return ((args: WasmKernelArgs): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const x = inputs['x'];
    if (!x) throw new Error(`${kind} needs input x`);
    const { axis, keepDims } = attrs as unknown as { axis: number | number[]; keepDims: boolean };
    if (!overLeadingAxes(x.shape, axis, x.dtype)) {
      if (!stock) throw new Error(`${kind} on wasm: unsupported reduction and no stock kernel`);
      return stock(args as never) as TensorInfo;
    }
    const rank = x.shape.length;
    const channels = x.shape[rank - 1] as number;
    const rows = util.sizeFromShape(x.shape) / channels;
    const out = backend.makeOutput(keepDims ? [...Array<number>(rank - 1).fill(1), channels] : [channels], 'float32');
    const partial = backend.makeOutput([channels], 'float32');
    const sums = heapF32(backend, partial);
    const result = heapF32(backend, out);
    const loops = simdLoops(backend);
    const xAt = heapOffset(backend, x);
    const partialAt = heapOffset(backend, partial);
    const total = new Float64Array(channels);
    const rowBytes = channels * 4;
    for (let row = 0; row < rows; row += ROWS_PER_PARTIAL_SUM) {
      const count = Math.min(ROWS_PER_PARTIAL_SUM, rows - row);
      sums.fill(0);
      // 16 channels at a time in registers where they divide evenly (no accumulator row traffic).
      if (channels % 16 === 0) loops.columnSumsWide(xAt + row * rowBytes, partialAt, count, rowBytes);
      else loops.columnSums(xAt + row * rowBytes, partialAt, count * rowBytes, rowBytes);
      for (let c = 0; c < channels; c++) total[c] = (total[c] as number) + (sums[c] as number);
    }
    const divisor = kind === 'mean' ? rows : 1;
    for (let c = 0; c < channels; c++) result[c] = (total[c] as number) / divisor;
    disposeIntermediate(backend, partial);
    return out;
  }) as unknown as KernelFunc;
}

export const meanConfig = (stock: KernelFunc | undefined): KernelConfig => ({
  kernelName: Mean,
  backendName: 'wasm',
  kernelFunc: makeLeadingAxesReduction('mean', stock),
});
export const sumConfig = (stock: KernelFunc | undefined): KernelConfig => ({
  kernelName: Sum,
  backendName: 'wasm',
  kernelFunc: makeLeadingAxesReduction('sum', stock),
});

/** out[..., c] = v[c] · scale for every leading index: one row written, then doubled by memmove. */
export function broadcastRows({ inputs, backend, attrs }: WasmKernelArgs): TensorInfo {
  const v = inputs['v'];
  if (!v) throw new Error(`${BROADCAST_ROWS} needs input v`);
  const { shape, scale } = attrs as unknown as { shape: number[]; scale: number };
  const channels = v.shape.reduce((a, b) => a * b, 1);
  const out = backend.makeOutput([...shape], 'float32');
  const size = util.sizeFromShape(shape);
  const heap = wholeHeapF32(backend as BackendWasm);
  const start = heapOffset(backend, out) / 4;
  const values = heapF32(backend, v);
  for (let c = 0; c < channels; c++) heap[start + c] = (values[c] as number) * scale;
  for (let filled = channels; filled < size; filled *= 2) heap.copyWithin(start + filled, start, start + Math.min(filled, size - filled));
  return out;
}

export const broadcastRowsConfig: KernelConfig = { kernelName: BROADCAST_ROWS, backendName: 'wasm', kernelFunc: broadcastRows as unknown as KernelFunc };

let originalMeanGradient: GradConfig | undefined;

/**
 * Mean's gradient over the leading axes on wasm as one broadcast, instead of tfjs-core's
 * ones(x.shape) (filled in JS) · dy / n: two fewer full-size passes per batch-norm moment.
 */
export function installMeanGradient(): void {
  originalMeanGradient ??= getGradient(Mean);
  const fallback = originalMeanGradient;
  if (!fallback) throw new Error('tfjs-core has no Mean gradient to wrap');
  registerGradient({
    kernelName: Mean,
    inputsToSave: ['x'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      const [x] = saved;
      const single = Array.isArray(dy) ? dy[0] : dy;
      const { axis } = attrs as unknown as { axis: number | number[] };
      if (getBackend() !== 'wasm' || !x || !single || !overLeadingAxes(x.shape, axis, x.dtype)) return fallback.gradFunc(dy, saved, attrs);
      const rows = x.size / (x.shape[x.rank - 1] as number);
      return { x: () => engine().runKernel(BROADCAST_ROWS, { v: single }, { shape: x.shape, scale: 1 / rows }) as Tensor };
    },
  });
}
