import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { linearSoftmaxModel } from '../testing/index.js';
import { predictProbabilities, recordedTestTimeAugmentation, viewCount } from './test-time-views.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const classes = ['neutral', 'sad', 'surprise', 'angry'];

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

describe('the test-time augmentation a saved model records', () => {
  it('is the one it was chosen under, else its training\'s, else none', () => {
    expect(recordedTestTimeAugmentation({ evaluation: { tta: 'flip-shift' }, training: { tta: 'flip' } })).toBe('flip-shift');
    expect(recordedTestTimeAugmentation({ training: { tta: 'flip' } })).toBe('flip');
    expect(recordedTestTimeAugmentation({ evaluation: {}, training: {} })).toBe('none');
    expect(recordedTestTimeAugmentation(undefined)).toBe('none');
  });

  it('refuses a value fermx does not read, naming the field', () => {
    expect(() => recordedTestTimeAugmentation({ evaluation: { tta: 'five-crop' } })).toThrow('metadata.json evaluation.tta is "five-crop"; fermx reads none, flip, flip-shift');
    expect(() => recordedTestTimeAugmentation({ training: { tta: 3 } })).toThrow('metadata.json training.tta is 3');
    expect(() => recordedTestTimeAugmentation({ evaluation: { tta: 'toString' } })).toThrow('evaluation.tta is "toString"');
  });

  it('costs one forward pass per view', () => {
    expect([viewCount('none'), viewCount('flip'), viewCount('flip-shift')]).toEqual([1, 2, 10]);
  });
});
