import { backend_util, DepthwiseConv2dNativeBackpropFilter } from '@tensorflow/tfjs';
import type { DepthwiseConv2dNativeBackpropFilterAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { heapF32, type WasmKernelArgs } from './wasm-heap.js';

/**
 * dW[kh,kw,c,q] = Σ x[n, oh·s+kh−pt, ow·s+kw−pl, c] · dy[n,oh,ow,c·M+q], one pass over dy with
 * the per-tap sums kept in a small float64 accumulator (the cpu reference sums in doubles too).
 */
export function depthwiseBackpropFilter({ inputs, backend, attrs }: WasmKernelArgs): TensorInfo {
  const x = inputs['x'];
  const dy = inputs['dy'];
  if (!x || !dy) throw new Error('DepthwiseConv2dNativeBackpropFilter needs inputs x and dy');
  const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, dilations, pad, dimRoundingMode, true,
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const multiplier = outChannels / inChannels;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const acc = new Float64Array(filterHeight * filterWidth * outChannels);

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

export const depthwiseBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropFilter as unknown as KernelFunc,
};
