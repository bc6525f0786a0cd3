import { backend_util, Conv2DBackpropFilter } from '@tensorflow/tfjs';
import type { Conv2DBackpropFilterAttrs, Conv2DBackpropFilterInputs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { PartialSumProgram } from './partial-sum-program.js';
import { planReduction } from './reduction-plan.js';

/** Positions per shared-memory step, and threads per workgroup (each owns a 4×4 block of the output tile). */
const DEPTH = 16;
const THREADS = 64;

/** Output tile (filter rows k × output channels) per workgroup: 32×32, or 64×16 when there are few output channels (stems, pointwise into 16). */
function tileFor(outC: number): { rows: number; columns: number } {
  return outC <= 16 ? { rows: 64, columns: 16 } : { rows: 32, columns: 32 };
}

/**
 * dW[k, co] = Σ_m X[m, k] · dY[m, co] with k = (kh, kw, ci) and m = (n, oh, ow): a GEMM whose
 * inner dimension is every output position. Each workgroup computes one tile of dW over one
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
  shaderKey: string;

  constructor(
    slices: number,
    kSize: number,
    outC: number,
    private readonly tile: { rows: number; columns: number },
  ) {
    this.outputShape = [slices, kSize, outC];
    this.dispatch = [Math.ceil(outC / tile.columns), Math.ceil(kSize / tile.rows), slices];
    this.shaderKey = `fermxConv2DFilterPartials_${tile.rows}x${tile.columns}`;
  }

  getUserCode(): string {
    const { rows, columns } = this.tile;
    // Loads: thread t fills column t % width of a tile, every (64 / width)-th row. Math: thread t
    // owns a 4×4 block: k rows 4·(t / (columns / 4))…, co columns 4·(t % (columns / 4))….
    // The step loop runs a uniform count (workgroupBarrier needs uniform control flow); rows past
    // the slice's end load zeros.
    return `
      var<workgroup> tileX : array<array<f32, ${rows}>, ${DEPTH}>;
      var<workgroup> tileDy : array<array<f32, ${columns}>, ${DEPTH}>;

      fn positionOf(m : i32) -> vec3<i32> {
        let ow = m % uniforms.outW;
        let rest = m / uniforms.outW;
        return vec3<i32>(rest / uniforms.outH, rest % uniforms.outH, ow);
      }

      fn main() {
        let t = i32(localIndex);
        let co0 = i32(workgroupId.x) * ${columns};
        let k0 = i32(workgroupId.y) * ${rows};
        let slice = i32(workgroupId.z);
        let mStart = slice * uniforms.sliceLength;
        let mEnd = min(mStart + uniforms.sliceLength, uniforms.positions);

        let xColumn = t % ${rows};
        let xFirstRow = t / ${rows};
        let k = k0 + xColumn;
        let kValid = k < uniforms.kSize;
        let ci = k % uniforms.inC;
        let tap = k / uniforms.inC;
        let kh = tap / uniforms.filterW;
        let kw = tap % uniforms.filterW;
        let dyColumn = t % ${columns};
        let dyFirstRow = t / ${columns};
        let co = co0 + dyColumn;
        let coValid = co < uniforms.outC;

        let rowBase = (t / ${columns / 4}) * 4;
        let colBase = (t % ${columns / 4}) * 4;
        var acc : array<vec4<f32>, 4>;

        let steps = (uniforms.sliceLength + ${DEPTH - 1}) / ${DEPTH};
        for (var step = 0; step < steps; step++) {
          let m0 = mStart + step * ${DEPTH};
          for (var row = xFirstRow; row < ${DEPTH}; row += ${THREADS / rows}) {
            let m = m0 + row;
            var value = 0.0;
            if (m < mEnd && kValid) {
              let p = positionOf(m);
              let ih = p.y * uniforms.strideH - uniforms.padTop + kh;
              let iw = p.z * uniforms.strideW - uniforms.padLeft + kw;
              if (ih >= 0 && ih < uniforms.inH && iw >= 0 && iw < uniforms.inW) {
                value = x[((p.x * uniforms.inH + ih) * uniforms.inW + iw) * uniforms.inC + ci];
              }
            }
            tileX[row][xColumn] = value;
          }
          for (var row = dyFirstRow; row < ${DEPTH}; row += ${THREADS / columns}) {
            let m = m0 + row;
            var value = 0.0;
            if (m < mEnd && coValid) {
              value = dy[m * uniforms.outC + co];
            }
            tileDy[row][dyColumn] = value;
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
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const kSize = info.filterHeight * info.filterWidth * info.inChannels;
    const positions = info.batchSize * info.outHeight * info.outWidth;
    const tile = tileFor(info.outChannels);
    const tiles = Math.ceil(kSize / tile.rows) * Math.ceil(info.outChannels / tile.columns);
    const plan = planReduction(positions, tiles * THREADS, 4 * DEPTH, DEPTH);
    const partials = backend.runWebGPUProgram(new Conv2DFilterPartialsProgram(plan.slices, kSize, info.outChannels, tile), [x, dy], 'float32', [
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
