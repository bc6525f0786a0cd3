import { describe, expect, it } from 'vitest';
import { bestTrial, tryItUrl } from './demo-promotion.js';

describe('demo promotion', () => {
  it('promotes the best macro-F1, not the best accuracy', () => {
    const rows = [
      { trialId: 't-a', model: 'cnn', valAccuracy: 0.62, macroF1: 0.41 },
      { trialId: 't-b', model: 'mini-xception', valAccuracy: 0.6, macroF1: 0.55 },
    ];
    expect(bestTrial(rows)?.trialId).toBe('t-b');
    expect(bestTrial([])).toBeUndefined();
  });

  it("links the Try-it page of the promoted model's alias", () => {
    expect(tryItUrl(8080, 'demo-ferm@production')).toBe('http://127.0.0.1:8080/#/try/model/demo-ferm%40production');
  });
});
