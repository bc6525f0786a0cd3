import * as tf from '@tensorflow/tfjs';
import type { TestTimeAugmentation } from '@fermx/contracts';
import { predictProbabilities } from '../metrics/test-time-views.js';
import { batchRanges, imageBatch, range, type ImageSet } from './image-set.js';

const PROBABILITY_FLOOR = 1e-7;

/** How teachers read the train set: their probabilities are softened at `temperature`. */
export interface TeacherReading {
  temperature: number;
  /** Views per image (default `flip`: the image and its mirror image, as training flips). */
  tta?: TestTimeAugmentation;
  batchSize?: number;
}

/**
 * The teachers' distribution over the classes for every image of `set` (count × classes): each
 * teacher's probabilities (averaged over the views), softened as p^(1/T) renormalised, which is
 * softmax(z/T) of its logits for one view, then averaged over the teachers. Read once, on the
 * images as stored; training then augments the image and keeps its target.
 */
export async function teacherDistribution(teachers: readonly tf.LayersModel[], set: ImageSet, reading: TeacherReading): Promise<Float32Array> {
  if (teachers.length === 0) throw new Error('teacherDistribution needs at least one teacher');
  const classes = set.classes.length;
  teachers.forEach((teacher, i) => {
    const outputs = (teacher.outputs[0]!.shape.at(-1) as number | null) ?? -1;
    if (outputs !== classes) throw new Error(`teacher ${i + 1} predicts ${outputs} classes, the set has ${classes} (${set.classes.join(', ')})`);
  });
  const { temperature, tta = 'flip', batchSize = 64 } = reading;
  if (!(temperature > 0)) throw new Error(`teacher temperature must be > 0, got ${temperature}`);
  const out = new Float32Array(set.count * classes);
  for (const [start, end] of batchRanges(set.count, batchSize)) {
    const mean = tf.tidy(() => {
      const images = imageBatch(set, range(start, end));
      const softened = teachers.map((teacher) => {
        const p = predictProbabilities(teacher, images, tta);
        const tempered = tf.exp(tf.div(tf.log(tf.maximum(p, PROBABILITY_FLOOR)), temperature));
        return tf.div(tempered, tf.sum(tempered, -1, true));
      });
      return tf.div(tf.addN(softened), teachers.length);
    });
    out.set((await mean.data()) as Float32Array, start * classes);
    mean.dispose();
  }
  return out;
}

/**
 * Each image's target blended with the teachers': (1−w)·own + w·teachers, where its own target is
 * the set's soft target (FER+ votes) when it has one, else its one-hot label. Rows stay
 * distributions, so label smoothing still applies on top (labelBatch).
 */
export function blendTargets(set: ImageSet, teachers: Float32Array, weight: number): Float32Array {
  const classes = set.classes.length;
  if (teachers.length !== set.count * classes) throw new Error(`teacher targets have ${teachers.length} values, expected count*classes = ${set.count * classes}`);
  if (!(weight > 0 && weight <= 1)) throw new Error(`teacher weight must be in (0, 1], got ${weight}`);
  const out = new Float32Array(teachers.length);
  for (let i = 0; i < set.count; i++) {
    for (let k = 0; k < classes; k++) {
      const at = i * classes + k;
      const own = set.targets ? set.targets[at]! : set.labels[i] === k ? 1 : 0;
      out[at] = (1 - weight) * own + weight * teachers[at]!;
    }
  }
  return out;
}

/** Share of images whose teachers' most likely class is their label (a check that the teachers fit the set). */
export function teacherAgreement(set: ImageSet, teachers: Float32Array): number {
  const classes = set.classes.length;
  let agree = 0;
  for (let i = 0; i < set.count; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (teachers[i * classes + k]! > teachers[i * classes + best]!) best = k;
    if (best === set.labels[i]) agree++;
  }
  return set.count === 0 ? 0 : agree / set.count;
}
