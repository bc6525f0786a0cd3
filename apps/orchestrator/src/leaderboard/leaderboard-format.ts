import type { AggregatedRow, LeaderboardRow, MeanSd } from '@fermx/contracts';
import { formatCsv, formatTable, percent } from '../terminal/table.js';
import { LEADERBOARD_CSV_HEADER, leaderboardCsvCells } from '../web/public/lib/leaderboard-csv.js';
import type { RankedRow } from './ranked-leaderboard.js';

const PARAM_ORDER = ['dropout', 'middleFlowRepeats', 'width', 'batchSize', 'learningRate', 'epochs', 'seed', 'augmentation'];

/** `dropout=0.5 repeats=3 bs=64 lr=0.001 …` — the searched knobs, short. */
export function formatParams(params: Record<string, unknown>): string {
  const short: Record<string, string> = { middleFlowRepeats: 'repeats', batchSize: 'bs', learningRate: 'lr', augmentation: 'aug' };
  const keys = [
    ...PARAM_ORDER.filter((k) => k in params),
    ...Object.keys(params)
      .filter((k) => !PARAM_ORDER.includes(k))
      .sort(),
  ];
  return keys
    .map((k) => {
      const v = params[k];
      const text =
        k === 'augmentation'
          ? v === 'none' || v === false
            ? 'none'
            : 'on'
          : Array.isArray(v)
            ? v.join(',')
            : typeof v === 'object'
              ? JSON.stringify(v)
              : String(v);
      return `${short[k] ?? k}=${text}`;
    })
    .join(' ');
}

/** "82.1–89.3" (percent, no sign): a 95 % interval in a table cell. */
export function intervalText(interval: [number, number] | null | undefined): string {
  return interval ? `${(interval[0] * 100).toFixed(1)}–${(interval[1] * 100).toFixed(1)}` : '—';
}

/** "≈" tied with the best (within noise), "P" Pareto-optimal, "infeasible: …" a broken constraint. */
export function rowMarks(r: Partial<RankedRow>): string {
  const marks: string[] = [];
  if (r.tiedWithBest) marks.push('≈');
  if (r.paretoOptimal) marks.push('P');
  if (r.infeasible?.length) marks.push(`infeasible: ${r.infeasible.join('; ')}`);
  return marks.join(' ');
}

export function leaderboardTable(rows: (LeaderboardRow | RankedRow)[]): string {
  if (rows.length === 0) return 'No results yet.\n';
  const table = formatTable(
    [
      '#',
      'trial',
      'sweep',
      'model',
      'params',
      'val acc',
      'val 95% CI',
      'test acc',
      'macro-F1',
      'epoch',
      'other epoch',
      'time s',
      'img/s',
      'backend',
      'host',
      'status',
      'marks',
    ],
    rows.map((r) => [
      r.rank,
      r.trialId,
      r.sweepName,
      r.variant ?? r.model,
      formatParams(r.params),
      percent(r.valAccuracy),
      intervalText(r.valInterval),
      percent(r.testAccuracy),
      percent(r.macroF1),
      rankedEpochText(r),
      otherEpochText(r),
      r.trainingSeconds.toFixed(1),
      Math.round(r.imagesPerSecond),
      r.backend,
      r.host,
      r.status,
      rowMarks(r),
    ]),
  );
  const legend = rows.some((r) => 'tiedWithBest' in r)
    ? "≈ statistically tied with the best on the same val set (two-proportion test, 5 %); P Pareto-optimal for the sweep's objectives\n"
    : '';
  return table + legend;
}

/** Which epoch's model a row ranks: "last 30" or "best 22/30". */
export function rankedEpochText(r: Pick<LeaderboardRow, 'ranked' | 'epoch' | 'epochs'>): string {
  return r.ranked === 'best' ? `best ${r.epoch}/${r.epochs}` : `last ${r.epochs}`;
}

/** The other epoch's val accuracy beside the ranked one: "last 88.54%" / "best 90.10%", or "—" when only one model was kept. */
export function otherEpochText(r: Pick<LeaderboardRow, 'ranked' | 'otherValAccuracy'>): string {
  return typeof r.otherValAccuracy === 'number' ? `${r.ranked === 'best' ? 'last' : 'best'} ${percent(r.otherValAccuracy)}` : '—';
}

/** "82.00% ± 1.20" (sd in points) or just the mean for one replicate. */
export function meanSdText(m: MeanSd | null): string {
  if (!m) return '—';
  return m.sd === null ? percent(m.mean) : `${percent(m.mean)} ± ${(m.sd * 100).toFixed(2)}`;
}

/** "last 85.16% ± 0.26 / 81.38% ± 0.59": the replicates' other model (best or last epoch), val / test. */
export function otherModelText(other: AggregatedRow['other']): string {
  return other ? `${other.model} ${meanSdText(other.valAccuracy)} / ${meanSdText(other.testAccuracy)}` : '—';
}

/** `fermx leaderboard --aggregate`: one line per configuration, its seed replicates as mean ± sd. */
export function aggregatedTable(rows: AggregatedRow[]): string {
  if (rows.length === 0) return 'No results yet.\n';
  return formatTable(
    ['#', 'sweep', 'model', 'params', 'n', 'seeds', 'val acc (mean ± sd)', 'test acc (mean ± sd)', 'other epoch: val / test', 'macro-F1', 'img/s', 'status'],
    rows.map((r) => [
      r.rank,
      r.sweepName,
      r.variant ?? r.model,
      formatParams(r.params),
      r.replicates,
      r.seeds.join(','),
      meanSdText(r.valAccuracy),
      meanSdText(r.testAccuracy),
      otherModelText(r.other),
      meanSdText(r.macroF1),
      Math.round(r.imagesPerSecond.mean),
      r.status,
    ]),
  );
}

/** CSV of the leaderboard: the same columns as the page's export (web/public/lib/leaderboard-csv.js). */
export function leaderboardCsv(rows: (LeaderboardRow | (Partial<RankedRow> & LeaderboardRow))[]): string {
  return formatCsv(
    LEADERBOARD_CSV_HEADER,
    rows.map((r) => leaderboardCsvCells(r)),
  );
}

/** CSV of `--aggregate`: one line per configuration. */
export function aggregatedCsv(rows: AggregatedRow[]): string {
  return formatCsv(
    [
      'rank',
      'sweepId',
      'sweepName',
      'dataset',
      'model',
      'variant',
      'params',
      'replicates',
      'seeds',
      'trialIds',
      'valAccuracyMean',
      'valAccuracySd',
      'testAccuracyMean',
      'testAccuracySd',
      'macroF1Mean',
      'macroF1Sd',
      'imagesPerSecondMean',
      'status',
      'otherModel',
      'otherValAccuracyMean',
      'otherValAccuracySd',
      'otherTestAccuracyMean',
      'otherTestAccuracySd',
    ],
    rows.map((r) => [
      r.rank,
      r.sweepId,
      r.sweepName,
      r.dataset,
      r.model,
      r.variant ?? '',
      JSON.stringify(r.params),
      r.replicates,
      r.seeds.join(' '),
      r.trialIds.join(' '),
      r.valAccuracy.mean,
      r.valAccuracy.sd,
      r.testAccuracy?.mean ?? null,
      r.testAccuracy?.sd ?? null,
      r.macroF1.mean,
      r.macroF1.sd,
      r.imagesPerSecond.mean,
      r.status,
      r.other?.model ?? '',
      r.other?.valAccuracy.mean ?? null,
      r.other?.valAccuracy.sd ?? null,
      r.other?.testAccuracy?.mean ?? null,
      r.other?.testAccuracy?.sd ?? null,
    ]),
  );
}
