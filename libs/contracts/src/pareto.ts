import { z } from 'zod';
import type { LeaderboardRow } from './leaderboard-row.js';

/**
 * Figures a sweep can trade off (`objectives:` in a sweep spec; docs/ORCHESTRATOR.md,
 * "Constraints and objectives"), each read from a leaderboard row.
 */
export const PARETO_OBJECTIVES = ['val_accuracy', 'val_macro_f1', 'parameters', 'images_per_second', 'training_seconds'] as const;
export type ParetoObjectiveName = (typeof PARETO_OBJECTIVES)[number];

const DEFAULT_GOALS: Record<ParetoObjectiveName, 'max' | 'min'> = {
  val_accuracy: 'max',
  val_macro_f1: 'max',
  parameters: 'min',
  images_per_second: 'max',
  training_seconds: 'min',
};

export const ParetoObjectiveSchema = z
  .union([z.enum(PARETO_OBJECTIVES), z.strictObject({ name: z.enum(PARETO_OBJECTIVES), goal: z.enum(['max', 'min']).optional() })], {
    error: `an objective is one of ${PARETO_OBJECTIVES.join(', ')} or { name, goal: max|min }`,
  })
  .transform((o) => {
    const spec = typeof o === 'string' ? { name: o } : o;
    return { name: spec.name, goal: spec.goal ?? DEFAULT_GOALS[spec.name] };
  });
export type ParetoObjective = z.infer<typeof ParetoObjectiveSchema>;

/** `objectives: [...]`: two to four figures, each named once. */
export const ParetoObjectivesSchema = z
  .array(ParetoObjectiveSchema)
  .min(2, 'objectives needs at least two entries (one objective is `metric`)')
  .max(4, 'objectives takes at most four entries')
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((o, i) => {
      if (seen.has(o.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `objective '${o.name}' is named twice` });
      seen.add(o.name);
    });
  });

/** The row's value of one objective. */
export function objectiveValue(
  name: ParetoObjectiveName,
  row: Pick<LeaderboardRow, 'valAccuracy' | 'macroF1' | 'parameters' | 'imagesPerSecond' | 'trainingSeconds'>,
): number {
  switch (name) {
    case 'val_accuracy':
      return row.valAccuracy;
    case 'val_macro_f1':
      return row.macroF1;
    case 'parameters':
      return row.parameters;
    case 'images_per_second':
      return row.imagesPerSecond;
    case 'training_seconds':
      return row.trainingSeconds;
  }
}

/** True when `a` dominates `b`: at least as good on every objective and strictly better on one. */
export function dominates(a: readonly number[], b: readonly number[], goals: readonly ('max' | 'min')[]): boolean {
  let strictly = false;
  for (let i = 0; i < goals.length; i++) {
    const d = goals[i] === 'max' ? a[i]! - b[i]! : b[i]! - a[i]!;
    if (d < 0) return false;
    if (d > 0) strictly = true;
  }
  return strictly;
}

/**
 * Pareto-optimal flags of points (one value per goal each): a point is optimal when no other
 * point dominates it. Points with a non-finite value are never optimal (and dominate nothing);
 * identical points are all optimal. O(n²·k), fine for sweep sizes (thousands of trials).
 */
export function paretoFront(points: readonly (readonly number[])[], goals: readonly ('max' | 'min')[]): boolean[] {
  const valid = points.map((p) => p.length === goals.length && p.every(Number.isFinite));
  return points.map((p, i) => {
    if (!valid[i]) return false;
    for (let j = 0; j < points.length; j++) if (j !== i && valid[j] && dominates(points[j]!, p, goals)) return false;
    return true;
  });
}

/** Trial ids on the Pareto front of the rows for the objectives. */
export function paretoTrialIds(rows: readonly LeaderboardRow[], objectives: readonly ParetoObjective[]): Set<string> {
  const goals = objectives.map((o) => o.goal);
  const flags = paretoFront(
    rows.map((r) => objectives.map((o) => objectiveValue(o.name, r))),
    goals,
  );
  return new Set(rows.filter((_, i) => flags[i]).map((r) => r.trialId));
}
