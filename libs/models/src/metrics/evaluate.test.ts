import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { linearSoftmaxModel, syntheticImageSet } from '../testing/index.js';
import { evaluate, predictProbabilities, scoreSet } from './evaluate.js';

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

describe('test-time augmentation', () => {
  const side = 48;
  /** An independent reference: the image moved by (dy, dx), its border mirrored (edge pixel included). */
  const moved = (pixels: Float32Array, dy: number, dx: number, mirror: boolean): Float32Array => {
    const reflect = (i: number) => (i < 0 ? -i - 1 : i >= side ? 2 * side - i - 1 : i);
    const out = new Float32Array(side * side);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const sx = reflect(x - dx);
        out[y * side + (mirror ? side - 1 - x : x)] = pixels[reflect(y - dy) * side + sx]!;
      }
    }
    return out;
  };
  const image = Float32Array.from({ length: side * side }, (_, i) => ((i * 7919) % 251) / 251);
  const predictOne = (model: tf.LayersModel, pixels: Float32Array) => tf.tidy(() => (model.predict(tf.tensor4d(pixels, [1, side, side, 1])) as tf.Tensor2D).arraySync()[0]!);

  it.each([
    ['flip', [[0, 0]]],
    [
      'flip-shift',
      [
        [0, 0],
        [2, 0],
        [-2, 0],
        [0, 2],
        [0, -2],
      ],
    ],
  ] as const)('%s averages the probabilities of its views, each as it is and mirrored', (tta, shifts) => {
    const model = linearSoftmaxModel(classes.length, 7, 0.05);
    const views = shifts.flatMap(([dy, dx]) => [moved(image, dy, dx, false), moved(image, dy, dx, true)]);
    const expected = classes.map((_, k) => views.reduce((sum, v) => sum + predictOne(model, v)[k]!, 0) / views.length);
    const got = tf.tidy(() => predictProbabilities(model, tf.tensor4d(image, [1, side, side, 1]), tta).arraySync()[0]!);
    got.forEach((p, k) => expect(p).toBeCloseTo(expected[k]!, 6));
    // The views differ, so the average is not the plain prediction.
    expect(Math.max(...got.map((p, k) => Math.abs(p - predictOne(model, image)[k]!)))).toBeGreaterThan(1e-6);
    model.dispose();
  });
});
