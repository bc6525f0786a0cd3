import { describe, expect, it } from 'vitest';
import { ConstraintsSchema, measuredViolations } from './constraints.js';

describe('constraints', () => {
  const row = { parameters: 150_000, valAccuracy: 0.7, macroF1: 0.6, imagesPerSecond: 80, trainingSeconds: 30 };

  it('names every broken bound with the value and the limit', () => {
    const constraints = ConstraintsSchema.parse({ parameters: { max: 100_000 }, imagesPerSecond: { min: 100 }, valAccuracy: { min: 0.5, max: 1 } });
    expect(measuredViolations(row, constraints)).toEqual(['parameters 150,000 > max 100,000', 'imagesPerSecond 80 < min 100']);
    expect(measuredViolations(row, undefined)).toEqual([]);
    expect(measuredViolations({ ...row, imagesPerSecond: Number.NaN }, ConstraintsSchema.parse({ imagesPerSecond: { min: 1 } }))).toEqual([
      'imagesPerSecond NaN < min 1',
    ]);
  });

  it('refuses empty bounds, min above max, empty constraints and unknown figures; accepts flops (checked at submit)', () => {
    expect(ConstraintsSchema.safeParse({ parameters: {} }).success).toBe(false);
    expect(ConstraintsSchema.safeParse({ parameters: { min: 2, max: 1 } }).success).toBe(false);
    expect(ConstraintsSchema.safeParse({}).success).toBe(false);
    expect(ConstraintsSchema.safeParse({ macs: { max: 5e7 } }).success).toBe(false);
    expect(ConstraintsSchema.safeParse({ flops: { max: 5e7 } }).success).toBe(true);
  });
});
