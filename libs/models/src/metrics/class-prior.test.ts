import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { priorShiftWeights, shiftPrior } from './class-prior.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('priorShiftWeights', () => {
  it('is the ratio of the target share to the training share of each class', () => {
    const w = priorShiftWeights(['neutral', 'sad'], { neutral: 50, sad: 50 }, { neutral: 75, sad: 25 });
    expect(Array.from(w)).toEqual([1.5, 0.5]);
  });

  it('is 1 everywhere when the two mixes are the same shares', () => {
    const w = priorShiftWeights(['a', 'b', 'c'], { a: 1, b: 2, c: 3 }, { a: 10, b: 20, c: 30 });
    for (const x of w) expect(x).toBeCloseTo(1, 6);
  });

  it('names the class a mix lacks', () => {
    expect(() => priorShiftWeights(['a', 'b'], { a: 3 }, { a: 1, b: 1 })).toThrow(/training class mix has no images of 'b'/);
    expect(() => priorShiftWeights(['a', 'b'], { a: 3, b: 1 }, { a: 1, b: 0 })).toThrow(/target class mix has no images of 'b'/);
  });
});

describe('shiftPrior', () => {
  it('reweights and renormalises each row, which can change the argmax', () => {
    const shifted = shiftPrior(tf.tensor2d([[0.4, 0.6], [0.9, 0.1]]), Float32Array.from([3, 1]));
    const rows = shifted.arraySync();
    expect(rows[0]![0]).toBeCloseTo(1.2 / 1.8, 6);
    expect(rows[0]![1]).toBeCloseTo(0.6 / 1.8, 6);
    expect(rows[1]![0]).toBeCloseTo(2.7 / 2.8, 6);
    expect(tf.argMax(shifted, -1).arraySync()).toEqual([0, 0]);
    shifted.dispose();
  });
});
