import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from './build-model.js';
import { FUSED_BATCH_NORM_FLAG, FusedBatchNormalization } from './fused-batch-normalization.js';
import { relativeError } from '@fermx/kernels/testing';

function isBatchNorm(layer: tf.layers.Layer): boolean {
  return layer.getClassName() === 'BatchNormalization';
}

/** Loss, gradients and moving statistics after one training step with the fused layer on or off. */
function trainingStep(model: tf.LayersModel, x: tf.Tensor, labels: tf.Tensor, fused: boolean): Float32Array[] {
  tf.env().set(FUSED_BATCH_NORM_FLAG, fused);
  try {
    const before = model.getWeights().map((w) => w.clone());
    const results = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
      const moving = model.layers.filter(isBatchNorm).flatMap((l) => l.getWeights().slice(-2));
      return [value, ...Object.keys(grads).sort().map((k) => grads[k] as tf.Tensor), ...moving].map((t) => t.dataSync() as Float32Array);
    });
    model.setWeights(before); // undo the moving-statistics update for the next run
    tf.dispose(before);
    return results;
  } finally {
    tf.env().set(FUSED_BATCH_NORM_FLAG, true);
  }
}

describe('FusedBatchNormalization', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('gives an M-Xception (width 0.25) training step the loss, gradients and moving statistics of stock layers', () => {
    const model = buildModel({ architecture: 'mxception', numClasses: 4, width: 0.25 }, { seed: 3 });
    expect(model.layers.filter((l) => l instanceof FusedBatchNormalization).length).toBeGreaterThan(10);
    // The first batch norm of this test file's fresh tfjs: the class lookup took no name uid, so
    // layer and weight names (checkpoints, saved models) are those stock layers get.
    expect(model.layers.find(isBatchNorm)?.name).toBe('batch_normalization_BatchNormalization1');
    const x = tf.randomUniform([3, 48, 48, 1], 0, 1, 'float32', 11);
    const labels = tf.oneHot(tf.tensor1d([0, 1, 3], 'int32'), 4);
    const fused = trainingStep(model, x, labels, true);
    const stock = trainingStep(model, x, labels, false);
    expect(fused).toHaveLength(stock.length);
    const worst = Math.max(...fused.map((f, i) => relativeError(f, stock[i] as Float32Array)));
    expect(worst).toBeLessThan(1e-5);
    tf.dispose([x, labels]);
    model.dispose();
  });

  it('saves as a stock BatchNormalization that stock tfjs loads and infers with identically', async () => {
    const model = buildModel({ architecture: 'cnn', numClasses: 3 }, { seed: 5 });
    const x = tf.randomUniform([2, 48, 48, 1], 0, 1, 'float32', 12);
    // One training call, so the moving statistics differ from their initial values.
    tf.tidy(() => model.apply(x, { training: true }) as tf.Tensor);
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    expect(JSON.stringify(saved?.modelTopology)).toContain('"class_name":"BatchNormalization"');
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
    expect(loaded.layers.filter(isBatchNorm).some((l) => l instanceof FusedBatchNormalization)).toBe(false);
    expect(loaded.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    const [expected, actual] = [model, loaded].map((m) => (m.predict(x) as tf.Tensor).dataSync() as Float32Array);
    expect(relativeError(actual as Float32Array, expected as Float32Array)).toBeLessThan(1e-6);
    tf.dispose(x);
    model.dispose();
    loaded.dispose();
  });
});
