import { compareRows, DEFAULT_METRIC, resultObjective, type LeaderboardRow, type MetricSpec, type TrialResult } from '@fermx/contracts';

/** Reads a trial's result.json (undefined when it is missing or unreadable). */
export type ResultReader = (row: Pick<LeaderboardRow, 'sweepId' | 'trialId'>) => Promise<Pick<TrialResult, 'metrics' | 'curves'> | undefined>;

/** True for the objective the index already sorts by (val accuracy of the ranked model, higher first). */
export function isIndexOrder(metric: MetricSpec): boolean {
  return metric.name === DEFAULT_METRIC.name && metric.goal === DEFAULT_METRIC.goal && metric.summary === DEFAULT_METRIC.summary;
}

/**
 * Rows of one sweep ordered by the sweep's objective (its `metric`: name, goal, summary), best
 * first, the way ASHA and TPE judge its trials (libs/contracts objective.ts resultObjective).
 * `last` of val macro-F1 reads the row; other objectives read each trial's result.json. Rows
 * whose objective cannot be computed follow, in the index's order; equal values fall back to it.
 */
export async function orderBySweepMetric(rows: readonly LeaderboardRow[], metric: MetricSpec, readResult: ResultReader): Promise<LeaderboardRow[]> {
  if (isIndexOrder(metric)) return [...rows];
  const values = await Promise.all(
    rows.map(async (row): Promise<number | undefined> => {
      if (metric.summary === 'last' && metric.name === 'val_macro_f1' && row.ranked === 'last') return Number.isFinite(row.macroF1) ? row.macroF1 : undefined;
      const result = await readResult(row).catch(() => undefined);
      return result ? resultObjective(metric, result) : undefined;
    }),
  );
  const value = new Map(rows.map((r, i) => [r.trialId, values[i]]));
  const sign = metric.goal === 'max' ? -1 : 1;
  return [...rows].sort((a, b) => {
    const va = value.get(a.trialId);
    const vb = value.get(b.trialId);
    if (va === undefined || vb === undefined) return (va === undefined ? 1 : 0) - (vb === undefined ? 1 : 0) || compareRows(a, b);
    return sign * (va - vb) || compareRows(a, b);
  });
}
