import { backend_util, MaxPoolGrad } from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs';
import { heapF32, type WasmKernelArgs } from './wasm-heap.js';

/**
 * Replaces stock wasm MaxPoolGrad, which drops the gradient of windows whose values are all
 * negative (common right after batch norm). Routes dy to the first maximum of each window, as
 * the cpu backend does.
 */
export function maxPoolGrad({ inputs, backend, attrs }: WasmKernelArgs): TensorInfo {
  const dy = inputs['dy'];
  const input = inputs['input'];
  if (!dy || !input) throw new Error('MaxPoolGrad needs inputs dy and input');
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, effectiveFilterHeight, effectiveFilterWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const taps = new Int32Array(effectiveFilterHeight * effectiveFilterWidth);

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

export const maxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};
