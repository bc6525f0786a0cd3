import * as tf from '@tensorflow/tfjs';
import { INPUT_SIZE, type ModelConfig } from './model-config.js';
import type { BuildOptions } from './build-options.js';
import { LayerFactory } from './layer-factory.js';
import { ResizeToRgb } from './resize-to-rgb.js';

type SymbolicTensor = tf.SymbolicTensor;

/**
 * Residual Masking Network (Pham, Vu & Tran 2020, shared/seeds/003): a ResNet whose four stages
 * are each followed by a masking block, a small U-Net over that stage's feature map whose output
 * M re-weights it as x·(1 + M). Two layouts:
 *
 * - `rmn-published`: the published one (ResNet34, masking blocks of depth 4, 3, 2, 1 whose
 *   channels double at every level, channel-softmax masks, 224×224×3 input) for GPUs. fermx's
 *   48×48 grey images are resized to 224×224 and repeated over three channels inside the model.
 *   The stem follows the authors' code (torchvision's 7×7/2 conv and 3×3/2 max-pool; the paper's
 *   text says a 3×3/2 conv and a 2×2 pool), so an ImageNet ResNet34 can initialise it.
 * - `rmn`: a reduction trainable on two CPU cores at 48×48×1: one residual block per stage at
 *   48, 24, 12 and 6 pixels (16, 32, 48, 64 channels), and masking blocks of one level that keep
 *   their stage's width instead of doubling it, with a sigmoid gate (an independent weight per
 *   position and channel, which a one-level mask can learn more easily than a softmax that makes
 *   channels compete). docs/MODELS.md lists the differences.
 */
export const RMN_WIDTHS = { stem: 16, stages: [16, 32, 48, 64] } as const;
export const RMN_PUBLISHED = { size: 224, stages: [64, 128, 256, 512], blocks: [3, 4, 6, 3], maskDepths: [4, 3, 2, 1] } as const;

/** ResNet's basic block: two 3×3 convs with BN, identity or 1×1 projection shortcut, ReLU after the sum. */
function basicBlock(f: LayerFactory, x: SymbolicTensor, filters: number, strides = 1, project = false): SymbolicTensor {
  const inChannels = x.shape.at(-1) as number;
  let y = f.convBnRelu(x, filters, { strides });
  y = f.bn(f.conv(y, filters));
  const shortcut = project || strides !== 1 || inChannels !== filters ? f.bn(f.conv(x, filters, { kernel: 1, strides })) : x;
  return f.relu(f.add(y, shortcut));
}

/** x·(1 + M) as x + x·M. */
function gate(x: SymbolicTensor, mask: SymbolicTensor): SymbolicTensor {
  const scaled = tf.layers.multiply().apply([x, mask]) as SymbolicTensor;
  return tf.layers.add().apply([x, scaled]) as SymbolicTensor;
}

/** 2×2 stride-2 transposed conv → BN → ReLU (the published masking blocks' up-sampling). */
function upPool(f: LayerFactory, x: SymbolicTensor, filters: number): SymbolicTensor {
  const up = tf.layers.conv2dTranspose({ filters, kernelSize: 2, strides: 2, padding: 'valid', kernelInitializer: f.kernelInitializer() }).apply(x) as SymbolicTensor;
  return f.relu(f.bn(up));
}

/**
 * The published masking block of `depth` levels over C channels: an encoder of basic blocks
 * widening to 2C, 4C, … with 2×2 max-pools between, a decoder of transposed convs and basic
 * blocks over the concatenated skips, a last block back to C, and a softmax over channels.
 */
function publishedMask(f: LayerFactory, x: SymbolicTensor, depth: number): SymbolicTensor {
  const channels = x.shape.at(-1) as number;
  const skips: SymbolicTensor[] = [];
  let y = x;
  for (let level = 1; level <= depth; level++) {
    if (level > 1) y = f.maxPool(y, 2, 2);
    y = basicBlock(f, y, channels * 2 ** level, 1, true);
    skips.push(y);
  }
  for (let level = depth - 1; level >= 1; level--) {
    y = upPool(f, y, channels * 2 ** level);
    y = tf.layers.concatenate().apply([y, skips[level - 1]!]) as SymbolicTensor;
    y = basicBlock(f, y, channels * 2 ** level, 1, true);
  }
  y = basicBlock(f, y, channels, 1, true);
  return tf.layers.softmax({ axis: -1 }).apply(y) as SymbolicTensor;
}

/**
 * The reduced masking block: 3×3 conv to C/2, 2×2 max-pool, 3×3 conv, nearest up-sampling,
 * concatenation with the pre-pool features, 1×1 conv back to C, sigmoid.
 */
function reducedMask(f: LayerFactory, x: SymbolicTensor): SymbolicTensor {
  const channels = x.shape.at(-1) as number;
  const half = Math.max(1, Math.round(channels / 2));
  const skip = f.convBnRelu(x, half);
  let y = f.convBnRelu(f.maxPool(skip, 2, 2), half);
  y = tf.layers.upSampling2d({ size: [2, 2] }).apply(y) as SymbolicTensor;
  y = tf.layers.concatenate().apply([y, skip]) as SymbolicTensor;
  y = f.bn(f.conv(y, channels, { kernel: 1 }));
  return tf.layers.activation({ activation: 'sigmoid' }).apply(y) as SymbolicTensor;
}

export function buildRmn(config: ModelConfig, options: BuildOptions = {}): tf.LayersModel {
  const f = new LayerFactory(config.width ?? 1, options);
  const input = tf.input({ shape: [INPUT_SIZE, INPUT_SIZE, 1] });
  let x = f.convBnRelu(input, f.channels(RMN_WIDTHS.stem));
  RMN_WIDTHS.stages.forEach((width, stage) => {
    x = basicBlock(f, x, f.channels(width), stage === 0 ? 1 : 2);
    x = gate(x, reducedMask(f, x));
  });
  x = f.globalAveragePool(x);
  x = f.dropout(x, config.dropout);
  return tf.model({ inputs: input, outputs: f.softmaxDense(x, config.numClasses), name: 'rmn' });
}

export function buildPublishedRmn(config: ModelConfig, options: BuildOptions = {}): tf.LayersModel {
  const f = new LayerFactory(config.width ?? 1, options);
  const input = tf.input({ shape: [INPUT_SIZE, INPUT_SIZE, 1] });
  const rgb = new ResizeToRgb({ size: RMN_PUBLISHED.size }).apply(input) as SymbolicTensor;
  let x = f.relu(f.bn(f.conv(rgb, f.channels(64), { kernel: 7, strides: 2 })));
  x = f.maxPool(x, 3, 2);
  RMN_PUBLISHED.stages.forEach((width, stage) => {
    for (let block = 0; block < RMN_PUBLISHED.blocks[stage]!; block++) x = basicBlock(f, x, f.channels(width), stage > 0 && block === 0 ? 2 : 1);
    x = gate(x, publishedMask(f, x, RMN_PUBLISHED.maskDepths[stage]!));
  });
  x = f.globalAveragePool(x);
  x = f.dropout(x, config.dropout);
  return tf.model({ inputs: input, outputs: f.softmaxDense(x, config.numClasses), name: 'rmn-published' });
}
