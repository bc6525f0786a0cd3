import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { BATCH_NORM_MOMENTS } from '../batch-norm-kernels.js';
import { disposeIntermediate, heapF32, heapOffset, type WasmKernelArgs } from './wasm-heap.js';
import { simdLoops } from './simd-module.js';

/** Rows summed in float32 by SIMD before they are added to the float64 totals. */
const ROWS_PER_PARTIAL_SUM = 1024;

/**
 * Per-channel mean and population variance over every leading axis in two reads of x (sums,
 * then squares centred on the float32 mean: no cancellation), SIMD partial sums per block of
 * rows added in float64. tf.moments runs Mean, SquaredDifference (a full-size write) and Mean.
 */
export function batchNormMoments({ inputs, backend }: WasmKernelArgs): TensorInfo[] {
  const x = inputs['x'];
  if (!x) throw new Error(`${BATCH_NORM_MOMENTS} needs input x`);
  const channels = x.shape[x.shape.length - 1];
  if (x.shape.length < 2 || !channels) throw new Error(`${BATCH_NORM_MOMENTS} needs x of rank >= 2 with channels last, got [${x.shape.join(', ')}]`);
  // Every allocation first: a later one may grow the heap and detach the views taken below.
  const mean = backend.makeOutput([channels], 'float32');
  const variance = backend.makeOutput([channels], 'float32');
  const scratch = backend.makeOutput([channels], 'float32');
  const xs = heapF32(backend, x);
  const mu = heapF32(backend, mean);
  const sigma2 = heapF32(backend, variance);
  const partial = heapF32(backend, scratch);
  const rows = xs.length / channels;
  const totals = new Float64Array(channels);

  if (channels % 4 === 0) {
    const loops = simdLoops(backend);
    const xAt = heapOffset(backend, x);
    const meanAt = heapOffset(backend, mean);
    const partialAt = heapOffset(backend, scratch);
    const rowBytes = channels * 4;
    const wide = channels % 16 === 0;
    const blocks = (pass: (at: number, count: number) => void) => {
      for (let row = 0; row < rows; row += ROWS_PER_PARTIAL_SUM) {
        const count = Math.min(ROWS_PER_PARTIAL_SUM, rows - row);
        partial.fill(0);
        pass(xAt + row * rowBytes, count);
        for (let c = 0; c < channels; c++) totals[c] = (totals[c] as number) + (partial[c] as number);
      }
    };
    blocks((at, count) => (wide ? loops.columnSumsWide(at, partialAt, count, rowBytes) : loops.columnSums(at, partialAt, count * rowBytes, rowBytes)));
    for (let c = 0; c < channels; c++) mu[c] = (totals[c] as number) / rows;
    totals.fill(0);
    blocks((at, count) =>
      wide ? loops.centredSquaresWide(at, meanAt, partialAt, count, rowBytes) : loops.centredSquares(at, meanAt, partialAt, count * rowBytes, rowBytes),
    );
    for (let c = 0; c < channels; c++) sigma2[c] = (totals[c] as number) / rows;
  } else {
    for (let base = 0; base < xs.length; base += channels) {
      for (let c = 0; c < channels; c++) totals[c] = (totals[c] as number) + (xs[base + c] as number);
    }
    for (let c = 0; c < channels; c++) mu[c] = (totals[c] as number) / rows;
    totals.fill(0);
    for (let base = 0; base < xs.length; base += channels) {
      for (let c = 0; c < channels; c++) {
        const d = (xs[base + c] as number) - (mu[c] as number);
        totals[c] = (totals[c] as number) + d * d;
      }
    }
    for (let c = 0; c < channels; c++) sigma2[c] = (totals[c] as number) / rows;
  }
  disposeIntermediate(backend, scratch);
  return [mean, variance];
}

export const batchNormMomentsConfig: KernelConfig = {
  kernelName: BATCH_NORM_MOMENTS,
  backendName: 'wasm',
  kernelFunc: batchNormMoments as unknown as KernelFunc,
};
