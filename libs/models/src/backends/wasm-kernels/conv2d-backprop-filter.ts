import { backend_util, Conv2DBackpropFilter } from '@tensorflow/tfjs';
import type { Conv2DBackpropFilterAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { aliasShape, disposeIntermediate, heapF32, heapOffset, runWasmKernel, wholeHeapF32, type WasmKernelArgs } from './wasm-heap.js';
import { simdLoops } from './simd-module.js';

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
  // Splitting the product into cache-sized chunks measured no faster here (per-call XNNPACK setup
  // ate the gain), so chunks exist only to bound memory.
  const imagesPerChunk = Math.max(1, Math.min(batchSize, Math.floor(columnBudget / (taps * pixelsPerImage))));

  if (imagesPerChunk === batchSize) {
    const columns = im2colTransposed(backend, x, info, 0, batchSize);
    const product = runWasmKernel('BatchMatMul', backend,
      { a: columns, b: aliasShape(dy, [1, batchSize * pixelsPerImage, outChannels]) },
      { transposeA: false, transposeB: false });
    disposeIntermediate(backend, columns);
    return aliasShape(product, [...filterShape]);
  }

  const sum = new Float64Array(taps * outChannels);
  const rowFloats = pixelsPerImage * outChannels;
  for (let first = 0; first < batchSize; first += imagesPerChunk) {
    const count = Math.min(imagesPerChunk, batchSize - first);
    const columns = im2colTransposed(backend, x, info, first, count);
    const dyChunk = backend.makeOutput([1, count * pixelsPerImage, outChannels], 'float32');
    const heap = wholeHeapF32(backend);
    const dyAt = heapOffset(backend, dy) / 4 + first * rowFloats;
    heap.copyWithin(heapOffset(backend, dyChunk) / 4, dyAt, dyAt + count * rowFloats);
    const product = runWasmKernel('BatchMatMul', backend, { a: columns, b: dyChunk }, { transposeA: false, transposeB: false });
    const part = heapF32(backend, product);
    for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) + (part[i] as number);
    for (const t of [columns, dyChunk, product]) disposeIntermediate(backend, t);
  }
  const out = backend.makeOutput([...filterShape], 'float32');
  heapF32(backend, out).set(sum);
  return out;
}

/** Columns [1, KH·KW·Cin, count·OH·OW] of images first..first+count-1; zero where the window leaves the image. */
function im2colTransposed(backend: BackendWasm, x: TensorInfo, info: backend_util.Conv2DInfo, first: number, count: number): TensorInfo {
  const sameSize = info.strideHeight === 1 && info.strideWidth === 1 && info.dilationHeight === 1 && info.dilationWidth === 1 &&
    info.outHeight === info.inHeight && info.outWidth === info.inWidth;
  const pixels = count * info.inHeight * info.inWidth;
  if (sameSize && info.inChannels % 4 === 0 && pixels % 4 === 0) return shiftedPlanes(backend, x, info, first, count);
  return gatheredColumns(backend, x, info, first, count);
}

/**
 * Stride 1, output as large as the input ('same'): transpose x once to channel planes (SIMD),
 * then each tap's rows are the planes shifted by (kh − padTop)·W + (kw − padLeft): one memmove
 * per (tap, channel) plus zeroing the border pixels whose window leaves the image.
 */
function shiftedPlanes(backend: BackendWasm, x: TensorInfo, info: backend_util.Conv2DInfo, first: number, count: number): TensorInfo {
  const { inHeight: height, inWidth: width, inChannels: channels, filterHeight, filterWidth } = info;
  const pixels = count * height * width;
  const taps = filterHeight * filterWidth;
  const planes = taps === 1 ? backend.makeOutput([1, channels, pixels], 'float32') : backend.makeOutput([channels, pixels], 'float32');
  const columns = taps === 1 ? planes : backend.makeOutput([1, taps * channels, pixels], 'float32');
  simdLoops(backend).transpose(heapOffset(backend, x) + first * height * width * channels * 4, heapOffset(backend, planes), pixels, channels);
  if (taps === 1) return columns;
  const heap = wholeHeapF32(backend);
  const planesAt = heapOffset(backend, planes) / 4;
  const columnsAt = heapOffset(backend, columns) / 4;
  for (let kh = 0; kh < filterHeight; kh++) {
    for (let kw = 0; kw < filterWidth; kw++) {
      const dh = kh - info.padInfo.top;
      const dw = kw - info.padInfo.left;
      const shift = dh * width + dw;
      for (let c = 0; c < channels; c++) {
        const row = columnsAt + ((kh * filterWidth + kw) * channels + c) * pixels;
        const plane = planesAt + c * pixels;
        // row[p] = plane[p + shift] where that stays inside the batch, 0 past its ends.
        const from = Math.max(0, -shift);
        const to = Math.min(pixels, pixels - shift);
        heap.copyWithin(row + from, plane + from + shift, plane + to + shift);
        heap.fill(0, row, row + from);
        heap.fill(0, row + to, row + pixels);
        // Pixels whose tap falls outside their own image (above/below it, or across a row edge).
        for (let n = 0; n < count; n++) {
          const image = row + n * height * width;
          for (let h = 0; h < height; h++) {
            if (h + dh < 0 || h + dh >= height) {
              heap.fill(0, image + h * width, image + (h + 1) * width);
              continue;
            }
            for (let w = 0; w < -dw; w++) heap[image + h * width + w] = 0;
            for (let w = width - dw; w < width; w++) heap[image + h * width + w] = 0;
          }
        }
      }
    }
  }
  disposeIntermediate(backend, planes);
  return columns;
}

/** Any stride, padding or dilation: gather every column element in JS. */
function gatheredColumns(backend: BackendWasm, x: TensorInfo, info: backend_util.Conv2DInfo, first: number, count: number): TensorInfo {
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
