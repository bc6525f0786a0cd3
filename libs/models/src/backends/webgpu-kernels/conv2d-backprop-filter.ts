import { backend_util, Conv2DBackpropFilter } from '@tensorflow/tfjs';
import type { Conv2DBackpropFilterAttrs, Conv2DBackpropFilterInputs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { PartialSumProgram } from './partial-sum-program.js';
import { planReduction } from './reduction-plan.js';

/** Output tile (filter rows k × output channels) per workgroup, and positions per shared-memory step. */
const TILE = 32;
const DEPTH = 16;
const THREADS = 64;

/**
 * dW[k, co] = Σ_m X[m, k] · dY[m, co] with k = (kh, kw, ci) and m = (n, oh, ow): a GEMM whose
 * inner dimension is every output position. Each workgroup computes a 32×32 tile of dW over one
 * slice of positions, gathering the im2col rows of x on the fly into workgroup memory (no im2col
 * buffer), and writes a partial; PartialSumProgram adds the slices.
 */
class Conv2DFilterPartialsProgram implements WebGPUProgram {
  readonly variableNames = ['x', 'dy'];
  readonly uniforms =
    'inH : i32, inW : i32, inC : i32, outH : i32, outW : i32, outC : i32, filterW : i32, strideH : i32, strideW : i32, padTop : i32, padLeft : i32, kSize : i32, positions : i32, sliceLength : i32,';
  readonly workgroupSize: [number, number, number] = [THREADS, 1, 1];
  readonly outputShape: number[];
  readonly dispatchLayout = { x: [2], y: [1], z: [0] };
  dispatch: [number, number, number];
  shaderKey = 'fermxConv2DFilterPartials';

  constructor(slices: number, kSize: number, outC: number) {
    this.outputShape = [slices, kSize, outC];
    this.dispatch = [Math.ceil(outC / TILE), Math.ceil(kSize / TILE), slices];
  }

  getUserCode(): string {
    // Loads: thread t fills column t % 32 of both tiles, rows t / 32 + 2i. Math: thread t owns
    // k rows 4·(t / 8)… and co columns 4·(t % 8)…, a 4×4 block of the 32×32 tile.
    // The step loop runs a uniform count (workgroupBarrier needs uniform control flow); rows past
    // the slice's end load zeros.
    return `
      var<workgroup> tileX : array<array<f32, ${TILE}>, ${DEPTH}>;
      var<workgroup> tileDy : array<array<f32, ${TILE}>, ${DEPTH}>;

      fn main() {
        let t = i32(localIndex);
        let co0 = i32(workgroupId.x) * ${TILE};
        let k0 = i32(workgroupId.y) * ${TILE};
        let slice = i32(workgroupId.z);
        let mStart = slice * uniforms.sliceLength;
        let mEnd = min(mStart + uniforms.sliceLength, uniforms.positions);

        let column = t % ${TILE};
        let firstRow = t / ${TILE};
        let k = k0 + column;
        let kValid = k < uniforms.kSize;
        let ci = k % uniforms.inC;
        let tap = k / uniforms.inC;
        let kh = tap / uniforms.filterW;
        let kw = tap % uniforms.filterW;
        let co = co0 + column;
        let coValid = co < uniforms.outC;

        let rowBase = (t / 8) * 4;
        let colBase = (t % 8) * 4;
        var acc : array<vec4<f32>, 4>;

        let steps = (uniforms.sliceLength + ${DEPTH - 1}) / ${DEPTH};
        for (var step = 0; step < steps; step++) {
          let m0 = mStart + step * ${DEPTH};
          for (var i = 0; i < ${DEPTH / (THREADS / TILE)}; i++) {
            let row = firstRow + ${THREADS / TILE} * i;
            let m = m0 + row;
            var xValue = 0.0;
            var dyValue = 0.0;
            if (m < mEnd) {
              let ow = m % uniforms.outW;
              let rest = m / uniforms.outW;
              let oh = rest % uniforms.outH;
              let n = rest / uniforms.outH;
              if (coValid) {
                dyValue = dy[m * uniforms.outC + co];
              }
              let ih = oh * uniforms.strideH - uniforms.padTop + kh;
              let iw = ow * uniforms.strideW - uniforms.padLeft + kw;
              if (kValid && ih >= 0 && ih < uniforms.inH && iw >= 0 && iw < uniforms.inW) {
                xValue = x[((n * uniforms.inH + ih) * uniforms.inW + iw) * uniforms.inC + ci];
              }
            }
            tileX[row][column] = xValue;
            tileDy[row][column] = dyValue;
          }
          workgroupBarrier();
          for (var row = 0; row < ${DEPTH}; row++) {
            let g = vec4<f32>(tileDy[row][colBase], tileDy[row][colBase + 1], tileDy[row][colBase + 2], tileDy[row][colBase + 3]);
            for (var i = 0; i < 4; i++) {
              acc[i] += tileX[row][rowBase + i] * g;
            }
          }
          workgroupBarrier();
        }

        for (var i = 0; i < 4; i++) {
          let kk = k0 + rowBase + i;
          if (kk < uniforms.kSize) {
            for (var j = 0; j < 4; j++) {
              let cc = co0 + colBase + j;
              if (cc < uniforms.outC) {
                result[(slice * uniforms.kSize + kk) * uniforms.outC + cc] = acc[i][j];
              }
            }
          }
        }
      }
    `;
  }
}

/** Conv2DBackpropFilter for NHWC with dilation 1 (what Conv2D's gradient asks for); other layouts go to `fallback`. */
export function conv2dBackpropFilterConfig(fallback: KernelFunc): KernelConfig {
  const kernelFunc = (args: { inputs: Conv2DBackpropFilterInputs; backend: WebGPUBackend; attrs: Conv2DBackpropFilterAttrs }): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
    if (backend_util.convertConv2DDataFormat(dataFormat) !== 'channelsLast') return fallback(args as never) as TensorInfo;
    const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
    const kSize = info.filterHeight * info.filterWidth * info.inChannels;
    const positions = info.batchSize * info.outHeight * info.outWidth;
    const tiles = Math.ceil(kSize / TILE) * Math.ceil(info.outChannels / TILE);
    const plan = planReduction(positions, tiles * THREADS, 4 * DEPTH, DEPTH);
    const partials = backend.runWebGPUProgram(new Conv2DFilterPartialsProgram(plan.slices, kSize, info.outChannels), [x, dy], 'float32', [
      { type: 'int32', data: [info.inHeight] },
      { type: 'int32', data: [info.inWidth] },
      { type: 'int32', data: [info.inChannels] },
      { type: 'int32', data: [info.outHeight] },
      { type: 'int32', data: [info.outWidth] },
      { type: 'int32', data: [info.outChannels] },
      { type: 'int32', data: [info.filterWidth] },
      { type: 'int32', data: [info.strideHeight] },
      { type: 'int32', data: [info.strideWidth] },
      { type: 'int32', data: [info.padInfo.top] },
      { type: 'int32', data: [info.padInfo.left] },
      { type: 'int32', data: [kSize] },
      { type: 'int32', data: [positions] },
      { type: 'int32', data: [plan.sliceLength] },
    ]);
    const result = backend.runWebGPUProgram(new PartialSumProgram(filterShape), [partials], 'float32', [{ type: 'int32', data: [plan.slices] }]);
    backend.disposeData(partials.dataId);
    return result;
  };
  return { kernelName: Conv2DBackpropFilter, backendName: 'webgpu', kernelFunc: kernelFunc as unknown as KernelFunc };
}
