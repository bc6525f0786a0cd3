import { backend_util, DepthwiseConv2dNativeBackpropFilter } from '@tensorflow/tfjs';
import type { DepthwiseConv2dNativeBackpropFilterAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { backend_util as BackendUtil } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { disposeIntermediate, heapF32, heapOffset, type WasmKernelArgs } from './wasm-heap.js';
import { simdLoops } from './simd-module.js';

/**
 * dW[kh,kw,c,q] = Σ x[n, oh·s+kh−pt, ow·s+kw−pl, c] · dy[n,oh,ow,c·M+q], one pass over dy with
 * the per-tap sums kept in a small float64 accumulator (the cpu reference sums in doubles too).
 */
export function depthwiseBackpropFilter({ inputs, backend, attrs }: WasmKernelArgs): TensorInfo {
  const x = inputs['x'];
  const dy = inputs['dy'];
  if (!x || !dy) throw new Error('DepthwiseConv2dNativeBackpropFilter needs inputs x and dy');
  const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, dilations, pad, dimRoundingMode, true);
  const {
    batchSize,
    inHeight,
    inWidth,
    inChannels,
    outHeight,
    outWidth,
    outChannels,
    filterHeight,
    filterWidth,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
  } = info;
  const multiplier = outChannels / inChannels;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const acc = new Float64Array(filterHeight * filterWidth * outChannels);
  if (multiplier === 1 && inChannels % 16 === 0) {
    const out = backend.makeOutput([...filterShape], 'float32');
    accumulateDiagonal(backend, x, dy, info, acc);
    heapF32(backend, out).set(acc);
    return out;
  }
  if (multiplier === 1 && strideWidth === 1) {
    const out = backend.makeOutput([...filterShape], 'float32');
    accumulateRows(backend, x, dy, info, acc);
    heapF32(backend, out).set(acc);
    return out;
  }

  const out = backend.makeOutput([...filterShape], 'float32');
  const xs = heapF32(backend, x);
  const dys = heapF32(backend, dy);
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const dyBase = ((n * outHeight + oh) * outWidth + ow) * outChannels;
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = oh * strideHeight + kh * dilationHeight - padTop;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw++) {
            const iw = ow * strideWidth + kw * dilationWidth - padLeft;
            if (iw < 0 || iw >= inWidth) continue;
            const xBase = ((n * inHeight + ih) * inWidth + iw) * inChannels;
            const accBase = (kh * filterWidth + kw) * outChannels;
            if (multiplier === 1) {
              for (let c = 0; c < inChannels; c++) acc[accBase + c] = (acc[accBase + c] as number) + (xs[xBase + c] as number) * (dys[dyBase + c] as number);
            } else {
              for (let c = 0; c < inChannels; c++) {
                const xv = xs[xBase + c] as number;
                for (let q = 0; q < multiplier; q++) {
                  const o = c * multiplier + q;
                  acc[accBase + o] = (acc[accBase + o] as number) + xv * (dys[dyBase + o] as number);
                }
              }
            }
          }
        }
      }
    }
  }
  heapF32(backend, out).set(acc);
  return out;
}

/**
 * Multiplier 1, stride 1 along rows: for one output row and one tap, x and dy overlap in one
 * contiguous run of (valid columns × channels) floats, so each (image, row, tap) is a single SIMD
 * multiply-accumulate into a per-tap row accumulator; the columns are summed per image in float64.
 */
function accumulateRows(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, info: BackendUtil.Conv2DInfo, acc: Float64Array): void {
  const {
    batchSize,
    inHeight,
    inWidth,
    inChannels: channels,
    outHeight,
    outWidth,
    filterHeight,
    filterWidth,
    strideHeight,
    dilationHeight,
    dilationWidth,
  } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const taps = filterHeight * filterWidth;
  const rowFloats = outWidth * channels;
  const rows = backend.makeOutput([taps, rowFloats], 'float32');
  const loops = simdLoops(backend);
  const rowsAt = heapOffset(backend, rows);
  const xAt = heapOffset(backend, x);
  const dyAt = heapOffset(backend, dy);
  const partial = heapF32(backend, rows);
  for (let n = 0; n < batchSize; n++) {
    partial.fill(0);
    for (let oh = 0; oh < outHeight; oh++) {
      const dyRow = dyAt + (n * outHeight + oh) * outWidth * channels * 4;
      for (let kh = 0; kh < filterHeight; kh++) {
        const ih = oh * strideHeight + kh * dilationHeight - padTop;
        if (ih < 0 || ih >= inHeight) continue;
        for (let kw = 0; kw < filterWidth; kw++) {
          const shift = kw * dilationWidth - padLeft;
          const first = Math.max(0, -shift);
          const last = Math.min(outWidth, inWidth - shift);
          if (last <= first) continue;
          const xAddress = xAt + ((n * inHeight + ih) * inWidth + first + shift) * channels * 4;
          const rowAddress = rowsAt + ((kh * filterWidth + kw) * rowFloats + first * channels) * 4;
          loops.fmaRow(rowAddress, xAddress, dyRow + first * channels * 4, (last - first) * channels);
        }
      }
    }
    for (let t = 0; t < taps; t++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const from = t * rowFloats + ow * channels;
        for (let c = 0; c < channels; c++) acc[t * channels + c] = (acc[t * channels + c] as number) + (partial[from + c] as number);
      }
    }
  }
  disposeIntermediate(backend, rows);
}

/**
 * Multiplier 1, channels % 16 = 0, any stride: for each (image, output row, tap) the valid output
 * pixels pair with evenly spaced x pixels, and one SIMD call sums x · dy over the run with the 16
 * channel sums held in registers (two loads per multiply-add, no accumulator row traffic). Per-tap
 * float32 sums go to the float64 totals once per image.
 */
function accumulateDiagonal(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, info: BackendUtil.Conv2DInfo, acc: Float64Array): void {
  const {
    batchSize,
    inHeight,
    inWidth,
    inChannels: channels,
    outHeight,
    outWidth,
    filterHeight,
    filterWidth,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
  } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const partial = backend.makeOutput([filterHeight * filterWidth * channels], 'float32');
  const loops = simdLoops(backend);
  const partialAt = heapOffset(backend, partial);
  const xAt = heapOffset(backend, x);
  const dyAt = heapOffset(backend, dy);
  const sums = heapF32(backend, partial);
  const pixelBytes = channels * 4;
  sums.fill(0);
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let kh = 0; kh < filterHeight; kh++) {
        const ih = oh * strideHeight + kh * dilationHeight - padTop;
        if (ih < 0 || ih >= inHeight) continue;
        for (let kw = 0; kw < filterWidth; kw++) {
          const shift = kw * dilationWidth - padLeft;
          // Output columns whose input column ow·s + shift lies inside the image.
          const from = Math.max(0, Math.ceil(-shift / strideWidth));
          const to = Math.min(outWidth, Math.floor((inWidth - 1 - shift) / strideWidth) + 1);
          if (to <= from) continue;
          loops.diagonalAccumulate(
            partialAt + (kh * filterWidth + kw) * pixelBytes,
            xAt + ((n * inHeight + ih) * inWidth + from * strideWidth + shift) * pixelBytes,
            dyAt + ((n * outHeight + oh) * outWidth + from) * pixelBytes,
            to - from,
            strideWidth * pixelBytes,
            channels,
          );
        }
      }
    }
    for (let i = 0; i < acc.length; i++) acc[i] = (acc[i] as number) + (sums[i] as number);
    sums.fill(0);
  }
  disposeIntermediate(backend, partial);
}

export const depthwiseBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropFilter as unknown as KernelFunc,
};
