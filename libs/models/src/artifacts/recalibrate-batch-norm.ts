import * as tf from '@tensorflow/tfjs';
import { batchRanges, imageBatch, range, validateImageSet, type ImageSet } from '../training/image-set.js';

/** What recalibration did: how many batch-norm layers it re-estimated, over how many images. */
export interface BatchNormRecalibration {
  layers: number;
  images: number;
}

/**
 * Re-estimates every batch-norm layer's moving mean and variance as the exact per-channel
 * statistics of its input over `set` (no augmentation), layer by layer in the model's order, each
 * with the layers before it already re-estimated, as inference will see them. Batches are merged
 * with Chan's parallel update in float64 (each batch centred on its own mean), and the variance is
 * the population one, as a batch-norm layer computes in training. Scale and offset are kept. A
 * model whose weights were averaged (a soup) needs this: the mean of its members' statistics is
 * not the statistics of its mean weights.
 */
export async function recalibrateBatchNorm(model: tf.LayersModel, set: ImageSet, batchSize = 64): Promise<BatchNormRecalibration> {
  validateImageSet(set, 'recalibration set');
  if (set.count === 0) throw new Error('recalibration set has no images');
  const norms = model.layers.filter((layer) => layer.getClassName() === 'BatchNormalization');
  for (const norm of norms) {
    const probe = tf.model({ inputs: model.inputs, outputs: norm.input as tf.SymbolicTensor });
    let count = 0;
    let mean: Float64Array | undefined;
    let m2: Float64Array | undefined;
    for (const [start, end] of batchRanges(set.count, batchSize)) {
      const [batchMean, batchM2, n] = tf.tidy(() => {
        const x = probe.predict(imageBatch(set, range(start, end))) as tf.Tensor;
        const axes = x.shape.slice(0, -1).map((_, i) => i);
        const m = tf.mean(x, axes);
        return [m, tf.sum(tf.square(tf.sub(x, m)), axes), x.size / x.shape.at(-1)!] as const;
      });
      const bm = await batchMean.data();
      const bm2 = await batchM2.data();
      tf.dispose([batchMean, batchM2]);
      mean ??= new Float64Array(bm.length);
      m2 ??= new Float64Array(bm.length);
      const total = count + n;
      for (let c = 0; c < bm.length; c++) {
        const delta = bm[c]! - mean[c]!;
        mean[c] = mean[c]! + (delta * n) / total;
        m2[c] = m2[c]! + bm2[c]! + (delta * delta * count * n) / total;
      }
      count = total;
    }
    const names = norm.weights.map((w) => w.originalName ?? w.name);
    // tfjs suffixes a variable's name (`…/moving_mean_3`) when a process builds several models.
    const at = (suffix: string) => {
      const i = names.findIndex((name) => new RegExp(`${suffix}(_\\d+)?$`).test(name));
      if (i < 0) throw new Error(`batch-norm layer ${norm.name} has no ${suffix} weight (it has ${names.join(', ')})`);
      return i;
    };
    const weights = norm.getWeights();
    const fresh = [tf.tensor1d(Float32Array.from(mean!)), tf.tensor1d(Float32Array.from(m2!, (v) => v / count))];
    weights[at('moving_mean')] = fresh[0]!;
    weights[at('moving_variance')] = fresh[1]!;
    norm.setWeights(weights);
    tf.dispose(fresh);
  }
  return { layers: norms.length, images: set.count };
}
