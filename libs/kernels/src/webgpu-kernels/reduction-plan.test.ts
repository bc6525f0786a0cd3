import { describe, expect, it } from 'vitest';
import { MAX_WORKGROUPS_PER_DIMENSION, planReduction, TARGET_INVOCATIONS } from './reduction-plan.js';

describe('planReduction', () => {
  it('covers every position exactly once with slices of the planned length', () => {
    for (const [positions, perSlice, min, align] of [
      [36864, 18 * 64, 64, 16],
      [1, 64, 16, 1],
      [1000, 64, 16, 1],
      [147456, 64, 16, 1],
      [97, 9 * 64, 64, 16],
    ] as const) {
      const { slices, sliceLength } = planReduction(positions, perSlice, min, align);
      expect(sliceLength % align).toBe(0);
      expect(slices * sliceLength).toBeGreaterThanOrEqual(positions);
      expect((slices - 1) * sliceLength).toBeLessThan(positions);
    }
  });

  it('splits a long reduction until the GPU has enough threads, and no further', () => {
    // The case: a 3×3×128×1 depthwise gradient, one 64-thread group per slice, batch 64 at 24×24.
    const wide = planReduction(64 * 24 * 24, 2 * 64, 16);
    expect(wide.slices * 2 * 64).toBeGreaterThanOrEqual(TARGET_INVOCATIONS * 0.9);
    // A short reduction is cut into no more than positions / minimum-length slices.
    expect(planReduction(100, 64, 16)).toEqual({ slices: 7, sliceLength: 15 });
    expect(planReduction(10, 64, 16)).toEqual({ slices: 1, sliceLength: 10 });
    // Enough work per slice already: one slice.
    expect(planReduction(5000, TARGET_INVOCATIONS, 16).slices).toBe(1);
    expect(planReduction(10_000_000, 1, 1).slices).toBeLessThanOrEqual(MAX_WORKGROUPS_PER_DIMENSION);
  });

  it('rejects an empty reduction', () => {
    expect(() => planReduction(0, 64, 16)).toThrow(/positive integer, got 0/);
  });
});
