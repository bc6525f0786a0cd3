import { describe, expect, it } from 'vitest';
import { leaderboardRow, type LeaderboardRow } from '@fermx/contracts';
import { exampleTrialResult } from '@fermx/contracts/testing';
import { rankLeaderboard } from './ranked-leaderboard.js';
import { sweepRules } from './sweep-rules.js';

function row(trialId: string, valAccuracy: number, extra: Partial<LeaderboardRow> = {}): LeaderboardRow {
  return { ...leaderboardRow(exampleTrialResult({ valAccuracy })), trialId, valCount: 384, ...extra };
}

describe('rankLeaderboard', () => {
  it('marks ties with the best, the Pareto front of sweeps with objectives, and puts infeasible trials last', async () => {
    const rows = [
      row('t-a', 0.9, { sweepId: 's1', parameters: 2_000_000, imagesPerSecond: 50 }), // too slow: infeasible
      row('t-b', 0.85, { sweepId: 's1', parameters: 1_000_000, imagesPerSecond: 400 }),
      row('t-c', 0.83, { sweepId: 's1', parameters: 100_000, imagesPerSecond: 900 }),
      row('t-d', 0.78, { sweepId: 's1', parameters: 500_000, imagesPerSecond: 500 }),
      row('t-e', 0.84, { sweepId: 's2' }),
    ];
    const specs: Record<string, unknown> = {
      s1: {
        name: 's1',
        dataset: 'file:///d',
        model: { architecture: 'cnn' },
        objectives: ['val_accuracy', 'parameters'],
        constraints: { imagesPerSecond: { min: 100 } },
      },
      s2: { name: 's2', dataset: 'file:///d', model: { architecture: 'cnn' } },
    };
    const rules = await sweepRules(['s1', 's2', 'gone'], async (id) => (specs[id] ? { spec: specs[id] } : undefined));
    const ranked = rankLeaderboard(rows, rules);
    expect(ranked.map((r) => [r.rank, r.trialId])).toEqual([
      [1, 't-b'],
      [2, 't-c'],
      [3, 't-d'],
      [4, 't-e'],
      [5, 't-a'],
    ]);
    const by = Object.fromEntries(ranked.map((r) => [r.trialId, r]));
    expect(by['t-a']!.infeasible).toEqual(['imagesPerSecond 50 < min 100']);
    expect(by['t-a']!.tiedWithBest).toBe(false);
    // Best feasible is t-b (0.85): 0.83 and 0.84 are within noise on 384 images, 0.78 is not.
    expect([by['t-b']!.tiedWithBest, by['t-c']!.tiedWithBest, by['t-e']!.tiedWithBest, by['t-d']!.tiedWithBest]).toEqual([true, true, true, false]);
    // s1 trades accuracy against weights: t-d (0.78, 500k) is dominated by t-c (0.83, 100k).
    expect([by['t-b']!.paretoOptimal, by['t-c']!.paretoOptimal, by['t-d']!.paretoOptimal, by['t-a']!.paretoOptimal]).toEqual([true, true, false, false]);
    expect(by['t-e']).not.toHaveProperty('paretoOptimal');
  });
});
