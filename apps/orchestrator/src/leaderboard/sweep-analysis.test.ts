import { describe, expect, it } from 'vitest';
import { leaderboardRow, type LeaderboardRow } from '@fermx/contracts';
import { exampleTrialResult } from '@fermx/contracts/testing';
import { analyseSweep } from './sweep-analysis.js';

const spec = {
  name: 'a',
  dataset: 'file:///d',
  model: { architecture: 'cnn' },
  parameters: { learningRate: { loguniform: [1e-4, 1e-2] }, batchSize: { choice: [32, 64] }, epochs: 8 },
  strategy: { type: 'random', n: 12 },
  halving: { rungs: [2, 4], reductionFactor: 2 },
  objectives: ['val_accuracy', 'parameters'],
  constraints: { imagesPerSecond: { min: 100 } },
};

function row(i: number, extra: Partial<LeaderboardRow> = {}): LeaderboardRow {
  const r = leaderboardRow(exampleTrialResult({ valAccuracy: 0.5 + i / 100 }));
  return {
    ...r,
    trialId: `t-${i}`,
    sweepId: 's',
    finishedAt: `2026-01-01T00:00:${String(60 - i * 4).padStart(2, '0')}.000Z`,
    params: { ...r.params, learningRate: 10 ** (-4 + i / 6), batchSize: i % 2 ? 32 : 64 },
    parameters: 1000 * (12 - i),
    imagesPerSecond: 500,
    epochs: 8,
    valCount: 384,
    ...extra,
  };
}

describe('analyseSweep', () => {
  const rows = Array.from({ length: 12 }, (_, i) => row(i, i === 11 ? { imagesPerSecond: 10 } : i === 3 ? { status: 'stopped-early', epochs: 2 } : {}));
  const rungs = [
    {
      epoch: 2,
      trials: [
        { trialId: 't-4', metric: 0.6 },
        { trialId: 't-3', metric: 0.4 },
        { trialId: 't-5', metric: 0.55 },
      ],
    },
    { epoch: 4, trials: [{ trialId: 't-4', metric: 0.62 }] },
  ];
  const analysis = analyseSweep(spec, rows, rungs);

  it('history follows completion order with the best so far; infeasible trials are left out', () => {
    expect(analysis.history.map((h) => h.trialId)).toEqual(['t-10', 't-9', 't-8', 't-7', 't-6', 't-5', 't-4', 't-3', 't-2', 't-1', 't-0']);
    expect(analysis.history.every((h) => h.bestSoFar === 0.6)).toBe(true);
    expect(analysis.infeasible).toEqual([{ trialId: 't-11', violations: ['imagesPerSecond 10 < min 100'] }]);
  });

  it('slices and importance cover the searched parameters with their scales', () => {
    expect(analysis.slices.map((s) => [s.name, s.scale, s.points.length])).toEqual([
      ['batchSize', 'categorical', 11],
      ['learningRate', 'log', 11],
    ]);
    expect(analysis.importance.ok).toBe(true);
    if (analysis.importance.ok) expect(analysis.importance.importances[0]!.name).toBe('learningRate');
  });

  it('the Pareto front of accuracy vs weights: here better accuracy comes with fewer weights, so one trial', () => {
    expect(analysis.pareto!.points.filter((p) => p.optimal).map((p) => p.trialId)).toEqual(['t-10']);
  });

  it('the ASHA ladder reads each decision from what followed', () => {
    expect(analysis.ladder!.rungs[0]!.trials.map((t) => [t.trialId, t.decision])).toEqual([
      ['t-4', 'continue'],
      ['t-3', 'stop'],
      ['t-5', 'continue'],
    ]);
    expect(analysis.ladder!.rungs[1]!.trials.map((t) => [t.trialId, t.decision])).toEqual([['t-4', 'continue']]);
  });

  it('importance is refused below the minimum trial count', () => {
    const small = analyseSweep(spec, rows.slice(0, 4), []);
    expect(small.importance).toEqual({ ok: false, reason: 'parameter importance needs at least 10 finished trials; this sweep has 4' });
    expect(small.ladder).toBeUndefined();
  });
});
