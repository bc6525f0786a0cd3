import { describe, expect, it } from 'vitest';
import { initialPlateau, learningRateAt, updatePlateau } from './learning-rate.js';

const base = { learningRate: 0.1, epochs: 10 };
const at = (progress: number, options: Parameters<typeof learningRateAt>[0], stepShare = 0.1) => learningRateAt(options, { progress, stepShare, epochs: options.epochs });

describe('learningRateAt', () => {
  it('constant stays at the rate; step multiplies by gamma every stepEvery epochs', () => {
    expect(at(0, base)).toBe(0.1);
    expect(at(9.9, base)).toBe(0.1);
    const step = { ...base, schedule: 'step' as const, stepEvery: 3, stepGamma: 0.5 };
    expect([at(0, step), at(2.9, step), at(3, step), at(6.5, step)]).toEqual([0.1, 0.1, 0.05, 0.025]);
  });

  it('cosine falls from the rate to the floor over the epochs after warm-up', () => {
    const cosine = { ...base, schedule: 'cosine' as const, minLearningRate: 0.01 };
    expect(at(0, cosine)).toBeCloseTo(0.1, 12);
    expect(at(5, cosine)).toBeCloseTo(0.055, 12);
    expect(at(10, cosine)).toBeCloseTo(0.01, 12);
    const warm = { ...cosine, warmupEpochs: 2 };
    // Linear warm-up to the scheduled value: the first step is 1/20 of it, the step that ends warm-up reaches it.
    expect(at(0, warm)).toBeCloseTo(0.1 * 0.05, 12);
    expect(at(1.9, warm)).toBeCloseTo(0.1, 12);
    expect(at(6, warm)).toBeCloseTo(0.055, 12);
  });

  it('one-cycle rises from rate/25 to the rate over the first 30 %, then anneals towards rate/250000', () => {
    const cycle = { ...base, schedule: 'one-cycle' as const };
    expect(at(0, cycle)).toBeCloseTo(0.004, 12);
    expect(at(3, cycle)).toBeCloseTo(0.1, 12);
    expect(at(1.5, cycle)).toBeGreaterThan(0.004);
    expect(at(1.5, cycle)).toBeLessThan(0.1);
    expect(at(10, cycle)).toBeCloseTo(0.1 / 25 / 1e4, 12);
  });

  it('plateau scales by its state; updatePlateau reduces after patience epochs without a better val loss', () => {
    const options = { plateauPatience: 2, plateauFactor: 0.5 };
    let state = initialPlateau();
    for (const loss of [1, 0.9, 0.95, 0.93]) state = updatePlateau(state, loss, options);
    expect(state).toEqual({ scale: 0.5, bestValLoss: 0.9, wait: 0 });
    expect(learningRateAt({ ...base, schedule: 'plateau' }, { progress: 5, stepShare: 0.1, epochs: 10 }, state)).toBe(0.05);
    state = updatePlateau(state, 0.5, options);
    expect(state).toEqual({ scale: 0.5, bestValLoss: 0.5, wait: 0 });
  });
});
