import { backend_util, Conv2DBackpropInput } from '@tensorflow/tfjs';
import type { Conv2DBackpropInputAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { disposeIntermediate, runWasmKernel, type WasmKernelArgs } from './wasm-heap.js';
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
      inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false,
      backend_util.convertConv2DDataFormat(dataFormat),
    );
    const padding = transposedPadding(info);
    if (info.dataFormat !== 'channelsLast' || !padding) {
      if (!stock) throw new Error(`Conv2DBackpropInput on wasm: unsupported case (dataFormat ${info.dataFormat}, pad ${JSON.stringify(pad)})`);
      return stock(args as never) as TensorInfo;
    }
    const spread = dilated(backend, dy, info.strideHeight, info.strideWidth);
    const rotated = rotatedFilter(backend, filter, true);
    const dx = runWasmKernel('Conv2D', backend, { x: spread, filter: rotated }, { strides: 1, pad: padding, dilations: 1, dataFormat: 'NHWC' });
    if (spread !== dy) disposeIntermediate(backend, spread);
    disposeIntermediate(backend, rotated);
    return dx;
  }) as unknown as KernelFunc;
}

export function conv2dBackpropInputConfig(stock: KernelFunc | undefined): KernelConfig {
  return { kernelName: Conv2DBackpropInput, backendName: 'wasm', kernelFunc: makeConv2dBackpropInput(stock) };
}
