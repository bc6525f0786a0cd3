import { backend_util, MaxPoolGrad } from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs';
import type { backend_util as BackendUtil } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { disposeIntermediate, heapF32, heapOffset, type WasmKernelArgs } from './wasm-heap.js';
import { simdLoops } from './simd-module.js';

/**
 * Replaces stock wasm MaxPoolGrad, which drops the gradient of windows whose values are all
 * negative (common right after batch norm). Routes dy to the first maximum of each window, as
 * the cpu backend does.
 */
export function maxPoolGrad({ inputs, backend, attrs }: WasmKernelArgs): TensorInfo {
  const dy = inputs['dy'];
  const input = inputs['input'];
  const output = inputs['output'];
  if (!dy || !input) throw new Error('MaxPoolGrad needs inputs dy and input');
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const {
    batchSize,
    inHeight,
    inWidth,
    inChannels: channels,
    outHeight,
    outWidth,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
    effectiveFilterHeight,
    effectiveFilterWidth,
  } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const taps = new Int32Array(effectiveFilterHeight * effectiveFilterWidth);
  if (output && channels % 4 === 0) return routedWithSimd(backend, dy, input, output, info);

  const out = backend.makeOutput([...input.shape], 'float32');
  const dx = heapF32(backend, out);
  const xs = heapF32(backend, input);
  const dys = heapF32(backend, dy);
  dx.fill(0);
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        // Offsets of the window's in-image pixels, in scan order (first maximum wins, as on cpu).
        let count = 0;
        for (let kh = 0; kh < effectiveFilterHeight; kh += dilationHeight) {
          const ih = oh * strideHeight - padTop + kh;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < effectiveFilterWidth; kw += dilationWidth) {
            const iw = ow * strideWidth - padLeft + kw;
            if (iw >= 0 && iw < inWidth) taps[count++] = ((n * inHeight + ih) * inWidth + iw) * channels;
          }
        }
        const dyBase = ((n * outHeight + oh) * outWidth + ow) * channels;
        for (let c = 0; c < channels; c++) {
          let best = -Infinity;
          let at = -1;
          for (let t = 0; t < count; t++) {
            const i = (taps[t] as number) + c;
            const v = xs[i] as number;
            if (v > best) {
              best = v;
              at = i;
            }
          }
          if (at >= 0) dx[at] = (dx[at] as number) + (dys[dyBase + c] as number);
        }
      }
    }
  }
  return out;
}

/**
 * With the forward output y at hand, the first tap equal to its window's maximum is the first
 * maximum: one SIMD compare-and-route per window for 4 channels at a time. (Differs from cpu only
 * for windows that are all −∞ or NaN, which cpu leaves without gradient.)
 */
function routedWithSimd(backend: BackendWasm, dy: TensorInfo, input: TensorInfo, output: TensorInfo, info: BackendUtil.Conv2DInfo): TensorInfo {
  const {
    batchSize,
    inHeight,
    inWidth,
    inChannels: channels,
    outHeight,
    outWidth,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
    effectiveFilterHeight,
    effectiveFilterWidth,
  } = info;
  const out = backend.makeOutput([...input.shape], 'float32');
  const tapTable = backend.makeOutput([effectiveFilterHeight * effectiveFilterWidth], 'int32');
  heapF32(backend, out).fill(0);
  const taps = backend.typedArrayFromHeap(tapTable) as Int32Array;
  const loops = simdLoops(backend);
  const dxAt = heapOffset(backend, out);
  const xAt = heapOffset(backend, input);
  const yAt = heapOffset(backend, output);
  const dyAt = heapOffset(backend, dy);
  const tapsAt = heapOffset(backend, tapTable);
  const pixelBytes = channels * 4;
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        let count = 0;
        for (let kh = 0; kh < effectiveFilterHeight; kh += dilationHeight) {
          const ih = oh * strideHeight - info.padInfo.top + kh;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < effectiveFilterWidth; kw += dilationWidth) {
            const iw = ow * strideWidth - info.padInfo.left + kw;
            if (iw >= 0 && iw < inWidth) taps[count++] = ((n * inHeight + ih) * inWidth + iw) * pixelBytes;
          }
        }
        const outAt = ((n * outHeight + oh) * outWidth + ow) * pixelBytes;
        loops.routeToMax(dxAt, xAt, yAt + outAt, dyAt + outAt, tapsAt, count, pixelBytes);
      }
    }
  }
  disposeIntermediate(backend, tapTable);
  return out;
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};
