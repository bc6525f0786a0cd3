import { describe, expect, it } from 'vitest';
import { formatEvaluation } from './format-evaluation.js';

describe('formatEvaluation', () => {
  it('prints headline metrics, per-class accuracy and an aligned confusion matrix', () => {
    const text = formatEvaluation(
      {
        accuracy: 0.75,
        macroF1: 0.7321,
        perClassAccuracy: [1, 0.5],
        confusionMatrix: [
          [2, 0],
          [1, 1],
        ],
        classes: ['neutral', 'sad'],
      },
      { model: 'file:///m', dataset: 'file:///d', split: 'val', count: 4 },
    );
    expect(text).toContain('accuracy 75.00% (95 % interval 30.06%–95.44%)   macro-F1 73.21');
    expect(text).toContain('dataset  file:///d (val, 4 images)');
    expect(text).toMatch(/neutral\s+100\.00%/);
    expect(text).toMatch(/sad\s+50\.00%/);
    const matrix = text.split('\n').slice(-4, -1);
    expect(matrix[0]).toMatch(/^\s+neutral\s+sad$/);
    expect(matrix[1]).toMatch(/^\s+neutral\s+2\s+0$/);
    expect(matrix[2]).toMatch(/^\s+sad\s+1\s+1$/);
    expect(new Set(matrix.map((l) => l.length)).size).toBe(1);
  });
});
