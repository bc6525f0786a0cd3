import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { linearSoftmaxModel, syntheticImageSet } from '../testing/index.js';
import { evaluate, scoreSet } from './evaluate.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const classes = ['neutral', 'sad', 'surprise', 'angry'];

describe('evaluate with class weights', () => {
  const set = syntheticImageSet(40, classes, 5);

  it('moves every prediction to a class whose weight dwarfs the others', async () => {
    const model = linearSoftmaxModel(classes.length, 7, 0.05);
    const report = await evaluate(model, set, { classWeights: Float32Array.from([1e6, 1, 1, 1]) });
    expect(report.confusionMatrix.map((row) => row[0])).toEqual(report.confusionMatrix.map((row) => row.reduce((a, b) => a + b, 0)));
    expect(report.accuracy).toBeCloseTo(Array.from(set.labels).filter((l) => l === 0).length / set.count, 9);
    model.dispose();
  });

  it('changes nothing with equal weights', async () => {
    const model = linearSoftmaxModel(classes.length, 7, 0.05);
    const plain = await scoreSet(model, set);
    const even = await scoreSet(model, set, { classWeights: Float32Array.from([2, 2, 2, 2]) });
    expect(Array.from(even.predictions)).toEqual(Array.from(plain.predictions));
    expect(even.loss).toBeCloseTo(plain.loss, 5);
    model.dispose();
  });

  it('refuses weights for another number of classes', async () => {
    const model = linearSoftmaxModel(classes.length, 7, 0.05);
    await expect(evaluate(model, set, { classWeights: Float32Array.from([1, 1]) })).rejects.toThrow('2 class weights for a model of 4 classes');
    model.dispose();
  });
});
