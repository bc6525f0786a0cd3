import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { BATCH_NORM_TRAINING_GRAD } from '../batch-norm-kernels.js';
import { CHANNEL_WORKGROUP, channelTile, flatDispatch, planChannelReduction, rowsAndChannels, type ChannelTile } from './channel-tile.js';

/** Lane tree summing two per-thread values in workgroup memory; lane 0 of each column ends with its column's sums. */
function laneSums(tile: ChannelTile): string {
  return `
    sharedA[t] = a;
    sharedB[t] = b;
    workgroupBarrier();
    for (var stride = ${tile.lanes >> 1}; stride > 0; stride = stride / 2) {
      if (lane < stride) {
        sharedA[t] = sharedA[t] + sharedA[t + stride * ${tile.columns}];
        sharedB[t] = sharedB[t] + sharedB[t + stride * ${tile.columns}];
      }
      workgroupBarrier();
    }
  `;
}

const sharedSums = `
  var<workgroup> sharedA : array<f32, ${CHANNEL_WORKGROUP}>;
  var<workgroup> sharedB : array<f32, ${CHANNEL_WORKGROUP}>;
`;

/**
 * Pass 1: per slice of rows and channel, Σdy and Σdy·x̂ with x̂ = (x − mean)·r. Same thread layout
 * as the moments' first pass. Output [slice, {Σdy, Σdy·x̂}, C].
 */
class GradPartialsProgram implements WebGPUProgram {
  readonly variableNames = ['x', 'dy', 'mean', 'variance'];
  readonly uniforms = 'rows : i32, channels : i32, sliceLength : i32, epsilon : f32,';
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
    this.shaderKey = `fermxBatchNormGradPartials_${tile.columns}`;
  }

  getUserCode(): string {
    const { columns, lanes } = this.tile;
    return `
      ${sharedSums}

      fn main() {
        let t = i32(localIndex);
        let lane = t / ${columns};
        let c = i32(workgroupId.x) * ${columns} + t % ${columns};
        let slice = i32(workgroupId.y);
        let rowEnd = min((slice + 1) * uniforms.sliceLength, uniforms.rows);
        var a = 0.0;
        var b = 0.0;
        if (c < uniforms.channels) {
          let mu = mean[c];
          let r = inverseSqrt(variance[c] + uniforms.epsilon);
          for (var row = slice * uniforms.sliceLength + lane; row < rowEnd; row += ${lanes}) {
            let i = row * uniforms.channels + c;
            let g = dy[i];
            a += g;
            b += g * (x[i] - mu);
          }
          b *= r;
        }
        ${laneSums(this.tile)}
        if (lane == 0 && c < uniforms.channels) {
          result[(slice * 2) * uniforms.channels + c] = sharedA[t];
          result[(slice * 2 + 1) * uniforms.channels + c] = sharedB[t];
        }
      }
    `;
  }
}

/** Pass 2: out[c] = Σ_s partials[s, which, c], lanes sharing the slice loop. */
class PartialChannelSumProgram implements WebGPUProgram {
  readonly variableNames = ['partials'];
  readonly uniforms = 'channels : i32, slices : i32,';
  readonly workgroupSize: [number, number, number] = [CHANNEL_WORKGROUP, 1, 1];
  readonly outputShape: number[];
  // A non-empty y: tfjs then calls main() (no flat global index); the shader indexes by workgroup.
  readonly dispatchLayout = { x: [] as number[], y: [0] };
  dispatch: [number, number, number];
  shaderKey: string;

  constructor(
    channels: number,
    private readonly tile: ChannelTile,
    private readonly which: 0 | 1,
  ) {
    this.outputShape = [channels];
    this.dispatch = [Math.ceil(channels / tile.columns), 1, 1];
    this.shaderKey = `fermxBatchNormPartialChannelSum_${tile.columns}_${which}`;
  }

  getUserCode(): string {
    const { columns, lanes } = this.tile;
    return `
      ${sharedSums}

      fn main() {
        let t = i32(localIndex);
        let lane = t / ${columns};
        let c = i32(workgroupId.x) * ${columns} + t % ${columns};
        var a = 0.0;
        let b = 0.0;
        if (c < uniforms.channels) {
          for (var s = lane; s < uniforms.slices; s += ${lanes}) {
            a += partials[(s * 2 + ${this.which}) * uniforms.channels + c];
          }
        }
        ${laneSums(this.tile)}
        if (lane == 0 && c < uniforms.channels) {
          result[c] = sharedA[t];
        }
      }
    `;
  }
}

/** Pass 3, elementwise: dx = γ·r·(dy − dOffset/M − x̂·dScale/M). */
class GradInputProgram implements WebGPUProgram {
  readonly variableNames: string[];
  readonly uniforms = 'channels : i32, count : f32, epsilon : f32,';
  readonly workgroupSize: [number, number, number] = [CHANNEL_WORKGROUP, 1, 1];
  readonly size = true;
  readonly outputShape: number[];
  readonly dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  shaderKey: string;

  constructor(
    shape: number[],
    private readonly scaled: boolean,
  ) {
    this.outputShape = shape;
    this.dispatchLayout = { x: shape.map((_, i) => i) };
    this.dispatch = flatDispatch(
      shape.reduce((p, d) => p * d, 1),
      CHANNEL_WORKGROUP,
    );
    this.variableNames = ['x', 'dy', 'mean', 'variance', 'dOffset', 'dScale', ...(scaled ? ['scale'] : [])];
    this.shaderKey = `fermxBatchNormGradInput_${scaled ? 'scaled' : 'unscaled'}`;
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let c = index % uniforms.channels;
          let r = inverseSqrt(variance[c] + uniforms.epsilon);
          let normalised = (x[index] - mean[c]) * r;
          let centred = dy[index] - dOffset[c] / uniforms.count - normalised * (dScale[c] / uniforms.count);
          setOutputAtIndex(index, ${this.scaled ? 'scale[c] * ' : ''}r * centred);
        }
      }
    `;
  }
}

/** Channels per workgroup in the second pass: 4 columns × 16 lanes share each channel's slices. */
const SUM_COLUMNS = 4;

interface GradInputs {
  x?: TensorInfo;
  mean?: TensorInfo;
  variance?: TensorInfo;
  scale?: TensorInfo;
  dy?: TensorInfo;
}

function checkedInputs(inputs: GradInputs): {
  x: TensorInfo;
  mean: TensorInfo;
  variance: TensorInfo;
  scale?: TensorInfo;
  dy: TensorInfo;
  rows: number;
  channels: number;
} {
  const { x, mean, variance, scale, dy } = inputs;
  for (const [name, tensor] of Object.entries({ x, mean, variance, dy })) {
    if (!tensor) throw new Error(`${BATCH_NORM_TRAINING_GRAD}: input ${name} is missing`);
  }
  const { rows, channels } = rowsAndChannels(x!.shape, BATCH_NORM_TRAINING_GRAD);
  if (dy!.shape.join(',') !== x!.shape.join(','))
    throw new Error(`${BATCH_NORM_TRAINING_GRAD}: dy shape [${dy!.shape.join(', ')}] differs from x shape [${x!.shape.join(', ')}]`);
  for (const [name, tensor] of Object.entries({ x, mean, variance, scale, dy })) {
    if (!tensor) continue;
    if (tensor.dtype !== 'float32') throw new Error(`${BATCH_NORM_TRAINING_GRAD}: ${name} must be float32, got ${tensor.dtype}`);
    if (name !== 'x' && name !== 'dy' && tensor.shape.reduce((a, b) => a * b, 1) !== channels) {
      throw new Error(`${BATCH_NORM_TRAINING_GRAD}: ${name} must hold one value per channel (${channels}), got shape [${tensor.shape.join(', ')}]`);
    }
  }
  return { x: x!, mean: mean!, variance: variance!, ...(scale ? { scale } : {}), dy: dy!, rows, channels };
}

/** FermxBatchNormTrainingGrad on webgpu: [dx, dScale, dOffset] in 4 dispatches (partials, two sums, dx). */
export function batchNormTrainingGradConfig(): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: { inputs: GradInputs; backend: WebGPUBackend; attrs: { varianceEpsilon?: number } }): TensorInfo[] => {
    const { x, mean, variance, scale, dy, rows, channels } = checkedInputs(inputs);
    const epsilon = attrs.varianceEpsilon;
    if (typeof epsilon !== 'number' || !(epsilon >= 0))
      throw new Error(`${BATCH_NORM_TRAINING_GRAD}: attr varianceEpsilon must be a number ≥ 0, got ${String(epsilon)}`);
    const tile = channelTile(channels);
    const plan = planChannelReduction(rows, channels, tile);
    const partials = backend.runWebGPUProgram(new GradPartialsProgram(plan.slices, channels, tile), [x, dy, mean, variance], 'float32', [
      { type: 'int32', data: [rows] },
      { type: 'int32', data: [channels] },
      { type: 'int32', data: [plan.sliceLength] },
      { type: 'float32', data: [epsilon] },
    ]);
    const sumTile = channelTile(channels, SUM_COLUMNS);
    const sumUniforms = [
      { type: 'int32', data: [channels] },
      { type: 'int32', data: [plan.slices] },
    ];
    const dOffset = backend.runWebGPUProgram(new PartialChannelSumProgram(channels, sumTile, 0), [partials], 'float32', sumUniforms);
    const dScale = backend.runWebGPUProgram(new PartialChannelSumProgram(channels, sumTile, 1), [partials], 'float32', sumUniforms);
    backend.disposeData(partials.dataId);
    const dx = backend.runWebGPUProgram(
      new GradInputProgram(x.shape, Boolean(scale)),
      [x, dy, mean, variance, dOffset, dScale, ...(scale ? [scale] : [])],
      'float32',
      [
        { type: 'int32', data: [channels] },
        { type: 'float32', data: [rows] },
        { type: 'float32', data: [epsilon] },
      ],
    );
    return [dx, dScale, dOffset];
  };
  return { kernelName: BATCH_NORM_TRAINING_GRAD, backendName: 'webgpu', kernelFunc: kernelFunc as unknown as KernelFunc };
}
