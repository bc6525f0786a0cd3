import { measuredViolations, paretoTrialIds, tiesWithBest, type LeaderboardRow } from '@fermx/contracts';
import type { SweepRules } from './sweep-rules.js';

/**
 * A leaderboard row with what noise, objectives and constraints say about it
 * (docs/ORCHESTRATOR.md, "Noise-aware ranking" and "Constraints and objectives").
 */
export interface RankedRow extends LeaderboardRow {
  /** Best of its dataset or statistically tied with it; null when a val count is missing. */
  tiedWithBest: boolean | null;
  /** On the Pareto front of its sweep's `objectives` (absent when the sweep names none). */
  paretoOptimal?: boolean;
  /** The measured constraints it breaks (absent when it meets them all): kept, shown, never ranked best. */
  infeasible?: string[];
}

/**
 * Ranks rows (already best first): feasible rows keep their order, infeasible ones follow; ranks
 * are renumbered. Ties are tested against the best feasible row of each dataset; the Pareto front
 * is taken over each sweep's feasible rows.
 */
export function rankLeaderboard(rows: readonly LeaderboardRow[], rules: ReadonlyMap<string, SweepRules>): RankedRow[] {
  const violations = new Map(rows.map((r) => [r.trialId, measuredViolations(r, rules.get(r.sweepId)?.constraints)]));
  const feasible = rows.filter((r) => violations.get(r.trialId)!.length === 0);
  const ties = tiesWithBest(feasible);
  const pareto = new Set<string>();
  const bySweep = new Map<string, LeaderboardRow[]>();
  for (const r of feasible) bySweep.set(r.sweepId, [...(bySweep.get(r.sweepId) ?? []), r]);
  for (const [sweepId, sweepRows] of bySweep) {
    const objectives = rules.get(sweepId)?.objectives;
    if (objectives) for (const id of paretoTrialIds(sweepRows, objectives)) pareto.add(id);
  }
  const ordered = [...feasible, ...rows.filter((r) => violations.get(r.trialId)!.length > 0)];
  return ordered.map((r, i) => {
    const broken = violations.get(r.trialId)!;
    const ranked: RankedRow = { ...r, rank: i + 1, tiedWithBest: broken.length ? false : (ties.get(r.trialId) ?? null) };
    if (rules.get(r.sweepId)?.objectives) ranked.paretoOptimal = pareto.has(r.trialId);
    if (broken.length) ranked.infeasible = broken;
    return ranked;
  });
}
