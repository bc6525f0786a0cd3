import { describe, expect, it } from 'vitest';
import { MIN_IMPORTANCE_TRIALS, pedAnovaImportance } from './importance.js';

describe('PED-ANOVA importance', () => {
  it('matches a hand-computed categorical case', () => {
    // 10 trials: a ∈ {x, y} 5 each, b ∈ {p, q} 5 each. The top 2 (γ' = 0.2) both have a = x and one
    // each of b. p_all(a) = (0.5, 0.5), p_top(a) = (1, 0): v_a = 0.04·(0.5·1² + 0.5·1²) = 0.04;
    // p_top(b) = (0.5, 0.5) = p_all(b): v_b = 0. Normalised: a = 1, b = 0.
    const trials = Array.from({ length: 10 }, (_, i) => ({
      values: { a: i < 5 ? 'x' : 'y', b: i % 2 === 0 ? 'p' : 'q' },
      objective: 1 - i / 10, // trial 0 best, then 1
    }));
    const result = pedAnovaImportance({
      parameters: [
        { name: 'a', scale: 'categorical' },
        { name: 'b', scale: 'categorical' },
      ],
      trials,
      goal: 'max',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.topTrials).toBe(2);
    expect(result.importances.map((i) => i.name)).toEqual(['a', 'b']);
    expect(result.importances[0]!.divergence).toBeCloseTo(0.04, 12);
    expect(result.importances[0]!.importance).toBeCloseTo(1, 12);
    expect(result.importances[1]!.divergence).toBeCloseTo(0, 12);
  });

  it('goal min takes the lowest objectives as the top set', () => {
    const trials = Array.from({ length: 10 }, (_, i) => ({ values: { a: i >= 8 ? 'x' : 'y' }, objective: i }));
    const max = pedAnovaImportance({ parameters: [{ name: 'a', scale: 'categorical' }], trials, goal: 'max' });
    const min = pedAnovaImportance({ parameters: [{ name: 'a', scale: 'categorical' }], trials, goal: 'min' });
    // max: top = {8, 9}, both x (p_all(x) = 0.2): v = 0.04·(0.2·(5−1)² + 0.8·1) = 0.16. min: top = {0, 1}, both y: v = 0.04·(0.2·1 + 0.8·0.25²) = 0.01.
    expect(max.ok && max.importances[0]!.divergence).toBeCloseTo(0.16, 12);
    expect(min.ok && min.importances[0]!.divergence).toBeCloseTo(0.01, 12);
  });

  it('a numeric parameter that decides the objective outranks one that does not (log scale)', () => {
    const trials = Array.from({ length: 40 }, (_, i) => {
      const lr = 10 ** (-4 + (3 * ((i * 7) % 40)) / 39);
      const noise = (i * 13) % 40;
      return { values: { learningRate: lr, dropout: noise / 40 }, objective: -Math.abs(Math.log10(lr) + 2.5) };
    });
    const result = pedAnovaImportance({
      parameters: [
        { name: 'learningRate', scale: 'log' },
        { name: 'dropout', scale: 'linear' },
      ],
      trials,
      goal: 'max',
    });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.importances[0]!.name).toBe('learningRate');
      expect(result.importances[0]!.importance).toBeGreaterThan(0.7);
    }
  });

  it(`refuses fewer than ${MIN_IMPORTANCE_TRIALS} finished trials with a message`, () => {
    const result = pedAnovaImportance({
      parameters: [{ name: 'a', scale: 'categorical' }],
      trials: [
        { values: { a: 1 }, objective: 1 },
        { values: { a: 2 }, objective: Number.NaN },
      ],
      goal: 'max',
    });
    expect(result).toEqual({ ok: false, reason: `parameter importance needs at least ${MIN_IMPORTANCE_TRIALS} finished trials; this sweep has 1` });
  });
});
