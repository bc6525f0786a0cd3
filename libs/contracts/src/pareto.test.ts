import { describe, expect, it } from 'vitest';
import { dominates, paretoFront, ParetoObjectivesSchema } from './pareto.js';

describe('Pareto front', () => {
  it('dominance needs at least as good everywhere and strictly better somewhere', () => {
    expect(dominates([0.9, 100], [0.8, 200], ['max', 'min'])).toBe(true);
    expect(dominates([0.9, 100], [0.9, 100], ['max', 'min'])).toBe(false);
    expect(dominates([0.9, 300], [0.8, 200], ['max', 'min'])).toBe(false);
  });

  it('marks the non-dominated points of accuracy (max) vs parameters (min)', () => {
    const points = [
      [0.85, 2_000_000], // best accuracy: optimal
      [0.8, 100_000], // smallest: optimal
      [0.82, 500_000], // trade-off: optimal
      [0.81, 600_000], // dominated by [0.82, 500k]
      [0.8, 150_000], // dominated by [0.8, 100k] (equal accuracy, more weights)
      [0.82, 500_000], // duplicate of an optimal point: optimal too
      [Number.NaN, 1], // no value: never optimal
    ];
    expect(paretoFront(points, ['max', 'min'])).toEqual([true, true, true, false, false, true, false]);
  });

  it('three objectives', () => {
    const goals = ['max', 'min', 'max'] as const;
    expect(
      paretoFront(
        [
          [1, 1, 1],
          [1, 1, 2],
          [2, 3, 0],
        ],
        goals,
      ),
    ).toEqual([false, true, true]);
  });

  it('objectives default the goal per figure and refuse duplicates and single entries', () => {
    expect(ParetoObjectivesSchema.parse(['val_accuracy', { name: 'parameters' }])).toEqual([
      { name: 'val_accuracy', goal: 'max' },
      { name: 'parameters', goal: 'min' },
    ]);
    expect(ParetoObjectivesSchema.safeParse(['val_accuracy', 'val_accuracy']).success).toBe(false);
    expect(ParetoObjectivesSchema.safeParse(['val_accuracy']).success).toBe(false);
  });
});
