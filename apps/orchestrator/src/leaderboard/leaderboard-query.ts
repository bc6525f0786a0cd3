import { aggregateRepeats, runKeys, type AggregatedRow, type LeaderboardRow, type TrialResult } from '@fermx/contracts';
import type { Storage } from '@fermx/data';
import type { LeaderboardQuery } from '@fermx/queue';
import type { Runtime } from '../runtime.js';
import { rankLeaderboard, type RankedRow } from './ranked-leaderboard.js';
import { sweepRules } from './sweep-rules.js';
import { isIndexOrder, orderBySweepMetric } from './sweep-objective.js';

/** The leaderboard as `GET /api/leaderboard` and `fermx leaderboard` show it: ties, Pareto front and constraints applied. */
export async function rankedLeaderboard(runtime: Pick<Runtime, 'index' | 'catalog'>, query: LeaderboardQuery): Promise<RankedRow[]> {
  // One sweep's rows rank by that sweep's objective; across sweeps, by val accuracy (the index's order).
  const own = query.sweepId ? (await sweepRules([query.sweepId], (id) => runtime.catalog.get(id))).get(query.sweepId)?.metric : undefined;
  const reorder = own !== undefined && !isIndexOrder(own);
  const { limit, ...unlimited } = query;
  let rows = await runtime.index.query(reorder ? unlimited : query);
  if (reorder) {
    rows = await orderBySweepMetric(rows, own, (row) => readResult(runtime.catalog.storage, row));
    if (limit) rows = rows.slice(0, limit);
  }
  const rules = await sweepRules(
    rows.map((r) => r.sweepId),
    (id) => runtime.catalog.get(id),
  );
  return rankLeaderboard(rows, rules);
}

async function readResult(storage: Storage, row: Pick<LeaderboardRow, 'sweepId' | 'trialId'>): Promise<TrialResult | undefined> {
  const bytes = await storage.getOptional(runKeys.result(row.sweepId, row.trialId));
  return bytes ? (JSON.parse(new TextDecoder().decode(bytes)) as TrialResult) : undefined;
}

/** `?aggregate=repeats` / `--aggregate`: rows that differ only in their seed become one line (mean ± sd). */
export async function aggregatedLeaderboard(runtime: Pick<Runtime, 'index' | 'catalog'>, query: LeaderboardQuery): Promise<AggregatedRow[]> {
  const ranked = await rankedLeaderboard(runtime, query);
  return aggregateRepeats(ranked.filter((r) => !r.infeasible));
}
