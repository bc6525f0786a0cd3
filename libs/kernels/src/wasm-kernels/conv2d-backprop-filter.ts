import { backend_util, Conv2DBackpropFilter, env } from '@tensorflow/tfjs';
import type { Conv2DBackpropFilterAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { aliasShape, disposeIntermediate, heapF32, heapOffset, runWasmKernel, wholeHeapF32, type WasmKernelArgs } from './wasm-heap.js';
import { simdLoops } from './simd-module.js';

/**
 * tfjs flag: false sends every filter gradient through im2col + XNNPACK (the earlier kernel), for
 * comparisons (`tf.env().set(DIRECT_FILTER_GRADIENT_FLAG, false)`).
 */
export const DIRECT_FILTER_GRADIENT_FLAG = 'FERMX_WASM_DIRECT_FILTER_GRADIENT';
env().registerFlag(DIRECT_FILTER_GRADIENT_FLAG, () => true);

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
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  if (info.dataFormat !== 'channelsLast') throw new Error(`Conv2DBackpropFilter on wasm supports channelsLast only, got ${info.dataFormat}`);
  const direct = info.inChannels % 4 === 0 && info.outChannels % 8 === 0 && info.dilationHeight === 1 && info.dilationWidth === 1;
  if (direct && env().getBool(DIRECT_FILTER_GRADIENT_FLAG)) {
    return directFilterGradient(backend, x, dy, info, [...filterShape]);
  }
  const singleChannel = info.inChannels === 1 && info.outChannels % 8 === 0 && info.strideWidth === 1 && info.dilationHeight === 1 && info.dilationWidth === 1;
  if (singleChannel && env().getBool(DIRECT_FILTER_GRADIENT_FLAG)) {
    return singleChannelFilterGradient(backend, x, dy, info, [...filterShape]);
  }
  const { batchSize, outHeight, outWidth, outChannels } = info;
  const taps = info.filterHeight * info.filterWidth * info.inChannels;
  const pixelsPerImage = outHeight * outWidth;
  // Splitting the product into cache-sized chunks measured no faster here (per-call XNNPACK setup
  // ate the gain), so chunks exist only to bound memory.
  const imagesPerChunk = Math.max(1, Math.min(batchSize, Math.floor(columnBudget / (taps * pixelsPerImage))));

  if (imagesPerChunk === batchSize) {
    const columns = im2colTransposed(backend, x, info, 0, batchSize);
    const product = runWasmKernel(
      'BatchMatMul',
      backend,
      { a: columns, b: aliasShape(dy, [1, batchSize * pixelsPerImage, outChannels]) },
      { transposeA: false, transposeB: false },
    );
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

/** Pixels summed in float32 (by SIMD) before their partial gradient is added to the float64 totals. */
const PIXELS_PER_PARTIAL_SUM = 2048;
/** Pixels of a 1×1 convolution's run handled at once: both operands' rows stay in L1/L2 across the register tiles. */
const PIXELS_PER_RUN = 256;

/**
 * dW[kh, kw, ci, co] = Σ x[n, oh·s + kh − pad, ow·s + kw − pad, ci] · dy[n, oh, ow, co], straight
 * from the channels-last tensors: for every (image, output row, tap) the valid output pixels form
 * one run whose x pixels are evenly spaced, and a SIMD loop accumulates the run's outer products
 * in 4×8 register tiles. No im2col, no transposes, no XNNPACK weight packing (which for this
 * shape — a tiny output from a huge reduction — re-streamed both operands from memory per tile).
 */
function directFilterGradient(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo, filterShape: number[]): TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top: padTop, left: padLeft } = info.padInfo;
  const size = filterHeight * filterWidth * inChannels * outChannels;
  const partial = backend.makeOutput([size], 'float32');
  const out = backend.makeOutput(filterShape, 'float32');
  const loops = simdLoops(backend);
  const totals = new Float64Array(size);
  const xAt = heapOffset(backend, x);
  const dyAt = heapOffset(backend, dy);
  const accAt = heapOffset(backend, partial);
  const tapBytes = inChannels * outChannels * 4;
  const xPixelBytes = inChannels * 4;
  const dyPixelBytes = outChannels * 4;
  let pending = 0;
  const flush = (): void => {
    const acc = heapF32(backend, partial);
    for (let i = 0; i < size; i++) totals[i] = (totals[i] as number) + (acc[i] as number);
    acc.fill(0);
    pending = 0;
  };
  heapF32(backend, partial).fill(0);

  const pointwise =
    filterHeight === 1 &&
    filterWidth === 1 &&
    strideHeight === 1 &&
    strideWidth === 1 &&
    padTop === 0 &&
    padLeft === 0 &&
    outHeight === inHeight &&
    outWidth === inWidth;
  if (pointwise) {
    // Every pixel of the batch pairs with the same pixel of x: one long run, cut for the caches.
    const pixels = batchSize * inHeight * inWidth;
    for (let first = 0; first < pixels; first += PIXELS_PER_RUN) {
      const count = Math.min(PIXELS_PER_RUN, pixels - first);
      loops.outerAccumulate(accAt, xAt + first * xPixelBytes, dyAt + first * dyPixelBytes, count, xPixelBytes, inChannels, outChannels);
      pending += count;
      if (pending >= PIXELS_PER_PARTIAL_SUM) flush();
    }
  } else {
    for (let n = 0; n < batchSize; n++) {
      for (let oh = 0; oh < outHeight; oh++) {
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = oh * strideHeight + kh - padTop;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw++) {
            // Output columns whose input column iw = ow·s + kw − padLeft lies inside the image.
            const from = Math.max(0, Math.ceil((padLeft - kw) / strideWidth));
            const to = Math.min(outWidth, Math.floor((inWidth - 1 + padLeft - kw) / strideWidth) + 1);
            if (to <= from) continue;
            const iw = from * strideWidth + kw - padLeft;
            loops.outerAccumulate(
              accAt + (kh * filterWidth + kw) * tapBytes,
              xAt + ((n * inHeight + ih) * inWidth + iw) * xPixelBytes,
              dyAt + ((n * outHeight + oh) * outWidth + from) * dyPixelBytes,
              to - from,
              strideWidth * xPixelBytes,
              inChannels,
              outChannels,
            );
          }
        }
        pending += outWidth;
        if (pending >= PIXELS_PER_PARTIAL_SUM) flush();
      }
    }
  }
  if (pending > 0) flush();
  heapF32(backend, out).set(totals);
  disposeIntermediate(backend, partial);
  return out;
}

/**
 * One input channel (the grayscale stems), stride 1 along rows: the KW taps of one output pixel
 * read KW consecutive floats of an x row, so they act as the "input channels" of
 * outerAccumulate (rounded up to 4; the extra sums are dropped). x is first copied with
 * zero-padded rows so windows that leave the image read zeros.
 */
function singleChannelFilterGradient(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo, filterShape: number[]): TensorInfo {
  const { batchSize, inHeight, inWidth, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight } = info;
  const { top: padTop, left: padLeft } = info.padInfo;
  const lanes = Math.ceil(filterWidth / 4) * 4;
  // Row r of the padded copy holds x row r at offset padLeft, zeros around; long enough for the
  // last output pixel's `lanes` reads.
  const rowFloats = Math.max(inWidth + padLeft, outWidth + lanes - 1) + 1;
  const padded = backend.makeOutput([batchSize * inHeight * rowFloats], 'float32');
  const partial = backend.makeOutput([filterHeight * lanes * outChannels], 'float32');
  const out = backend.makeOutput(filterShape, 'float32');
  const heap = wholeHeapF32(backend);
  const xAt = heapOffset(backend, x) / 4;
  const paddedAt = heapOffset(backend, padded) / 4;
  heap.fill(0, paddedAt, paddedAt + batchSize * inHeight * rowFloats);
  for (let row = 0; row < batchSize * inHeight; row++) {
    heap.copyWithin(paddedAt + row * rowFloats + padLeft, xAt + row * inWidth, xAt + (row + 1) * inWidth);
  }
  const loops = simdLoops(backend);
  const partialAt = heapOffset(backend, partial);
  const dyAt = heapOffset(backend, dy);
  const tapBytes = lanes * outChannels * 4;
  const totals = new Float64Array(filterHeight * lanes * outChannels);
  const sums = heapF32(backend, partial);
  sums.fill(0);
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let kh = 0; kh < filterHeight; kh++) {
        const ih = oh * strideHeight + kh - padTop;
        if (ih < 0 || ih >= inHeight) continue;
        loops.outerAccumulate(
          partialAt + kh * tapBytes,
          (paddedAt + (n * inHeight + ih) * rowFloats) * 4,
          dyAt + (n * outHeight + oh) * outWidth * outChannels * 4,
          outWidth,
          4,
          lanes,
          outChannels,
        );
      }
    }
    // Per image, float32 sums go to the float64 totals.
    for (let i = 0; i < totals.length; i++) totals[i] = (totals[i] as number) + (sums[i] as number);
    sums.fill(0);
  }
  const result = heapF32(backend, out);
  for (let kh = 0; kh < filterHeight; kh++) {
    for (let kw = 0; kw < filterWidth; kw++) {
      result.set(totals.subarray((kh * lanes + kw) * outChannels, (kh * lanes + kw + 1) * outChannels), (kh * filterWidth + kw) * outChannels);
    }
  }
  disposeIntermediate(backend, padded);
  disposeIntermediate(backend, partial);
  return out;
}

/** Columns [1, KH·KW·Cin, count·OH·OW] of images first..first+count-1; zero where the window leaves the image. */
function im2colTransposed(backend: BackendWasm, x: TensorInfo, info: backend_util.Conv2DInfo, first: number, count: number): TensorInfo {
  const sameSize =
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    info.outHeight === info.inHeight &&
    info.outWidth === info.inWidth;
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
  const {
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
