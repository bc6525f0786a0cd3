import type { TensorInfo } from '@tensorflow/tfjs';
import { heapF32, heapOffset, type WasmKernelArgs } from './wasm-heap.js';
import { simdLoops } from './simd-module.js';

/** Rows summed in float32 by the SIMD pass before they are added to the float64 totals. */
const ROWS_PER_PARTIAL_SUM = 1024;

/**
 * The two per-channel sums every batch-norm gradient needs, Σdy and Σdy·(x−μ), over all rows of
 * x and dy ([..., C]): SIMD float32 partial sums over blocks of rows, float64 totals. `scratch`
 * is a float32 tensor of at least 2·C values (overwritten). Take heap views after calling: no
 * allocation happens here, but callers allocate before it.
 */
export function channelGradientSums(
  backend: WasmKernelArgs['backend'],
  tensors: { x: TensorInfo; dy: TensorInfo; mean: TensorInfo; scratch: TensorInfo },
  channels: number,
): { sumDy: Float64Array; sumDyCentred: Float64Array } {
  const { x, dy, mean, scratch } = tensors;
  const xs = heapF32(backend, x);
  const dys = heapF32(backend, dy);
  const mu = heapF32(backend, mean);
  const partial = heapF32(backend, scratch);
  const sumDy = new Float64Array(channels);
  const sumDyCentred = new Float64Array(channels);
  const rows = xs.length / channels;
  if (channels % 4 === 0) {
    const loops = simdLoops(backend);
    const rowBytes = channels * 4;
    const xAt = heapOffset(backend, x);
    const dyAt = heapOffset(backend, dy);
    const scratchAt = heapOffset(backend, scratch);
    for (let row = 0; row < rows; row += ROWS_PER_PARTIAL_SUM) {
      const count = Math.min(ROWS_PER_PARTIAL_SUM, rows - row);
      partial.fill(0, 0, 2 * channels);
      loops.bnSums(xAt + row * rowBytes, dyAt + row * rowBytes, heapOffset(backend, mean), scratchAt, scratchAt + rowBytes, count * rowBytes, rowBytes);
      for (let c = 0; c < channels; c++) {
        sumDy[c] = (sumDy[c] as number) + (partial[c] as number);
        sumDyCentred[c] = (sumDyCentred[c] as number) + (partial[channels + c] as number);
      }
    }
  } else {
    for (let base = 0; base < xs.length; base += channels) {
      for (let c = 0; c < channels; c++) {
        const g = dys[base + c] as number;
        sumDy[c] = (sumDy[c] as number) + g;
        sumDyCentred[c] = (sumDyCentred[c] as number) + g * ((xs[base + c] as number) - (mu[c] as number));
      }
    }
  }
  return { sumDy, sumDyCentred };
}
