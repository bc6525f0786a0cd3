import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticImageSet } from '../testing/index.js';
import { recalibrateBatchNorm } from './recalibrate-batch-norm.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** conv → BN → relu → conv → BN → dense: the second BN's input depends on the first BN's statistics. */
function twoNormModel(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotNormal({ seed });
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [48, 48, 1], filters: 3, kernelSize: 3, strides: 4, kernelInitializer: init(1) }));
  model.add(tf.layers.batchNormalization({ name: 'first_norm' }));
  model.add(tf.layers.reLU());
  model.add(tf.layers.conv2d({ filters: 2, kernelSize: 3, kernelInitializer: init(2) }));
  model.add(tf.layers.batchNormalization({ name: 'second_norm' }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: init(3) }));
  return model;
}

/** Per-channel mean and population variance of a layer's input over the whole set, in one batch. */
function moments(model: tf.LayersModel, layer: string, images: tf.Tensor4D): [number[], number[]] {
  const probe = tf.model({ inputs: model.inputs, outputs: model.getLayer(layer).input as tf.SymbolicTensor });
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(probe.predict(images) as tf.Tensor, [0, 1, 2]);
    return [Array.from(mean.dataSync()), Array.from(variance.dataSync())];
  });
}

describe('recalibrateBatchNorm', () => {
  it("sets every batch-norm layer's moving statistics to its input's exact statistics over the set, in order, keeping scale and offset", async () => {
    const model = twoNormModel();
    for (const name of ['first_norm', 'second_norm']) {
      const norm = model.getLayer(name);
      const [gamma, beta, mean, variance] = norm.getWeights();
      norm.setWeights([tf.fill(gamma!.shape, 1.5), tf.fill(beta!.shape, 0.2), tf.fill(mean!.shape, 7), tf.fill(variance!.shape, 9)]);
    }
    const set = syntheticImageSet(50, ['a', 'b', 'c', 'd'], 3);
    const outcome = await recalibrateBatchNorm(model, set, 16);
    expect(outcome).toEqual({ layers: 2, images: 50 });
    const all = tf.tensor4d(Float32Array.from(set.images, (v) => v / 255), [50, 48, 48, 1]);
    for (const name of ['first_norm', 'second_norm']) {
      const [expectedMean, expectedVariance] = moments(model, name, all);
      const [gamma, beta, mean, variance] = model.getLayer(name).getWeights().map((w) => Array.from(w.dataSync()));
      mean!.forEach((m, c) => expect(m).toBeCloseTo(expectedMean[c]!, 4));
      variance!.forEach((v, c) => expect(v / expectedVariance[c]!).toBeCloseTo(1, 4));
      expect(gamma!.every((g) => g === 1.5) && beta!.every((b) => Math.abs(b - 0.2) < 1e-7)).toBe(true);
    }
    all.dispose();
    model.dispose();
  });

  it('refuses an empty set', async () => {
    const model = twoNormModel();
    await expect(recalibrateBatchNorm(model, { images: new Uint8Array(0), labels: new Uint8Array(0), count: 0, classes: ['a', 'b'] })).rejects.toThrow('recalibration set has no images');
    model.dispose();
  });
});
