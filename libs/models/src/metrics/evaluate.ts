import * as tf from '@tensorflow/tfjs';
import type { TestTimeAugmentation } from '@fermx/contracts';
import { batchRanges, imageBatch, labelBatch, range, validateImageSet, type ImageSet } from '../training/image-set.js';
import { classificationReport, type EvaluationReport } from './classification-report.js';
import { shiftPrior } from './class-prior.js';
import { predictProbabilities } from './test-time-views.js';

const PROBABILITY_EPSILON = 1e-7;

/** Mean categorical cross-entropy of softmax outputs (Keras clips probabilities the same way). */
export function crossEntropy(labels: tf.Tensor2D, probabilities: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const clipped = tf.clipByValue(probabilities, PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON);
    return tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.log(clipped)), -1))) as tf.Scalar;
  });
}

export type { TestTimeAugmentation };

/** How a set is scored: batch size, test-time augmentation, and an optional class-prior shift. */
export interface ScoringOptions {
  batchSize?: number;
  tta?: TestTimeAugmentation;
  /** Per-class weights applied to the probabilities before the argmax and the loss (class-prior.ts). */
  classWeights?: Float32Array;
}

/**
 * Inference over a set in batches: mean loss (against the one-hot labels, so it compares across
 * recipes) and the predicted class of every image.
 */
export async function scoreSet(model: tf.LayersModel, set: ImageSet, options: ScoringOptions = {}): Promise<{ loss: number; predictions: Uint8Array }> {
  const { batchSize = 64, tta = 'none', classWeights } = options;
  const predictions = new Uint8Array(set.count);
  const oneHot: ImageSet = { ...set, targets: undefined };
  let lossSum = 0;
  for (const [start, end] of batchRanges(set.count, batchSize)) {
    const indices = range(start, end);
    const [loss, predicted] = tf.tidy(() => {
      const raw = predictProbabilities(model, imageBatch(set, indices), tta);
      const probabilities = classWeights ? shiftPrior(raw, classWeights) : raw;
      return [crossEntropy(labelBatch(oneHot, indices), probabilities), tf.argMax(probabilities, -1)] as const;
    });
    lossSum += (await loss.data())[0]! * indices.length;
    predictions.set(await predicted.data(), start);
    tf.dispose([loss, predicted]);
  }
  return { loss: set.count === 0 ? 0 : lossSum / set.count, predictions };
}

/** Accuracy, macro-F1, per-class accuracy and confusion matrix of a model on a labelled set. */
export async function evaluate(model: tf.LayersModel, set: ImageSet, options: ScoringOptions = {}): Promise<EvaluationReport> {
  validateImageSet(set, 'evaluation set');
  const outputClasses = (model.outputs[0]?.shape.at(-1) ?? 0) as number;
  if (outputClasses !== set.classes.length) {
    throw new Error(`model predicts ${outputClasses} classes but the set has ${set.classes.length} (${set.classes.join(', ')})`);
  }
  if (options.classWeights && options.classWeights.length !== outputClasses) {
    throw new Error(`${options.classWeights.length} class weights for a model of ${outputClasses} classes`);
  }
  const { loss, predictions } = await scoreSet(model, set, options);
  return classificationReport(set.labels, predictions, set.classes, loss);
}
