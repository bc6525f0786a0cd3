import type { backend_util, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapF32 } from './wasm-heap.js';

/**
 * The input gradient of a convolution is a stride-1 convolution of dy (zero-dilated by the
 * stride) with the filter rotated 180°, padded so the output has the input's size. These helpers
 * build the pieces so wasm's XNNPACK forward kernels can do the arithmetic.
 */

/** W'[kh,kw,o,i] = W[KH−1−kh, KW−1−kw, i, o] (conv: swapInOut) or W'[kh,kw,c,q] = W[KH−1−kh, KW−1−kw, c, q] (depthwise). */
export function rotatedFilter(backend: BackendWasm, filter: TensorInfo, swapInOut: boolean): TensorInfo {
  const [kh, kw, a, b] = filter.shape as [number, number, number, number];
  const out = backend.makeOutput(swapInOut ? [kh, kw, b, a] : [kh, kw, a, b], 'float32');
  const dst = heapF32(backend, out);
  const src = heapF32(backend, filter);
  for (let h = 0; h < kh; h++) {
    for (let w = 0; w < kw; w++) {
      const from = ((kh - 1 - h) * kw + (kw - 1 - w)) * a * b;
      const to = (h * kw + w) * a * b;
      if (!swapInOut) {
        dst.set(src.subarray(from, from + a * b), to);
        continue;
      }
      for (let i = 0; i < a; i++) for (let o = 0; o < b; o++) dst[to + o * a + i] = src[from + i * b + o] as number;
    }
  }
  return out;
}

/** dy with (stride − 1) zeros between neighbouring rows and columns; dy itself for stride 1. */
export function dilated(backend: BackendWasm, dy: TensorInfo, strideHeight: number, strideWidth: number): TensorInfo {
  if (strideHeight === 1 && strideWidth === 1) return dy;
  const [n, oh, ow, c] = dy.shape as [number, number, number, number];
  const dh = (oh - 1) * strideHeight + 1;
  const dw = (ow - 1) * strideWidth + 1;
  const out = backend.makeOutput([n, dh, dw, c], 'float32');
  const dst = heapF32(backend, out);
  const src = heapF32(backend, dy);
  dst.fill(0);
  for (let b = 0; b < n; b++) {
    for (let h = 0; h < oh; h++) {
      for (let w = 0; w < ow; w++) {
        const from = ((b * oh + h) * ow + w) * c;
        dst.set(src.subarray(from, from + c), ((b * dh + h * strideHeight) * dw + w * strideWidth) * c);
      }
    }
  }
  return out;
}

/**
 * Explicit padding [[0,0],[top,bottom],[left,right],[0,0]] that makes the stride-1 convolution of
 * the dilated dy come out at the input size, or null when it would need negative padding.
 */
export function transposedPadding(info: backend_util.Conv2DInfo): [[number, number], [number, number], [number, number], [number, number]] | null {
  const top = info.effectiveFilterHeight - 1 - info.padInfo.top;
  const left = info.effectiveFilterWidth - 1 - info.padInfo.left;
  const bottom = info.inHeight - ((info.outHeight - 1) * info.strideHeight + 1) - top + info.effectiveFilterHeight - 1;
  const right = info.inWidth - ((info.outWidth - 1) * info.strideWidth + 1) - left + info.effectiveFilterWidth - 1;
  if (Math.min(top, left, bottom, right) < 0) return null;
  return [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
}
