import { z } from 'zod';
import type { LeaderboardRow } from './leaderboard-row.js';

/** A bound on one figure: min, max or both (inclusive). */
export const BoundSchema = z
  .strictObject({ min: z.number().optional(), max: z.number().optional() })
  .refine((b) => b.min !== undefined || b.max !== undefined, { message: 'give min, max or both' })
  .refine((b) => b.min === undefined || b.max === undefined || b.min <= b.max, { message: 'min must be <= max' });
export type Bound = z.infer<typeof BoundSchema>;

/**
 * Figures checked on a finished trial's leaderboard row. `parameters` is also checked at submit
 * (from the model factory: apps/orchestrator/src/sweeps/model-budget.ts) and again here; `flops`
 * is checked at submit only (results do not carry it).
 */
export const MEASURED_CONSTRAINTS = ['parameters', 'valAccuracy', 'macroF1', 'imagesPerSecond', 'trainingSeconds'] as const;

/**
 * `constraints:` of a sweep spec (docs/ORCHESTRATOR.md, "Constraints and objectives"):
 * `{ parameters: {max: 100000}, imagesPerSecond: {min: 100} }`.
 */
export const ConstraintsSchema = z
  .strictObject({
    parameters: BoundSchema.optional(),
    /** Multiply-accumulates per image (countFlops), checked at submit. */
    flops: BoundSchema.optional(),
    valAccuracy: BoundSchema.optional(),
    macroF1: BoundSchema.optional(),
    imagesPerSecond: BoundSchema.optional(),
    trainingSeconds: BoundSchema.optional(),
  })
  .refine((c) => Object.keys(c).length > 0, { message: 'constraints needs at least one bound' });
export type Constraints = z.infer<typeof ConstraintsSchema>;

/** "parameters 150,000 > max 100,000" when the value breaks the bound; undefined when it holds. */
export function boundViolation(name: string, value: number, bound: Bound): string | undefined {
  if (bound.min !== undefined && !(value >= bound.min)) return `${name} ${formatFigure(value)} < min ${formatFigure(bound.min)}`;
  if (bound.max !== undefined && !(value <= bound.max)) return `${name} ${formatFigure(value)} > max ${formatFigure(bound.max)}`;
  return undefined;
}

/** Violations of the measured constraints by a finished trial's row (empty: feasible). */
export function measuredViolations(row: Pick<LeaderboardRow, (typeof MEASURED_CONSTRAINTS)[number]>, constraints: Constraints | undefined): string[] {
  if (!constraints) return [];
  const out: string[] = [];
  for (const name of MEASURED_CONSTRAINTS) {
    const bound = constraints[name];
    if (!bound) continue;
    const violation = boundViolation(name, row[name], bound);
    if (violation) out.push(violation);
  }
  return out;
}

function formatFigure(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return v.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return String(Number(v.toPrecision(6)));
}
