import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { BATCH_NORM_MOMENTS } from '../batch-norm-kernels.js';
import { CHANNEL_WORKGROUP, channelTile, planChannelReduction, rowsAndChannels, type ChannelTile } from './channel-tile.js';

/**
 * Chan et al.'s pairwise update of (count, mean, M2) held in workgroup memory: slot `into` absorbs
 * slot `other`. Combining means and squared deviations (not Σx and Σx²) keeps the variance
 * accurate when |mean| ≫ std, where Σx² − (Σx)²/n cancels away float32's digits.
 */
const chanCombine = `
  var<workgroup> sharedCount : array<f32, ${CHANNEL_WORKGROUP}>;
  var<workgroup> sharedMean : array<f32, ${CHANNEL_WORKGROUP}>;
  var<workgroup> sharedM2 : array<f32, ${CHANNEL_WORKGROUP}>;

  fn chanCombine(into : i32, other : i32) {
    let nB = sharedCount[other];
    if (nB == 0.0) {
      return;
    }
    let nA = sharedCount[into];
    let n = nA + nB;
    let delta = sharedMean[other] - sharedMean[into];
    sharedMean[into] = sharedMean[into] + delta * (nB / n);
    sharedM2[into] = sharedM2[into] + sharedM2[other] + delta * delta * (nA / n) * nB;
    sharedCount[into] = n;
  }
`;

/** Tree over a workgroup's lanes: lane 0 of each column ends with the column's combined moments. Uniform control flow (barriers). */
function laneTree(tile: ChannelTile): string {
  return `
    workgroupBarrier();
    for (var stride = ${tile.lanes >> 1}; stride > 0; stride = stride / 2) {
      if (lane < stride) {
        chanCombine(t, t + stride * ${tile.columns});
      }
      workgroupBarrier();
    }
  `;
}

/**
 * Pass 1: each workgroup takes `columns` channels of one slice of rows; each thread reads every
 * `lanes`-th row of its channel, summing deviations from the first value it reads (a shift that
 * keeps the float32 sums small), turns them into (count, mean, M2), and the workgroup combines
 * its lanes. Output [slice, {mean, M2}, C].
 */
class MomentsPartialsProgram implements WebGPUProgram {
  readonly variableNames = ['x'];
  readonly uniforms = 'rows : i32, channels : i32, sliceLength : i32,';
  readonly workgroupSize: [number, number, number] = [CHANNEL_WORKGROUP, 1, 1];
  readonly outputShape: number[];
  readonly dispatchLayout = { x: [2], y: [0] };
  dispatch: [number, number, number];
  shaderKey: string;

  constructor(
    slices: number,
    channels: number,
    private readonly tile: ChannelTile,
  ) {
    this.outputShape = [slices, 2, channels];
    this.dispatch = [Math.ceil(channels / tile.columns), slices, 1];
    this.shaderKey = `fermxBatchNormMomentsPartials_${tile.columns}`;
  }

  getUserCode(): string {
    const { columns, lanes } = this.tile;
    return `
      ${chanCombine}

      fn main() {
        let t = i32(localIndex);
        let lane = t / ${columns};
        let c = i32(workgroupId.x) * ${columns} + t % ${columns};
        let slice = i32(workgroupId.y);
        let rowEnd = min((slice + 1) * uniforms.sliceLength, uniforms.rows);
        var n = 0.0;
        var shift = 0.0;
        var s1 = 0.0;
        var s2 = 0.0;
        if (c < uniforms.channels) {
          let first = slice * uniforms.sliceLength + lane;
          if (first < rowEnd) {
            shift = x[first * uniforms.channels + c];
          }
          for (var r = first; r < rowEnd; r += ${lanes}) {
            let d = x[r * uniforms.channels + c] - shift;
            s1 += d;
            s2 += d * d;
            n += 1.0;
          }
        }
        sharedCount[t] = n;
        sharedMean[t] = 0.0;
        sharedM2[t] = 0.0;
        if (n > 0.0) {
          sharedMean[t] = shift + s1 / n;
          sharedM2[t] = max(s2 - s1 * (s1 / n), 0.0);
        }
        ${laneTree(this.tile)}
        if (lane == 0 && c < uniforms.channels) {
          result[(slice * 2) * uniforms.channels + c] = sharedMean[t];
          result[(slice * 2 + 1) * uniforms.channels + c] = sharedM2[t];
        }
      }
    `;
  }
}

/**
 * Pass 2: per channel, combines the slices' (mean, M2) (slice counts follow from the plan) and
 * writes the mean or the population variance. Narrow tiles: many lanes share the slice loop.
 */
class MomentsCombineProgram implements WebGPUProgram {
  readonly variableNames = ['partials'];
  readonly uniforms = 'rows : i32, channels : i32, sliceLength : i32, slices : i32,';
  readonly workgroupSize: [number, number, number] = [CHANNEL_WORKGROUP, 1, 1];
  readonly outputShape: number[];
  // A non-empty y: tfjs then calls main() (no flat global index); the shader indexes by workgroup.
  readonly dispatchLayout = { x: [] as number[], y: [0] };
  dispatch: [number, number, number];
  shaderKey: string;

  constructor(
    channels: number,
    private readonly tile: ChannelTile,
    private readonly output: 'mean' | 'variance',
  ) {
    this.outputShape = [channels];
    this.dispatch = [Math.ceil(channels / tile.columns), 1, 1];
    this.shaderKey = `fermxBatchNormMomentsCombine_${tile.columns}_${output}`;
  }

  getUserCode(): string {
    const { columns, lanes } = this.tile;
    return `
      ${chanCombine}

      fn main() {
        let t = i32(localIndex);
        let lane = t / ${columns};
        let c = i32(workgroupId.x) * ${columns} + t % ${columns};
        sharedCount[t] = 0.0;
        sharedMean[t] = 0.0;
        sharedM2[t] = 0.0;
        if (c < uniforms.channels) {
          for (var s = lane; s < uniforms.slices; s += ${lanes}) {
            // This thread's slot holds its running (count, mean, M2) and absorbs each slice.
            let nB = f32(min(uniforms.sliceLength, uniforms.rows - s * uniforms.sliceLength));
            let nA = sharedCount[t];
            let n = nA + nB;
            let delta = partials[(s * 2) * uniforms.channels + c] - sharedMean[t];
            sharedMean[t] = sharedMean[t] + delta * (nB / n);
            sharedM2[t] = sharedM2[t] + partials[(s * 2 + 1) * uniforms.channels + c] + delta * delta * (nA / n) * nB;
            sharedCount[t] = n;
          }
        }
        ${laneTree(this.tile)}
        if (lane == 0 && c < uniforms.channels) {
          result[c] = ${this.output === 'mean' ? 'sharedMean[t]' : 'sharedM2[t] / f32(uniforms.rows)'};
        }
      }
    `;
  }
}

/** Channels per workgroup in the combine pass: 4 columns × 16 lanes share each channel's slices. */
const COMBINE_COLUMNS = 4;

/** FermxBatchNormMoments on webgpu: x [..., C] → [mean, variance] over the leading axes, in 3 dispatches. */
export function batchNormMomentsConfig(): KernelConfig {
  const kernelFunc = ({ inputs, backend }: { inputs: { x?: TensorInfo }; backend: WebGPUBackend }): TensorInfo[] => {
    const { x } = inputs;
    if (!x) throw new Error(`${BATCH_NORM_MOMENTS}: input x is missing`);
    if (x.dtype !== 'float32') throw new Error(`${BATCH_NORM_MOMENTS}: x must be float32, got ${x.dtype}`);
    const { rows, channels } = rowsAndChannels(x.shape, BATCH_NORM_MOMENTS);
    const tile = channelTile(channels);
    const plan = planChannelReduction(rows, channels, tile);
    const partials = backend.runWebGPUProgram(new MomentsPartialsProgram(plan.slices, channels, tile), [x], 'float32', [
      { type: 'int32', data: [rows] },
      { type: 'int32', data: [channels] },
      { type: 'int32', data: [plan.sliceLength] },
    ]);
    const combineTile = channelTile(channels, COMBINE_COLUMNS);
    const uniforms = [
      { type: 'int32', data: [rows] },
      { type: 'int32', data: [channels] },
      { type: 'int32', data: [plan.sliceLength] },
      { type: 'int32', data: [plan.slices] },
    ];
    const mean = backend.runWebGPUProgram(new MomentsCombineProgram(channels, combineTile, 'mean'), [partials], 'float32', uniforms);
    const variance = backend.runWebGPUProgram(new MomentsCombineProgram(channels, combineTile, 'variance'), [partials], 'float32', uniforms);
    backend.disposeData(partials.dataId);
    return [mean, variance];
  };
  return { kernelName: BATCH_NORM_MOMENTS, backendName: 'webgpu', kernelFunc: kernelFunc as unknown as KernelFunc };
}
