import { backend_util, Conv2DBackpropInput } from '@tensorflow/tfjs';
import type { Conv2DBackpropInputAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { disposeIntermediate, heapF32, heapOffset, runWasmKernel, type WasmKernelArgs } from './wasm-heap.js';
import { simdLoops } from './simd-module.js';
import { dilated, rotatedFilter, transposedPadding } from './transposed-conv.js';

/**
 * dx as an XNNPACK Conv2D of the (stride-dilated) dy with the rotated, in/out-swapped filter.
 * Stock wasm Conv2DBackpropInput is a naive loop, ~10× slower on M-Xception's pointwise convs.
 */
export function makeConv2dBackpropInput(stock: KernelFunc | undefined): KernelFunc {
  return ((args: WasmKernelArgs): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const dy = inputs['dy'];
    const filter = inputs['filter'];
    if (!dy || !filter) throw new Error('Conv2DBackpropInput needs inputs dy and filter');
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
    const info = backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      backend_util.convertConv2DDataFormat(dataFormat),
    );
    const padding = transposedPadding(info);
    if (info.dataFormat !== 'channelsLast' || !padding) {
      if (!stock) throw new Error(`Conv2DBackpropInput on wasm: unsupported case (dataFormat ${info.dataFormat}, pad ${JSON.stringify(pad)})`);
      return stock(args as never) as TensorInfo;
    }
    const strided = info.strideHeight > 1 || info.strideWidth > 1;
    if (strided && info.filterHeight === 1 && info.filterWidth === 1 && info.padInfo.top === 0 && info.padInfo.left === 0 && info.inChannels % 4 === 0) {
      return stridedPointwise(backend, dy, filter, info);
    }
    const spread = dilated(backend, dy, info.strideHeight, info.strideWidth);
    const rotated = rotatedFilter(backend, filter, true);
    const dx = runWasmKernel('Conv2D', backend, { x: spread, filter: rotated }, { strides: 1, pad: padding, dilations: 1, dataFormat: 'NHWC' });
    if (spread !== dy) disposeIntermediate(backend, spread);
    disposeIntermediate(backend, rotated);
    return dx;
  }) as unknown as KernelFunc;
}

/**
 * 1×1 filter, stride s, no padding (the Xception shortcuts): x pixel (oh·s, ow·s) gets dy · Wᵀ
 * and every other pixel 0. One XNNPACK 1×1 conv of dy itself, then a SIMD strided scatter;
 * convolving the zero-dilated dy did s² times the arithmetic, mostly on zeros.
 */
function stridedPointwise(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, strideWidth } = info;
  const swapped = rotatedFilter(backend, filter, true);
  const dense = runWasmKernel('Conv2D', backend, { x: dy, filter: swapped }, { strides: 1, pad: 'valid', dilations: 1, dataFormat: 'NHWC' });
  disposeIntermediate(backend, swapped);
  const dx = backend.makeOutput([batchSize, inHeight, inWidth, inChannels], 'float32');
  heapF32(backend, dx).fill(0);
  const loops = simdLoops(backend);
  const pixelBytes = inChannels * 4;
  const dxAt = heapOffset(backend, dx);
  const denseAt = heapOffset(backend, dense);
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      loops.stridedCopy(
        dxAt + (n * inHeight + oh * strideHeight) * inWidth * pixelBytes,
        denseAt + (n * outHeight + oh) * outWidth * pixelBytes,
        outWidth,
        strideWidth * pixelBytes,
        pixelBytes,
      );
    }
  }
  disposeIntermediate(backend, dense);
  return dx;
}

export function conv2dBackpropInputConfig(stock: KernelFunc | undefined): KernelConfig {
  return { kernelName: Conv2DBackpropInput, backendName: 'wasm', kernelFunc: makeConv2dBackpropInput(stock) };
}
