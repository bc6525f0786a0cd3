import { parseSweepSpec, type Constraints, type MetricSpec, type ParetoObjective } from '@fermx/contracts';
import type { SweepRecord } from '../sweeps/sweep-record.js';

/** What a sweep's spec says about ranking its trials: objectives (Pareto) and constraints. */
export interface SweepRules {
  objectives?: ParetoObjective[];
  constraints?: Constraints;
  /** The objective its trials are ranked by within the sweep (sweep-objective.ts). */
  metric?: MetricSpec;
}

/** The rules of each sweep (its stored spec re-parsed; a sweep without a readable spec has none). */
export async function sweepRules(
  sweepIds: Iterable<string>,
  getRecord: (sweepId: string) => Promise<Pick<SweepRecord, 'spec'> | undefined>,
): Promise<Map<string, SweepRules>> {
  const ids = [...new Set(sweepIds)];
  const records = await Promise.all(ids.map((id) => getRecord(id).catch(() => undefined)));
  const out = new Map<string, SweepRules>();
  ids.forEach((id, i) => {
    const parsed = records[i] ? parseSweepSpec(records[i]!.spec) : undefined;
    if (!parsed?.ok) return;
    const rules: SweepRules = { metric: parsed.spec.metric };
    if (parsed.spec.objectives) rules.objectives = parsed.spec.objectives;
    if (parsed.spec.constraints) rules.constraints = parsed.spec.constraints;
    out.set(id, rules);
  });
  return out;
}
