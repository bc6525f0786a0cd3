import { accuracyInterval } from './accuracy-interval.js';
import { trialParams } from './expand.js';
import type { TrialResult } from './trial.js';

/** One leaderboard line (HTTP `GET /api/leaderboard`, `fermx leaderboard --json`). */
export interface LeaderboardRow {
  rank: number;
  trialId: string;
  sweepId: string;
  sweepName: string;
  variant?: string;
  dataset: string;
  model: string;
  params: Record<string, unknown>;
  parameters: number;
  /** Which model the figures below are of: the last epoch's or the best epoch's (result.rankedBy). */
  ranked: 'last' | 'best';
  /** Epoch of the ranked model. */
  epoch: number;
  valAccuracy: number;
  /** 95 % Wilson interval of valAccuracy over the val images. */
  valInterval: [number, number];
  /** Val images behind valAccuracy (for statistical ties); absent in rows indexed before it was recorded. */
  valCount?: number;
  testAccuracy: number | null;
  testInterval: [number, number] | null;
  macroF1: number;
  /** The other model's val accuracy (the last when the best is ranked, and vice versa); null when there is none. */
  otherValAccuracy: number | null;
  /** The other model's test accuracy; null when there is none; absent in rows indexed before it was recorded. */
  otherTestAccuracy?: number | null;
  epochs: number;
  trainingSeconds: number;
  imagesPerSecond: number;
  backend: string;
  host: string;
  status: TrialResult['status'];
  finishedAt: string;
}

/** The figures of the model a result ranks: the best epoch's when rankedBy is best and it was kept, else the last's. */
export function rankedModel(result: TrialResult): {
  ranked: 'last' | 'best';
  epoch: number;
  valAccuracy: number;
  testAccuracy: number | undefined;
  macroF1: number;
  confusionMatrix: number[][];
  modelUri: string;
} {
  const best = result.rankedBy === 'best' ? result.best : undefined;
  if (best)
    return {
      ranked: 'best',
      epoch: best.epoch,
      valAccuracy: best.valAccuracy,
      testAccuracy: best.testAccuracy,
      macroF1: best.macroF1,
      confusionMatrix: best.confusionMatrix,
      modelUri: best.modelUri,
    };
  const m = result.metrics;
  return {
    ranked: 'last',
    epoch: result.curves.at(-1)?.epoch ?? result.epochsRun,
    valAccuracy: m.valAccuracy,
    testAccuracy: m.testAccuracy,
    macroF1: m.macroF1,
    confusionMatrix: m.confusionMatrix,
    modelUri: result.modelUri,
  };
}

export function leaderboardRow(result: TrialResult, rank = 0): LeaderboardRow {
  const ranked = rankedModel(result);
  const valCount = result.metrics.confusionMatrix.reduce((n, row) => n + row.reduce((a, b) => a + b, 0), 0);
  const other = ranked.ranked === 'best' ? result.metrics : result.best;
  const row: LeaderboardRow = {
    rank,
    trialId: result.trialId,
    sweepId: result.sweepId,
    sweepName: result.sweepName,
    dataset: result.dataset.uri,
    model: result.model.architecture,
    params: trialParams(result),
    parameters: result.parameters,
    ranked: ranked.ranked,
    epoch: ranked.epoch,
    valAccuracy: ranked.valAccuracy,
    valInterval: accuracyInterval(ranked.valAccuracy, valCount),
    valCount,
    testAccuracy: ranked.testAccuracy ?? null,
    testInterval: ranked.testAccuracy !== undefined && result.testCount ? accuracyInterval(ranked.testAccuracy, result.testCount) : null,
    macroF1: ranked.macroF1,
    otherValAccuracy: other?.valAccuracy ?? null,
    otherTestAccuracy: other?.testAccuracy ?? null,
    epochs: result.epochsRun,
    trainingSeconds: result.timing.trainingSeconds,
    imagesPerSecond: result.timing.imagesPerSecond,
    backend: result.backend,
    host: result.host,
    status: result.status,
    finishedAt: result.finishedAt,
  };
  if (result.variant) row.variant = result.variant;
  return row;
}

/** Best first: val accuracy desc, then test accuracy desc, then trial id for a stable order. */
export function compareRows(a: Pick<LeaderboardRow, 'valAccuracy' | 'testAccuracy' | 'trialId'>, b: typeof a): number {
  return b.valAccuracy - a.valAccuracy || (b.testAccuracy ?? -1) - (a.testAccuracy ?? -1) || a.trialId.localeCompare(b.trialId);
}
