import { describe, expect, it } from 'vitest';
import { leaderboardRow, type LeaderboardRow, type TrialResult } from '@fermx/contracts';
import { exampleTrialResult } from '@fermx/contracts/testing';
import { rankedLeaderboard } from './leaderboard-query.js';
import { orderBySweepMetric } from './sweep-objective.js';

/** A result whose val accuracy and val loss disagree on the order (lower loss is not higher accuracy). */
function result(trialId: string, valAccuracy: number, valLoss: number, macroF1 = valAccuracy): TrialResult {
  const r = exampleTrialResult({ valAccuracy, trialId, sweepId: 's-loss' });
  return { ...r, metrics: { ...r.metrics, valLoss, macroF1 }, curves: r.curves.map((c) => ({ ...c, valLoss })) };
}

const results = [result('t-a', 0.9, 0.8, 0.5), result('t-b', 0.8, 0.3, 0.7), result('t-c', 0.7, 0.5, 0.6)];
const rows: LeaderboardRow[] = results.map((r) => ({ ...leaderboardRow(r), valCount: 384 }));
const read = async (row: Pick<LeaderboardRow, 'trialId'>) => results.find((r) => r.trialId === row.trialId);

describe('orderBySweepMetric', () => {
  it('orders one sweep by its objective and goal, not by val accuracy', async () => {
    const byLoss = await orderBySweepMetric(rows, { name: 'val_loss', goal: 'min', summary: 'last' }, read);
    expect(byLoss.map((r) => r.trialId)).toEqual(['t-b', 't-c', 't-a']);
    const byF1 = await orderBySweepMetric(rows, { name: 'val_macro_f1', goal: 'max', summary: 'last' }, async () => {
      throw new Error('macro-F1 last is read from the row');
    });
    expect(byF1.map((r) => r.trialId)).toEqual(['t-b', 't-c', 't-a']);
    expect((await orderBySweepMetric(rows, { name: 'val_accuracy', goal: 'max', summary: 'last' }, read)).map((r) => r.trialId)).toEqual(['t-a', 't-b', 't-c']);
  });

  it('puts rows whose objective cannot be read last', async () => {
    const ordered = await orderBySweepMetric(rows, { name: 'val_loss', goal: 'min', summary: 'best' }, async (row) =>
      row.trialId === 't-b' ? undefined : read(row),
    );
    expect(ordered.map((r) => r.trialId)).toEqual(['t-c', 't-a', 't-b']);
  });
});

describe('rankedLeaderboard', () => {
  const specs: Record<string, unknown> = {
    's-loss': { name: 's-loss', dataset: 'file:///d', model: { architecture: 'cnn' }, metric: 'val_loss', constraints: { imagesPerSecond: { min: 1 } } },
  };
  const runtime = {
    index: { query: async (q: { limit?: number }) => rows.slice(0, q.limit ?? rows.length) },
    catalog: {
      get: async (id: string) => (specs[id] ? { spec: specs[id] } : undefined),
      storage: {
        getOptional: async (key: string) => {
          const r = results.find((x) => key.includes(x.trialId));
          return r ? new TextEncoder().encode(JSON.stringify(r)) : undefined;
        },
      },
    },
  } as unknown as Parameters<typeof rankedLeaderboard>[0];

  it('ranks the rows of one sweep by its metric (limit applied after), across sweeps by val accuracy', async () => {
    expect((await rankedLeaderboard(runtime, { sweepId: 's-loss' })).map((r) => [r.rank, r.trialId])).toEqual([
      [1, 't-b'],
      [2, 't-c'],
      [3, 't-a'],
    ]);
    expect((await rankedLeaderboard(runtime, { sweepId: 's-loss', limit: 1 })).map((r) => r.trialId)).toEqual(['t-b']);
    expect((await rankedLeaderboard(runtime, {})).map((r) => r.trialId)).toEqual(['t-a', 't-b', 't-c']);
  });
});
