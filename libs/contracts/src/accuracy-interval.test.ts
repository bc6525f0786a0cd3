import { describe, expect, it } from 'vitest';
import { accuracyInterval } from './accuracy-interval.js';

describe('accuracyInterval (Wilson, 95 %)', () => {
  it('matches published Wilson intervals and is asymmetric near the bounds', () => {
    // 81 of 263 (Newcombe 1998, example): 0.2553–0.3662.
    const [low, high] = accuracyInterval(81 / 263, 263);
    expect(low).toBeCloseTo(0.2553, 3);
    expect(high).toBeCloseTo(0.3662, 3);
    const [l1, h1] = accuracyInterval(1, 384);
    expect(h1).toBeCloseTo(1, 12);
    expect(l1).toBeCloseTo(0.9901, 3);
  });

  it('is about ±4 points at 384 images around 80 %, and [0, 1] without images', () => {
    const [low, high] = accuracyInterval(0.8, 384);
    expect(high - low).toBeGreaterThan(0.075);
    expect(high - low).toBeLessThan(0.085);
    expect(accuracyInterval(0.5, 0)).toEqual([0, 1]);
  });
});
