import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { linearSoftmaxModel, syntheticImageSet } from '../testing/index.js';
import { imageBatch, range } from '../training/image-set.js';
import { averagedModel } from './ensemble.js';
import { evaluate } from './evaluate.js';
import { predictProbabilities } from './test-time-views.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const classes = ['neutral', 'sad', 'surprise', 'angry'];

describe('averagedModel', () => {
  const set = syntheticImageSet(16, classes, 2);

  it("predicts the mean of its members' probabilities, with test-time augmentation too", async () => {
    const members = [linearSoftmaxModel(classes.length, 1), linearSoftmaxModel(classes.length, 2), linearSoftmaxModel(classes.length, 3)];
    const ensemble = averagedModel(members);
    const images = imageBatch(set, range(0, set.count));
    for (const tta of ['none', 'flip'] as const) {
      const mean = tf.div(tf.addN(members.map((m) => predictProbabilities(m, images, tta))), 3);
      const got = predictProbabilities(ensemble, images, tta);
      expect(Array.from(await got.data()).map((v) => +v.toFixed(5))).toEqual(Array.from(await mean.data()).map((v) => +v.toFixed(5)));
    }
    const report = await evaluate(ensemble, set);
    expect(report.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(16);
    ensemble.dispose();
  });

  it('refuses members that predict different numbers of classes, naming the member', () => {
    expect(() => averagedModel([linearSoftmaxModel(classes.length, 1), linearSoftmaxModel(7, 2)])).toThrow('ensemble member 2 predicts 7 classes, member 1 predicts 4');
    expect(() => averagedModel([])).toThrow('an ensemble needs at least one model');
  });
});
