import { backend_util, Conv2DBackpropFilter } from '@tensorflow/tfjs';
import type { Conv2DBackpropFilterAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { aliasShape, disposeIntermediate, heapF32, runWasmKernel, type WasmKernelArgs } from './wasm-heap.js';

/** Largest im2col buffer (floats, 64 MiB) built at once; bigger batches are processed in image chunks. */
export const DEFAULT_COLUMN_BUDGET = 1 << 24;

/**
 * dW = im2col(x)ᵀ · dy. The columns are written already transposed ([taps·Cin, pixels]) so the
 * product runs as a plain XNNPACK matmul: the transposeA variant of wasm's BatchMatMul is ~10× slower.
 */
export function conv2dBackpropFilter({ inputs, backend, attrs }: WasmKernelArgs, columnBudget = DEFAULT_COLUMN_BUDGET): TensorInfo {
  const x = inputs['x'];
  const dy = inputs['dy'];
  if (!x || !dy) throw new Error('Conv2DBackpropFilter needs inputs x and dy');
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  if (info.dataFormat !== 'channelsLast') throw new Error(`Conv2DBackpropFilter on wasm supports channelsLast only, got ${info.dataFormat}`);
  const { batchSize, outHeight, outWidth, outChannels } = info;
  const taps = info.filterHeight * info.filterWidth * info.inChannels;
  const pixelsPerImage = outHeight * outWidth;
  const imagesPerChunk = Math.max(1, Math.min(batchSize, Math.floor(columnBudget / (taps * pixelsPerImage))));

  if (imagesPerChunk === batchSize) {
    const columns = im2colTransposed(backend, x, info, 0, batchSize);
    const product = runWasmKernel('BatchMatMul', backend,
      { a: columns, b: aliasShape(dy, [1, batchSize * pixelsPerImage, outChannels]) },
      { transposeA: false, transposeB: false });
    disposeIntermediate(backend, columns);
    return aliasShape(product, [...filterShape]);
  }

  const out = backend.makeOutput([...filterShape], 'float32');
  heapF32(backend, out).fill(0);
  for (let first = 0; first < batchSize; first += imagesPerChunk) {
    const count = Math.min(imagesPerChunk, batchSize - first);
    const columns = im2colTransposed(backend, x, info, first, count);
    const dyChunk = backend.makeOutput([1, count * pixelsPerImage, outChannels], 'float32');
    const rowFloats = pixelsPerImage * outChannels;
    heapF32(backend, dyChunk).set(heapF32(backend, dy).subarray(first * rowFloats, (first + count) * rowFloats));
    const product = runWasmKernel('BatchMatMul', backend, { a: columns, b: dyChunk }, { transposeA: false, transposeB: false });
    const sum = heapF32(backend, out);
    const part = heapF32(backend, product);
    for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) + (part[i] as number);
    for (const t of [columns, dyChunk, product]) disposeIntermediate(backend, t);
  }
  return out;
}

/** Columns [1, KH·KW·Cin, count·OH·OW] of images first..first+count-1; zero where the window leaves the image. */
function im2colTransposed(backend: BackendWasm, x: TensorInfo, info: backend_util.Conv2DInfo, first: number, count: number): TensorInfo {
  const { inHeight, inWidth, inChannels: channels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const pixels = count * outHeight * outWidth;
  const columns = backend.makeOutput([1, filterHeight * filterWidth * channels, pixels], 'float32');
  const col = heapF32(backend, columns);
  const src = heapF32(backend, x);
  for (let kh = 0; kh < filterHeight; kh++) {
    for (let kw = 0; kw < filterWidth; kw++) {
      const tapRow = (kh * filterWidth + kw) * channels;
      for (let n = 0; n < count; n++) {
        const imageBase = (first + n) * inHeight * inWidth * channels;
        for (let oh = 0; oh < outHeight; oh++) {
          const ih = oh * strideHeight + kh * dilationHeight - padTop;
          const pixelBase = (n * outHeight + oh) * outWidth;
          if (ih < 0 || ih >= inHeight) {
            for (let c = 0; c < channels; c++) col.fill(0, (tapRow + c) * pixels + pixelBase, (tapRow + c) * pixels + pixelBase + outWidth);
            continue;
          }
          const rowBase = imageBase + ih * inWidth * channels;
          for (let ow = 0; ow < outWidth; ow++) {
            const iw = ow * strideWidth + kw * dilationWidth - padLeft;
            let dst = tapRow * pixels + pixelBase + ow;
            if (iw < 0 || iw >= inWidth) {
              for (let c = 0; c < channels; c++, dst += pixels) col[dst] = 0;
              continue;
            }
            const s = rowBase + iw * channels;
            for (let c = 0; c < channels; c++, dst += pixels) col[dst] = src[s + c] as number;
          }
        }
      }
    }
  }
  return columns;
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: ((args: WasmKernelArgs) => conv2dBackpropFilter(args)) as unknown as KernelFunc,
};
