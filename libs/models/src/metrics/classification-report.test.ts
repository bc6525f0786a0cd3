import { describe, expect, it } from 'vitest';
import { classificationReport } from './classification-report.js';

describe('classificationReport', () => {
  it('computes accuracy, per-class accuracy, macro-F1 and the confusion matrix', () => {
    const labels = [0, 0, 0, 1, 1, 2];
    const predicted = [0, 0, 1, 1, 2, 2];
    const r = classificationReport(labels, predicted, ['a', 'b', 'c']);
    expect(r.confusionMatrix).toEqual([[2, 1, 0], [0, 1, 1], [0, 0, 1]]);
    expect(r.accuracy).toBeCloseTo(4 / 6, 12);
    expect(r.perClassAccuracy).toEqual([2 / 3, 1 / 2, 1]);
    // F1 per class: a: P=1 R=2/3 → 0.8; b: P=1/2 R=1/2 → 0.5; c: P=1/2 R=1 → 2/3
    expect(r.macroF1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12);
  });

  it('handles an absent class and rejects out-of-range labels', () => {
    const r = classificationReport([0, 0], [0, 1], ['a', 'b', 'c']);
    expect(r.perClassAccuracy[2]).toBe(0);
    expect(() => classificationReport([3], [0], ['a', 'b'])).toThrow(/out of range at index 0/);
  });
});
