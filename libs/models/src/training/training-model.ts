import type * as tf from '@tensorflow/tfjs';
import { buildModel } from '../architectures/build-model.js';
import type { ModelConfig } from '../architectures/model-config.js';
import { AdamOptimizer, KERAS_ADAM } from './adam.js';

/** A model with what training it needs; built the same way on every replica. */
export interface TrainingModel {
  model: tf.LayersModel;
  /** Trainable variables, in the order of gradients and Adam's moments. */
  variables: tf.Variable[];
  /** Non-trainable weights (batch-norm moving means and variances). */
  statistics: tf.LayerVariable[];
  dropoutLayers: tf.layers.Layer[];
  adam: AdamOptimizer;
}

/** Same config and seed give bit-identical initial weights (checked across replicas). */
export function buildTrainingModel(config: ModelConfig, seed: number, learningRate: number): TrainingModel {
  const model = buildModel(config, { seed });
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return {
    model,
    variables,
    statistics: model.weights.filter((w) => !w.trainable),
    dropoutLayers: model.layers.filter((layer) => layer.getClassName() === 'Dropout'),
    adam: new AdamOptimizer({ learningRate, ...KERAS_ADAM }, variables),
  };
}

export function shapesOf(tensors: { shape: readonly (number | null)[] }[]): number[][] {
  return tensors.map((t) => t.shape.map((d) => d ?? 0));
}
