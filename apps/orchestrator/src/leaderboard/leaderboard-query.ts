import { aggregateRepeats, type AggregatedRow } from '@fermx/contracts';
import type { LeaderboardQuery } from '@fermx/queue';
import type { Runtime } from '../runtime.js';
import { rankLeaderboard, type RankedRow } from './ranked-leaderboard.js';
import { sweepRules } from './sweep-rules.js';

/** The leaderboard as `GET /api/leaderboard` and `fermx leaderboard` show it: ties, Pareto front and constraints applied. */
export async function rankedLeaderboard(runtime: Pick<Runtime, 'index' | 'catalog'>, query: LeaderboardQuery): Promise<RankedRow[]> {
  const rows = await runtime.index.query(query);
  const rules = await sweepRules(
    rows.map((r) => r.sweepId),
    (id) => runtime.catalog.get(id),
  );
  return rankLeaderboard(rows, rules);
}

/** `?aggregate=repeats` / `--aggregate`: rows that differ only in their seed become one line (mean ± sd). */
export async function aggregatedLeaderboard(runtime: Pick<Runtime, 'index' | 'catalog'>, query: LeaderboardQuery): Promise<AggregatedRow[]> {
  const ranked = await rankedLeaderboard(runtime, query);
  return aggregateRepeats(ranked.filter((r) => !r.infeasible));
}
