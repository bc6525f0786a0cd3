import type * as tf from '@tensorflow/tfjs';
import { ARCHITECTURES, type Architecture, type ModelConfig } from './model-config.js';
import { buildModel } from './build-model.js';

export interface ModelSummary {
  architecture: Architecture;
  numClasses: number;
  parameters: number;
  trainableParameters: number;
  /** Multiply-accumulates of conv/dense layers for one 48×48×1 image (1 MAC = 1 FLOP here). */
  flopsPerImage: number;
}

function product(values: readonly (number | null)[]): number {
  return values.reduce<number>((acc, v) => acc * (v ?? 1), 1);
}

/** Spatial size (H·W) of a layer's output. */
function outputArea(layer: tf.layers.Layer): number {
  const shape = layer.outputShape as (number | null)[];
  return (shape[1] ?? 1) * (shape[2] ?? 1);
}

/**
 * Multiply-accumulates per image from layer shapes: conv = H·W·k²·Cin·Cout, separable =
 * H·W·(k²·Cin·mult + Cin·mult·Cout), depthwise = H·W·k²·Cin·mult, dense = in·out. Bias,
 * batch norm, activations, pooling and additions are not counted.
 */
export function countFlops(model: tf.LayersModel): number {
  let total = 0;
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    const shapes = layer.weights.map((w) => w.shape);
    if (kind === 'Conv2D' || kind === 'DepthwiseConv2D') {
      total += outputArea(layer) * product(shapes[0] ?? []);
    } else if (kind === 'SeparableConv2D') {
      total += outputArea(layer) * (product(shapes[0] ?? []) + product(shapes[1] ?? []));
    } else if (kind === 'Dense') {
      total += product(shapes[0] ?? []);
    }
  }
  return total;
}

export function summarizeModel(config: ModelConfig, model: tf.LayersModel): ModelSummary {
  const trainable = model.trainableWeights.reduce((acc, w) => acc + product(w.shape), 0);
  return {
    architecture: config.architecture,
    numClasses: config.numClasses,
    parameters: model.countParams(),
    trainableParameters: trainable,
    flopsPerImage: countFlops(model),
  };
}

/** Parameters and FLOPs of every architecture at its default size. */
export function describeModels(numClasses = 4): ModelSummary[] {
  return ARCHITECTURES.map((architecture) => {
    const config: ModelConfig = { architecture, numClasses };
    const model = buildModel(config, { zeros: true });
    try {
      return summarizeModel(config, model);
    } finally {
      model.dispose();
    }
  });
}
