import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { predictProbabilities } from '../metrics/test-time-views.js';
import { imageBatch, range, type ImageSet } from './image-set.js';
import { linearSoftmaxModel, syntheticImageSet } from '../testing/index.js';
import { blendTargets, teacherAgreement, teacherDistribution } from './teacher-targets.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const classes = ['neutral', 'sad', 'surprise', 'angry'];

function rows(values: Float32Array, width: number): number[][] {
  return Array.from({ length: values.length / width }, (_, i) => Array.from(values.subarray(i * width, (i + 1) * width)));
}

describe('teacherDistribution', () => {
  const set = syntheticImageSet(20, classes, 3);

  it("is one teacher's probabilities at T = 1 and flattens them as T grows", async () => {
    const model = linearSoftmaxModel(classes.length, 1);
    const direct = await predictProbabilities(model, imageBatch(set, range(0, set.count)), 'none').data();
    const atOne = await teacherDistribution([model], set, { temperature: 1, tta: 'none', batchSize: 7 });
    expect(Array.from(atOne).map((v) => +v.toFixed(5))).toEqual(Array.from(direct).map((v) => +v.toFixed(5)));
    const atFour = await teacherDistribution([model], set, { temperature: 4, tta: 'none' });
    for (const [i, row] of rows(atFour, 4).entries()) {
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      const sharp = rows(atOne, 4)[i]!;
      expect(Math.max(...row)).toBeLessThanOrEqual(Math.max(...sharp) + 1e-6);
      // Tempering keeps the order of the classes.
      expect(row.indexOf(Math.max(...row))).toBe(sharp.indexOf(Math.max(...sharp)));
    }
    model.dispose();
  });

  it('averages the teachers', async () => {
    const [a, b] = [linearSoftmaxModel(classes.length, 1), linearSoftmaxModel(classes.length, 2)];
    const pa = await teacherDistribution([a], set, { temperature: 2 });
    const pb = await teacherDistribution([b], set, { temperature: 2 });
    const both = await teacherDistribution([a, b], set, { temperature: 2 });
    both.forEach((v, i) => expect(v).toBeCloseTo((pa[i]! + pb[i]!) / 2, 5));
    a.dispose();
    b.dispose();
  });

  it('refuses a teacher trained on another number of classes, naming both counts', async () => {
    const seven = linearSoftmaxModel(7, 1);
    await expect(teacherDistribution([seven], set, { temperature: 2 })).rejects.toThrow('teacher 1 predicts 7 classes, the set has 4 (neutral, sad, surprise, angry)');
    seven.dispose();
  });
});

describe('blendTargets', () => {
  const set: ImageSet = { ...syntheticImageSet(2, classes, 1), labels: Uint8Array.from([0, 3]) };
  const teachers = Float32Array.from([0.25, 0.25, 0.25, 0.25, 0.1, 0.2, 0.3, 0.4]);

  it('mixes one-hot labels with the teachers by weight', () => {
    expect(Array.from(blendTargets(set, teachers, 0.5)).map((v) => +v.toFixed(6))).toEqual([0.625, 0.125, 0.125, 0.125, 0.05, 0.1, 0.15, 0.7]);
    expect(Array.from(blendTargets(set, teachers, 1))).toEqual(Array.from(teachers));
  });

  it('mixes soft targets (votes) where the set has them', () => {
    const votes = Float32Array.from([0.5, 0.5, 0, 0, 0, 0, 0, 1]);
    expect(Array.from(blendTargets({ ...set, targets: votes }, teachers, 0.2)).map((v) => +v.toFixed(6))).toEqual([0.45, 0.45, 0.05, 0.05, 0.02, 0.04, 0.06, 0.88]);
  });

  it('refuses a weight outside (0, 1] and targets of the wrong size', () => {
    expect(() => blendTargets(set, teachers, 0)).toThrow('teacher weight must be in (0, 1], got 0');
    expect(() => blendTargets(set, teachers.subarray(0, 4), 0.5)).toThrow('teacher targets have 4 values, expected count*classes = 8');
  });

  it("counts the images whose teachers' top class is their label", () => {
    expect(teacherAgreement(set, teachers)).toBe(1);
    expect(teacherAgreement(set, Float32Array.from([0.1, 0.6, 0.2, 0.1, 0.1, 0.2, 0.3, 0.4]))).toBe(0.5);
  });
});
