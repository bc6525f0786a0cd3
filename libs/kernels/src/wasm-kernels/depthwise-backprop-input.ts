import { backend_util, DepthwiseConv2dNativeBackpropInput } from '@tensorflow/tfjs';
import type { DepthwiseConv2dNativeBackpropInputAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { disposeIntermediate, heapF32, runWasmKernel, type WasmKernelArgs } from './wasm-heap.js';
import { dilated, rotatedFilter, transposedPadding } from './transposed-conv.js';

/**
 * dx[n,ih,iw,c] = Σ dy[n,oh,ow,c·M+q] · W[kh,kw,c,q] over the windows that cover (ih, iw).
 * With channel multiplier 1 (every fermx model) that is an XNNPACK depthwise conv of the
 * stride-dilated dy with the rotated filter; other cases scatter over dy in JS.
 */
export function depthwiseBackpropInput({ inputs, backend, attrs }: WasmKernelArgs): TensorInfo {
  const dy = inputs['dy'];
  const filter = inputs['filter'];
  if (!dy || !filter) throw new Error('DepthwiseConv2dNativeBackpropInput needs inputs dy and filter');
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
  const info = backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, dilations, pad, dimRoundingMode, true);
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
  const padding = transposedPadding(info);
  if (multiplier === 1 && dilationHeight === 1 && dilationWidth === 1 && padding) {
    const spread = dilated(backend, dy, strideHeight, strideWidth);
    const rotated = rotatedFilter(backend, filter, false);
    const dx = runWasmKernel('DepthwiseConv2dNative', backend, { x: spread, filter: rotated }, { strides: 1, pad: padding, dilations: 1 });
    if (spread !== dy) disposeIntermediate(backend, spread);
    disposeIntermediate(backend, rotated);
    return dx;
  }

  const out = backend.makeOutput([...inputShape], 'float32');
  const dx = heapF32(backend, out);
  const dys = heapF32(backend, dy);
  const w = heapF32(backend, filter);
  dx.fill(0);
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
            const dxBase = ((n * inHeight + ih) * inWidth + iw) * inChannels;
            const wBase = (kh * filterWidth + kw) * outChannels;
            if (multiplier === 1) {
              for (let c = 0; c < inChannels; c++) dx[dxBase + c] = (dx[dxBase + c] as number) + (dys[dyBase + c] as number) * (w[wBase + c] as number);
            } else {
              for (let c = 0; c < inChannels; c++) {
                let sum = 0;
                for (let q = 0; q < multiplier; q++) sum += (dys[dyBase + c * multiplier + q] as number) * (w[wBase + c * multiplier + q] as number);
                dx[dxBase + c] = (dx[dxBase + c] as number) + sum;
              }
            }
          }
        }
      }
    }
  }
  return out;
}

export const depthwiseBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropInput as unknown as KernelFunc,
};
