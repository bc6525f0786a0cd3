import {
  objectiveValue,
  paretoFront,
  parseSweepSpec,
  pedAnovaImportance,
  type Domain,
  type ImportanceResult,
  type LeaderboardRow,
  type ParameterScale,
  type ParetoObjective,
  type SweepSpec,
} from '@fermx/contracts';
import { rankLeaderboard, type RankedRow } from './ranked-leaderboard.js';

/** ASHA's rung records of a sweep (SuccessiveHalving.rungs). */
export type RungRecords = { epoch: number; trials: { trialId: string; metric: number }[] }[];

/**
 * What the sweep page's analysis shows (docs/LEADERBOARD.md, "Sweep analysis"), computed from the
 * sweep's spec, its leaderboard rows and ASHA's rung records. The objective is the leaderboard's:
 * val accuracy of the ranked model (higher is better).
 */
export interface SweepAnalysis {
  objective: { name: 'val_accuracy'; goal: 'max' };
  /** Finished trials in completion order with the best value so far. */
  history: { order: number; trialId: string; finishedAt: string; value: number; bestSoFar: number }[];
  /** One slice per searched parameter: objective against the parameter's value. */
  slices: { name: string; scale: ParameterScale; points: { trialId: string; value: unknown; objective: number }[] }[];
  importance: ImportanceResult;
  /** Present when the spec names objectives: every feasible finished trial's values and whether it is on the front. */
  pareto?: { objectives: ParetoObjective[]; points: { trialId: string; values: number[]; optimal: boolean }[] };
  /** Present for sweeps with halving: each rung's trials, best first, with the keep/stop decision. */
  ladder?: { reductionFactor: number; rungs: { epoch: number; trials: { trialId: string; metric: number; decision: 'continue' | 'stop' | 'pending' }[] }[] };
  /** Trials that broke a measured constraint (kept out of importance, history and the front). */
  infeasible: { trialId: string; violations: string[] }[];
}

/** Parameter scale of a search domain: ranges are numeric (log for loguniform), lists are categories. */
export function scaleOf(domain: Domain<unknown>): ParameterScale | undefined {
  switch (domain.kind) {
    case 'fixed':
      return undefined;
    case 'loguniform':
      return 'log';
    case 'uniform':
    case 'int':
      return 'linear';
    default:
      return 'categorical';
  }
}

/** The searched parameters of a spec (fixed ones say nothing), plus the model variant when there are several. */
export function searchedParameters(spec: SweepSpec): { name: string; scale: ParameterScale }[] {
  const out: { name: string; scale: ParameterScale }[] = [];
  if ((spec.models?.length ?? 1) > 1) out.push({ name: 'model', scale: 'categorical' });
  for (const [name, domain] of Object.entries(spec.parameters) as [string, Domain<unknown> | undefined][]) {
    const scale = domain ? scaleOf(domain) : undefined;
    if (scale) out.push({ name, scale });
  }
  return out;
}

function valueOf(row: LeaderboardRow, name: string): unknown {
  if (name === 'model') return row.variant ?? row.model;
  const v = row.params[name];
  if (name === 'augmentation') return v === 'none' || v === false ? 'off' : 'on';
  return v;
}

export function analyseSweep(specInput: unknown, rows: readonly LeaderboardRow[], rungs: RungRecords): SweepAnalysis {
  const parsed = parseSweepSpec(specInput);
  const spec = parsed.ok ? parsed.spec : undefined;
  const sweepId = rows[0]?.sweepId;
  const rules = new Map(
    sweepId && spec
      ? [[sweepId, { ...(spec.objectives ? { objectives: spec.objectives } : {}), ...(spec.constraints ? { constraints: spec.constraints } : {}) }]]
      : [],
  );
  // Rows listed under this sweep but owned by another (shared trials) take this sweep's rules too.
  const ranked: RankedRow[] = rankLeaderboard(
    rows.map((r) => ({ ...r, sweepId: sweepId ?? r.sweepId })),
    rules,
  );
  const feasible = ranked.filter((r) => !r.infeasible);
  const parameters = spec ? searchedParameters(spec) : [];

  let best = Number.NEGATIVE_INFINITY;
  const history = [...feasible]
    .sort((a, b) => a.finishedAt.localeCompare(b.finishedAt) || a.trialId.localeCompare(b.trialId))
    .map((r, i) => {
      best = Math.max(best, r.valAccuracy);
      return { order: i + 1, trialId: r.trialId, finishedAt: r.finishedAt, value: r.valAccuracy, bestSoFar: best };
    });

  const slices = parameters.map(({ name, scale }) => ({
    name,
    scale,
    points: feasible.map((r) => ({ trialId: r.trialId, value: valueOf(r, name), objective: r.valAccuracy })),
  }));

  const importance = pedAnovaImportance({
    parameters,
    trials: feasible.map((r) => ({ values: Object.fromEntries(parameters.map(({ name }) => [name, valueOf(r, name)])), objective: r.valAccuracy })),
    goal: 'max',
  });

  const analysis: SweepAnalysis = {
    objective: { name: 'val_accuracy', goal: 'max' },
    history,
    slices,
    importance,
    infeasible: ranked.filter((r) => r.infeasible).map((r) => ({ trialId: r.trialId, violations: r.infeasible! })),
  };

  if (spec?.objectives) {
    const objectives = spec.objectives;
    const values = feasible.map((r) => objectives.map((o) => objectiveValue(o.name, r)));
    const optimal = paretoFront(
      values,
      objectives.map((o) => o.goal),
    );
    analysis.pareto = { objectives, points: feasible.map((r, i) => ({ trialId: r.trialId, values: values[i]!, optimal: optimal[i]! })) };
  }

  if (spec?.halving && rungs.length) {
    const byId = new Map(rows.map((r) => [r.trialId, r]));
    const reached = new Map<string, number>(); // trialId -> highest rung recorded
    for (const rung of rungs) for (const t of rung.trials) reached.set(t.trialId, Math.max(reached.get(t.trialId) ?? 0, rung.epoch));
    analysis.ladder = {
      reductionFactor: spec.halving.reductionFactor,
      rungs: rungs.map((rung) => ({
        epoch: rung.epoch,
        trials: rung.trials.map((t) => ({ ...t, decision: rungDecisionOf(byId.get(t.trialId), reached.get(t.trialId)!, rung.epoch) })),
      })),
    };
  }
  return analysis;
}

/**
 * A trial's decision at a rung, read from what happened next: it continued when it reached a later
 * rung or trained past this one; it was stopped when it finished stopped-early at this rung's epoch;
 * otherwise it is still running (pending).
 */
function rungDecisionOf(row: LeaderboardRow | undefined, highestRung: number, epoch: number): 'continue' | 'stop' | 'pending' {
  if (highestRung > epoch) return 'continue';
  if (row) {
    if (row.epochs > epoch) return 'continue';
    if (row.status === 'stopped-early' && row.epochs === epoch) return 'stop';
  }
  return 'pending';
}
