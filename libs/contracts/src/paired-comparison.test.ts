import { describe, expect, it } from 'vitest';
import { comparePaired, mcnemarExactP, pairedDifferenceInterval, pairedOutcomes } from './paired-comparison.js';

describe('pairedOutcomes', () => {
  it('counts where each model is right and the other wrong', () => {
    const labels = [0, 1, 2, 3, 0, 1];
    expect(pairedOutcomes(labels, [0, 1, 0, 3, 1, 2], [0, 0, 2, 3, 1, 2])).toEqual({ bothRight: 2, onlyA: 1, onlyB: 1, bothWrong: 2 });
    expect(() => pairedOutcomes(labels, [0], labels)).toThrow('paired outcomes need one prediction per label: 6 labels, 1 and 6 predictions');
  });
});

describe('mcnemarExactP', () => {
  // Hand-checked: 2 · Σ_{k ≤ min} C(n, k) / 2^n.
  it.each([
    [6, 16, 0.052478790283203125],
    [41, 29, 0.18821620302302766],
    [0, 10, 0.001953125],
    [3, 3, 1],
    [0, 0, 1],
  ])('onlyA %i, onlyB %i → p %f', (a, b, p) => {
    expect(mcnemarExactP(a, b)).toBeCloseTo(p, 12);
    expect(mcnemarExactP(b, a)).toBeCloseTo(p, 12);
  });

  it('does not underflow on thousands of discordant pairs', () => {
    expect(mcnemarExactP(1500, 1500)).toBe(1);
    expect(mcnemarExactP(1400, 1600)).toBeGreaterThan(0);
    expect(mcnemarExactP(1400, 1600)).toBeLessThan(0.001);
  });
});

describe('pairedDifferenceInterval', () => {
  it("matches Newcombe's square-and-add interval on a published table (Cavo et al. 2012: 59, 6, 16, 80)", () => {
    const [low, high] = pairedDifferenceInterval({ bothRight: 59, onlyA: 6, onlyB: 16, bothWrong: 80 });
    expect(low).toBeCloseTo(-0.1186, 4);
    expect(high).toBeCloseTo(-0.0046, 4);
  });

  it('is narrower than the unpaired intervals when the two models agree on most images', () => {
    const agreeing = comparePaired({ bothRight: 300, onlyA: 10, onlyB: 4, bothWrong: 70 });
    const [low, high] = agreeing.differenceInterval95;
    expect(low).toBeLessThan(agreeing.difference);
    expect(high).toBeGreaterThan(agreeing.difference);
    expect(high - low).toBeLessThan(0.05);
  });
});

describe('comparePaired', () => {
  it('gives both accuracies, their difference and the test', () => {
    const c = comparePaired({ bothRight: 59, onlyA: 6, onlyB: 16, bothWrong: 80 });
    expect(c.count).toBe(161);
    expect(c.accuracyA).toBeCloseTo(65 / 161, 12);
    expect(c.accuracyB).toBeCloseTo(75 / 161, 12);
    expect(c.difference).toBeCloseTo(-0.0621, 4);
    expect(c.mcnemarP).toBeCloseTo(0.052478790283203125, 12);
  });

  it('a model against itself: no difference, p = 1', () => {
    const c = comparePaired({ bothRight: 320, onlyA: 0, onlyB: 0, bothWrong: 64 });
    expect(c.difference).toBe(0);
    expect(c.mcnemarP).toBe(1);
    expect(c.differenceInterval95[0]).toBeLessThanOrEqual(0);
    expect(c.differenceInterval95[1]).toBeGreaterThanOrEqual(0);
  });
});
