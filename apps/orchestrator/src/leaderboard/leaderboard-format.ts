import type { LeaderboardRow } from '@fermx/contracts';
import { formatCsv, formatTable, percent } from '../terminal/table.js';

const PARAM_ORDER = ['dropout', 'middleFlowRepeats', 'width', 'batchSize', 'learningRate', 'epochs', 'seed', 'augmentation'];

/** `dropout=0.5 repeats=3 bs=64 lr=0.001 …` — the searched knobs, short. */
export function formatParams(params: Record<string, unknown>): string {
  const short: Record<string, string> = { middleFlowRepeats: 'repeats', batchSize: 'bs', learningRate: 'lr', augmentation: 'aug' };
  const keys = [...PARAM_ORDER.filter((k) => k in params), ...Object.keys(params).filter((k) => !PARAM_ORDER.includes(k)).sort()];
  return keys
    .map((k) => {
      const v = params[k];
      const text = k === 'augmentation' ? (v === 'none' || v === false ? 'none' : 'on') : typeof v === 'object' ? JSON.stringify(v) : String(v);
      return `${short[k] ?? k}=${text}`;
    })
    .join(' ');
}

export function leaderboardTable(rows: LeaderboardRow[]): string {
  if (rows.length === 0) return 'No results yet.\n';
  return formatTable(
    ['#', 'trial', 'sweep', 'model', 'params', 'val acc', 'test acc', 'macro-F1', 'epochs', 'time s', 'img/s', 'backend', 'host', 'status'],
    rows.map((r) => [
      r.rank, r.trialId, r.sweepName, r.variant ?? r.model, formatParams(r.params), percent(r.valAccuracy), percent(r.testAccuracy), percent(r.macroF1),
      r.epochs, r.trainingSeconds.toFixed(1), Math.round(r.imagesPerSecond), r.backend, r.host, r.status,
    ]),
  );
}

export const LEADERBOARD_CSV_HEADER = [
  'rank', 'trialId', 'sweepId', 'sweepName', 'dataset', 'model', 'variant', 'params', 'parameters', 'valAccuracy', 'testAccuracy', 'macroF1', 'epochs',
  'trainingSeconds', 'imagesPerSecond', 'backend', 'host', 'status', 'finishedAt',
];

export function leaderboardCsv(rows: LeaderboardRow[]): string {
  return formatCsv(
    LEADERBOARD_CSV_HEADER,
    rows.map((r) => [
      r.rank, r.trialId, r.sweepId, r.sweepName, r.dataset, r.model, r.variant ?? '', JSON.stringify(r.params), r.parameters, r.valAccuracy, r.testAccuracy,
      r.macroF1, r.epochs, r.trainingSeconds, r.imagesPerSecond, r.backend, r.host, r.status, r.finishedAt,
    ]),
  );
}
