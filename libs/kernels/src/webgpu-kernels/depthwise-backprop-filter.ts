import { backend_util, DepthwiseConv2dNativeBackpropFilter } from '@tensorflow/tfjs';
import type {
  DepthwiseConv2dNativeBackpropFilterAttrs,
  DepthwiseConv2dNativeBackpropFilterInputs,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { PartialSumProgram } from './partial-sum-program.js';
import { planReduction } from './reduction-plan.js';

const THREADS = 64;

/**
 * dW[kh, kw, ci, q] = Σ_m x[n, oh·s + kh − pad, ow·s + kw − pad, ci] · dy[n, oh, ow, ci·Q + q].
 * One thread per output channel and slice of positions, holding every filter tap in registers:
 * it reads dy once per position and the taps' x values, which neighbouring threads (neighbouring
 * channels) read from neighbouring addresses. Partials go to [slice, tap, channel].
 */
class DepthwiseFilterPartialsProgram implements WebGPUProgram {
  readonly variableNames = ['x', 'dy'];
  readonly uniforms =
    'inH : i32, inW : i32, inC : i32, outH : i32, outW : i32, outC : i32, multiplier : i32, strideH : i32, strideW : i32, padTop : i32, padLeft : i32, positions : i32, sliceLength : i32,';
  readonly workgroupSize: [number, number, number] = [THREADS, 1, 1];
  readonly outputShape: number[];
  readonly dispatchLayout = { x: [2], y: [0], z: [1] };
  dispatch: [number, number, number];
  shaderKey: string;

  constructor(
    slices: number,
    private readonly filterH: number,
    private readonly filterW: number,
    outC: number,
  ) {
    this.outputShape = [slices, filterH * filterW, outC];
    this.dispatch = [Math.ceil(outC / THREADS), slices, 1];
    this.shaderKey = `fermxDepthwiseFilterPartials_${filterH}x${filterW}`;
  }

  getUserCode(): string {
    const taps = this.filterH * this.filterW;
    return `
      fn main() {
        let co = i32(globalId.x);
        let slice = i32(workgroupId.y);
        if (co >= uniforms.outC) {
          return;
        }
        let ci = co / uniforms.multiplier;
        let mStart = slice * uniforms.sliceLength;
        let mEnd = min(mStart + uniforms.sliceLength, uniforms.positions);

        var acc : array<f32, ${taps}>;
        var ow = mStart % uniforms.outW;
        var oh = (mStart / uniforms.outW) % uniforms.outH;
        var n = mStart / (uniforms.outW * uniforms.outH);
        for (var m = mStart; m < mEnd; m++) {
          let g = dy[m * uniforms.outC + co];
          let ih0 = oh * uniforms.strideH - uniforms.padTop;
          let iw0 = ow * uniforms.strideW - uniforms.padLeft;
          for (var kh = 0; kh < ${this.filterH}; kh++) {
            let ih = ih0 + kh;
            if (ih < 0 || ih >= uniforms.inH) {
              continue;
            }
            let rowBase = (n * uniforms.inH + ih) * uniforms.inW;
            for (var kw = 0; kw < ${this.filterW}; kw++) {
              let iw = iw0 + kw;
              if (iw < 0 || iw >= uniforms.inW) {
                continue;
              }
              acc[kh * ${this.filterW} + kw] += x[(rowBase + iw) * uniforms.inC + ci] * g;
            }
          }
          ow++;
          if (ow == uniforms.outW) {
            ow = 0;
            oh++;
            if (oh == uniforms.outH) {
              oh = 0;
              n++;
            }
          }
        }
        for (var tap = 0; tap < ${taps}; tap++) {
          result[(slice * ${taps} + tap) * uniforms.outC + co] = acc[tap];
        }
      }
    `;
  }
}

/** DepthwiseConv2dNativeBackpropFilter for dilation 1 (NHWC is the only layout tfjs has); dilated cases go to `fallback`. */
export function depthwiseBackpropFilterConfig(fallback: KernelFunc): KernelConfig {
  const kernelFunc = (args: {
    inputs: DepthwiseConv2dNativeBackpropFilterInputs;
    backend: WebGPUBackend;
    attrs: DepthwiseConv2dNativeBackpropFilterAttrs;
  }): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs;
    const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, dilations, pad, dimRoundingMode, true);
    if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return fallback(args as never) as TensorInfo;
    const positions = info.batchSize * info.outHeight * info.outWidth;
    const plan = planReduction(positions, Math.ceil(info.outChannels / THREADS) * THREADS, 16);
    const program = new DepthwiseFilterPartialsProgram(plan.slices, info.filterHeight, info.filterWidth, info.outChannels);
    const partials = backend.runWebGPUProgram(program, [x, dy], 'float32', [
      { type: 'int32', data: [info.inHeight] },
      { type: 'int32', data: [info.inWidth] },
      { type: 'int32', data: [info.inChannels] },
      { type: 'int32', data: [info.outHeight] },
      { type: 'int32', data: [info.outWidth] },
      { type: 'int32', data: [info.outChannels] },
      { type: 'int32', data: [info.outChannels / info.inChannels] },
      { type: 'int32', data: [info.strideHeight] },
      { type: 'int32', data: [info.strideWidth] },
      { type: 'int32', data: [info.padInfo.top] },
      { type: 'int32', data: [info.padInfo.left] },
      { type: 'int32', data: [positions] },
      { type: 'int32', data: [plan.sliceLength] },
    ]);
    const result = backend.runWebGPUProgram(new PartialSumProgram(filterShape), [partials], 'float32', [{ type: 'int32', data: [plan.slices] }]);
    backend.disposeData(partials.dataId);
    return result;
  };
  return { kernelName: DepthwiseConv2dNativeBackpropFilter, backendName: 'webgpu', kernelFunc: kernelFunc as unknown as KernelFunc };
}
