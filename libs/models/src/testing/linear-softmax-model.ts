import * as tf from '@tensorflow/tfjs';

/**
 * The smallest classifier of 48×48×1 images: flatten, then one seeded dense softmax layer. Its
 * probabilities differ from image to image and seed to seed, which is all the inference tests need.
 */
export function linearSoftmaxModel(classes: number, seed: number, stddev = 0.2): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.flatten({ inputShape: [48, 48, 1] }));
  model.add(tf.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: tf.initializers.randomNormal({ seed, stddev }) }));
  return model;
}
