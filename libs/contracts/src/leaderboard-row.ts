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
  valAccuracy: number;
  testAccuracy: number | null;
  macroF1: number;
  epochs: number;
  trainingSeconds: number;
  imagesPerSecond: number;
  backend: string;
  host: string;
  status: TrialResult['status'];
  finishedAt: string;
}

export function leaderboardRow(result: TrialResult, rank = 0): LeaderboardRow {
  const row: LeaderboardRow = {
    rank,
    trialId: result.trialId,
    sweepId: result.sweepId,
    sweepName: result.sweepName,
    dataset: result.dataset.uri,
    model: result.model.architecture,
    params: trialParams(result),
    parameters: result.parameters,
    valAccuracy: result.metrics.valAccuracy,
    testAccuracy: result.metrics.testAccuracy ?? null,
    macroF1: result.metrics.macroF1,
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
