import { describe, expect, it } from 'vitest';
import { comparePaired } from '@fermx/contracts';
import { classificationReport } from '@fermx/models';
import type { ModelComparison } from './compare-models.js';
import { comparisonVerdict, formatComparison } from './format-comparison.js';

const classes = ['neutral', 'sad'];
const report = (right: number, count: number) => {
  const labels = Array.from({ length: count }, () => 0);
  const predictions = labels.map((_, i) => (i < right ? 0 : 1));
  return classificationReport(labels, predictions, classes, 0.5);
};

describe('formatComparison', () => {
  it('prints both models, the 2×2 table, the paired difference and the test', () => {
    const paired = comparePaired({ bothRight: 59, onlyA: 6, onlyB: 16, bothWrong: 80 });
    const comparison: ModelComparison = {
      backend: 'wasm',
      count: 161,
      models: [
        { modelUri: 'models/a', tta: 'flip', classPrior: 'trained', report: report(65, 161) },
        { modelUri: 'file:///runs/b/model', tta: 'none', classPrior: 'uncapped', report: report(75, 161) },
      ],
      paired,
    };
    const text = formatComparison(comparison, { dataset: 'file:///ferm', split: 'publictest' });
    expect(text).toContain('dataset  file:///ferm (publictest, 161 images)');
    expect(text).toContain('A  models/a            ');
    expect(text).toContain('40.37 %');
    expect(text).toContain('test-time augmentation: flip');
    expect(text).toMatch(/A right\s+59\s+6\n/);
    expect(text).toMatch(/A wrong\s+16\s+80\n/);
    expect(text).toContain('A − B    −6.21 points, 95 % interval [−11.86, −0.46] (Newcombe, paired)');
    expect(text).toContain('exact p = 0.0525 on 22 images where they disagree on correctness: this split does not tell the two models apart at the 5 % level');
  });

  it('writes a very small p in exponent form', () => {
    const paired = comparePaired({ bothRight: 713, onlyA: 118, onlyB: 54, bothWrong: 112 });
    const models: ModelComparison['models'] = [
      { modelUri: 'a', tta: 'none', classPrior: 'trained', report: report(831, 997) },
      { modelUri: 'b', tta: 'none', classPrior: 'trained', report: report(767, 997) },
    ];
    expect(formatComparison({ backend: 'wasm', count: 997, models, paired }, { dataset: 'd', split: 'publictest' })).toContain(
      'exact p = 1.19e-6 on 172 images where they disagree on correctness: A is better on this split at the 5 % level',
    );
  });

  it('names the better model only when the test says so', () => {
    expect(comparisonVerdict(comparePaired({ bothRight: 300, onlyA: 2, onlyB: 20, bothWrong: 62 }))).toBe('B is better on this split at the 5 % level');
    expect(comparisonVerdict(comparePaired({ bothRight: 300, onlyA: 20, onlyB: 2, bothWrong: 62 }))).toBe('A is better on this split at the 5 % level');
    expect(comparisonVerdict(comparePaired({ bothRight: 300, onlyA: 12, onlyB: 10, bothWrong: 62 }))).toBe(
      'this split does not tell the two models apart at the 5 % level',
    );
  });
});
