import { Mean, util } from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, MeanAttrs, TensorInfo } from '@tensorflow/tfjs';
import { disposeIntermediate, heapF32, heapOffset, type WasmKernelArgs } from './wasm-heap.js';
import { simdLoops } from './simd-module.js';

/** Rows summed in float32 by SIMD before they are added to the float64 totals. */
const ROWS_PER_PARTIAL_SUM = 1024;

/**
 * Mean over every axis but the last (batch-norm moments): SIMD column sums. Stock wasm
 * transposes the reduced axes innermost first, ~4× slower. Other reductions go to stock.
 */
export function makeMean(stock: KernelFunc | undefined): KernelFunc {
  return ((args: WasmKernelArgs): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const x = inputs['x'];
    if (!x) throw new Error('Mean needs input x');
    const { axis, keepDims } = attrs as unknown as MeanAttrs;
    const rank = x.shape.length;
    const axes = util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const channels = x.shape[rank - 1] ?? 0;
    const leading = rank >= 2 && axes.length === rank - 1 && axes.every((a, i) => a === i);
    if (!leading || channels % 4 !== 0 || x.dtype !== 'float32') {
      if (!stock) throw new Error('Mean on wasm: unsupported reduction and no stock kernel');
      return stock(args as never) as TensorInfo;
    }
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
      loops.columnSums(xAt + row * rowBytes, partialAt, count * rowBytes, rowBytes);
      for (let c = 0; c < channels; c++) total[c] = (total[c] as number) + (sums[c] as number);
    }
    for (let c = 0; c < channels; c++) result[c] = (total[c] as number) / rows;
    disposeIntermediate(backend, partial);
    return out;
  }) as unknown as KernelFunc;
}

export function meanConfig(stock: KernelFunc | undefined): KernelConfig {
  return { kernelName: Mean, backendName: 'wasm', kernelFunc: makeMean(stock) };
}
