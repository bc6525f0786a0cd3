import { describe, expect, it } from 'vitest';
import { exampleTrialResult } from './testing/examples.js';
import { leaderboardRow } from './leaderboard-row.js';
import { aggregateRepeats, meanSd, replicateSeed } from './repeats.js';

describe('repeats', () => {
  it('replicate 0 keeps the base seed, the others are derived deterministically', () => {
    expect([0, 1, 2].map((k) => replicateSeed(7, k))).toEqual([7, 8, 9]);
  });

  it('meanSd uses the sample standard deviation', () => {
    const { mean, sd } = meanSd([0.8, 0.82, 0.84]);
    expect(mean).toBeCloseTo(0.82, 12);
    expect(sd).toBeCloseTo(0.02, 12);
    expect(meanSd([0.5])).toEqual({ mean: 0.5, sd: null });
  });

  it('groups rows that differ only in their seed into one line, best mean first', () => {
    const row = (trialId: string, seed: number, valAccuracy: number, dropout = 0.5) => {
      const r = leaderboardRow(exampleTrialResult({ valAccuracy }));
      return { ...r, trialId, params: { ...r.params, seed, dropout } };
    };
    const rows = [row('t-a0', 0, 0.8), row('t-a1', 1, 0.84), row('t-a2', 2, 0.82), row('t-b0', 0, 0.83, 0.2)];
    const agg = aggregateRepeats(rows);
    expect(agg).toHaveLength(2);
    expect(agg[0]!.trialIds).toEqual(['t-b0']);
    expect(agg[0]!.valAccuracy).toEqual({ mean: 0.83, sd: null });
    expect(agg[1]!.rank).toBe(2);
    expect(agg[1]!.trialIds).toEqual(['t-a0', 't-a1', 't-a2']);
    expect(agg[1]!.seeds).toEqual([0, 1, 2]);
    expect(agg[1]!.replicates).toBe(3);
    expect(agg[1]!.valAccuracy.mean).toBeCloseTo(0.82, 12);
    expect(agg[1]!.valAccuracy.sd).toBeCloseTo(0.02, 12);
    expect(agg[1]!.params).not.toHaveProperty('seed');
  });

  it('keeps the other model apart: the last epoch beside a ranked best, only when every replicate has it', () => {
    const withBest = (trialId: string, seed: number, best: number, last: number) => {
      const bestModel = {
        epoch: 3,
        valAccuracy: best,
        valLoss: 0.5,
        testAccuracy: best - 0.02,
        macroF1: 0.8,
        perClassAccuracy: [],
        confusionMatrix: [],
        modelUri: 'm',
      };
      const r = leaderboardRow(exampleTrialResult({ valAccuracy: last, rankedBy: 'best', best: bestModel }));
      return { ...r, trialId, params: { ...r.params, seed } };
    };
    const rows = [withBest('t-1', 1, 0.86, 0.84), withBest('t-2', 2, 0.88, 0.86)];
    expect(rows.map((r) => [r.ranked, r.valAccuracy, r.otherValAccuracy, r.otherTestAccuracy])).toEqual([
      ['best', 0.86, 0.84, 0.83],
      ['best', 0.88, 0.86, 0.85],
    ]);
    const [agg] = aggregateRepeats(rows);
    expect(agg!.valAccuracy.mean).toBeCloseTo(0.87, 12);
    expect(agg!.other!.model).toBe('last');
    expect(agg!.other!.valAccuracy.mean).toBeCloseTo(0.85, 12);
    expect(agg!.other!.valAccuracy.sd).toBeCloseTo(Math.SQRT2 / 100, 12);
    expect(agg!.other!.testAccuracy!.mean).toBeCloseTo(0.84, 12);

    // A row indexed before the other model's test accuracy was recorded: val only.
    const { otherTestAccuracy: _old, ...older } = rows[1]!;
    expect(aggregateRepeats([rows[0]!, older])[0]!.other!.testAccuracy).toBeNull();
    // A replicate that ranks its last epoch (no best kept) has no other model: nothing is joined.
    const lastOnly = { ...rows[1]!, ranked: 'last' as const, otherValAccuracy: null };
    expect(aggregateRepeats([rows[0]!, lastOnly])[0]!.other).toBeNull();
  });
});
