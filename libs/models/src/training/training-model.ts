import type * as tf from '@tensorflow/tfjs';
import { buildModel } from '../architectures/build-model.js';
import type { ModelConfig } from '../architectures/model-config.js';
import { AdamOptimizer, KERAS_ADAM } from './adam.js';
import { decayedVariables, type Optimizer } from './optimizer.js';
import { SgdOptimizer } from './sgd.js';
import type { TrainOptions } from './train-options.js';

/** The optimizer part of a recipe (absent fields: Adam without decay). */
export type OptimizerRecipe = Pick<TrainOptions, 'learningRate' | 'optimizer' | 'weightDecay' | 'momentum'>;

/** A model with what training it needs; built the same way on every replica. */
export interface TrainingModel {
  model: tf.LayersModel;
  /** Trainable variables, in the order of gradients and the optimizer's slots. */
  variables: tf.Variable[];
  /** Non-trainable weights (batch-norm moving means and variances). */
  statistics: tf.LayerVariable[];
  dropoutLayers: tf.layers.Layer[];
  optimizer: Optimizer;
}

export function createOptimizer(recipe: OptimizerRecipe, variables: tf.Variable[]): Optimizer {
  const decay = { weightDecay: recipe.weightDecay ?? 0, decayed: decayedVariables(variables) };
  switch (recipe.optimizer ?? 'adam') {
    case 'adam':
      return new AdamOptimizer({ learningRate: recipe.learningRate, ...KERAS_ADAM }, variables, decay);
    case 'adamw':
      return new AdamOptimizer({ learningRate: recipe.learningRate, ...KERAS_ADAM }, variables, { ...decay, decoupled: true });
    case 'sgd':
      return new SgdOptimizer({ learningRate: recipe.learningRate, momentum: recipe.momentum ?? 0.9, ...decay }, variables);
  }
}

/** Same config and seed give bit-identical initial weights (checked across replicas). */
export function buildTrainingModel(config: ModelConfig, seed: number, recipe: OptimizerRecipe | number): TrainingModel {
  const model = buildModel(config, { seed });
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return {
    model,
    variables,
    statistics: model.weights.filter((w) => !w.trainable),
    dropoutLayers: model.layers.filter((layer) => layer.getClassName() === 'Dropout'),
    optimizer: createOptimizer(typeof recipe === 'number' ? { learningRate: recipe } : recipe, variables),
  };
}

export function shapesOf(tensors: { shape: readonly (number | null)[] }[]): number[][] {
  return tensors.map((t) => t.shape.map((d) => d ?? 0));
}
