import { describe, expect, it } from 'vitest';
import { statisticallyTied, tiesWithBest } from './statistical-ties.js';

describe('statisticallyTied (pooled two-proportion z-test, 5 %)', () => {
  it('matches a hand-computed z on 384 val images', () => {
    // 0.85 vs 0.80 on 384 each: pooled 0.825, se = sqrt(0.825*0.175*2/384) = 0.027421, z = 1.823 -> tied.
    expect(statisticallyTied({ accuracy: 0.85, count: 384 }, { accuracy: 0.8, count: 384 })).toBe(true);
    // 0.85 vs 0.79: pooled 0.82, se = 0.027727, z = 2.164 -> not tied.
    expect(statisticallyTied({ accuracy: 0.85, count: 384 }, { accuracy: 0.79, count: 384 })).toBe(false);
  });

  it('the same gap is significant on a larger set', () => {
    expect(statisticallyTied({ accuracy: 0.85, count: 3000 }, { accuracy: 0.83, count: 3000 })).toBe(false);
    expect(statisticallyTied({ accuracy: 0.85, count: 300 }, { accuracy: 0.83, count: 300 })).toBe(true);
  });

  it('perfect and equal accuracies (zero variance) tie only when equal', () => {
    expect(statisticallyTied({ accuracy: 1, count: 100 }, { accuracy: 1, count: 100 })).toBe(true);
  });
});

describe('tiesWithBest', () => {
  it('compares each row with the best of its own dataset; missing counts give null', () => {
    const ties = tiesWithBest([
      { trialId: 'a', dataset: 'd1', valAccuracy: 0.85, valCount: 384 },
      { trialId: 'b', dataset: 'd1', valAccuracy: 0.8, valCount: 384 },
      { trialId: 'c', dataset: 'd1', valAccuracy: 0.79, valCount: 384 },
      { trialId: 'd', dataset: 'd2', valAccuracy: 0.6, valCount: 384 },
      { trialId: 'e', dataset: 'd1', valAccuracy: 0.84 },
    ]);
    expect(Object.fromEntries(ties)).toEqual({ a: true, b: true, c: false, d: true, e: null });
  });
});
