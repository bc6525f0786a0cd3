import {
  MODEL_PARAMETERS,
  TRAINING_PARAMETERS,
  trialOfPoint,
  type Domain,
  type ExpandContext,
  type ModelVariant,
  type ParameterName,
  type SweepSpec,
  type TrialParams,
  type TrialSpec,
} from '@fermx/contracts';
import type { Budget, Dimension, Point, SearchConfig } from '@fermx/search';

const PARAMETER_ORDER: readonly ParameterName[] = [...MODEL_PARAMETERS, ...TRAINING_PARAMETERS];

/** One cell of a model-based search: a model variant at one point of the grid (and fixed) axes. */
export interface SearchCell {
  variant: ModelVariant;
  base: TrialParams;
  space: Dimension[];
}

export type TpeSpec = SweepSpec & { strategy: Extract<SweepSpec['strategy'], { type: 'tpe' }> };

export function isTpeSpec(spec: SweepSpec): spec is TpeSpec {
  return spec.strategy.type === 'tpe';
}

/**
 * A tpe sweep's cells: each model variant × each point of the `grid`/fixed axes (crossed as the
 * random strategy crosses them), searched over the other axes: choice → categorical, uniform →
 * float, loguniform → float on a log scale, int → integer.
 */
export function searchCells(spec: SweepSpec): SearchCell[] {
  const variants = spec.models ?? (spec.model ? [spec.model] : []);
  const entries = PARAMETER_ORDER.flatMap((name) => {
    const d = spec.parameters[name] as Domain<unknown> | undefined;
    return d ? [[name, d] as const] : [];
  });
  let bases: TrialParams[] = [{}];
  for (const [name, d] of entries) {
    if (d.kind === 'fixed') bases = bases.map((b) => ({ ...b, [name]: d.value }));
    else if (d.kind === 'grid') bases = bases.flatMap((b) => d.values.map((v) => ({ ...b, [name]: v })));
  }
  const space: Dimension[] = entries.flatMap(([name, d]): Dimension[] => {
    switch (d.kind) {
      case 'choice':
        return [{ name, kind: 'categorical', choices: d.values }];
      case 'uniform':
        return [{ name, kind: 'float', low: d.low, high: d.high, log: false }];
      case 'loguniform':
        return [{ name, kind: 'float', low: d.low, high: d.high, log: true }];
      case 'int':
        return [{ name, kind: 'int', low: d.low, high: d.high }];
      default:
        return [];
    }
  });
  return variants.flatMap((variant) => bases.map((base) => ({ variant, base, space })));
}

/** The ask/tell configuration of a tpe sweep: its cells, budgets (halving rungs, then final) and goal. */
export function searchConfig(spec: TpeSpec, cells: readonly SearchCell[], extensions: readonly number[] = []): SearchConfig {
  const budgets: Budget[] = [...(spec.halving?.rungs ?? []), 'final'];
  // `fermx sweep extend --n K` adds K proposals to the same seeded stream.
  const n = extensions.reduce((sum, k) => sum + k, spec.strategy.n);
  return {
    cells: cells.map((c) => c.space),
    n,
    maxConcurrent: spec.strategy.maxConcurrent,
    seed: spec.strategy.seed,
    goal: spec.metric.goal,
    budgets,
    tpe: { startupTrials: spec.strategy.startupTrials },
  };
}

/** The trial a cell's point stands for (content-hashed id, as expansion builds it). */
export function trialOfCell(spec: SweepSpec, sweepId: string, cell: SearchCell, point: Point, ctx: ExpandContext): TrialSpec {
  return trialOfPoint(spec, sweepId, cell.variant, { ...cell.base, ...(point as TrialParams) }, ctx);
}

/**
 * The cell and point of an existing trial (warm start, `sweep enqueue`): the cell whose variant
 * and grid values it matches, the point its searched values; undefined when no cell matches.
 */
export function locateTrial(cells: readonly SearchCell[], trial: Pick<TrialSpec, 'model' | 'training'>): { cell: number; point: Point } | undefined {
  const values: Record<string, unknown> = { ...trial.model, ...trial.training, augmentation: trial.training.augmentation };
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const cell = cells.findIndex((c) => {
    if (c.variant.architecture !== trial.model.architecture) return false;
    for (const key of MODEL_PARAMETERS) if (c.variant[key] !== undefined && !same(c.variant[key], values[key])) return false;
    return Object.entries(c.base).every(([k, v]) => same(v, values[k]));
  });
  if (cell < 0) return undefined;
  return { cell, point: Object.fromEntries(cells[cell]!.space.map((d) => [d.name, values[d.name]])) };
}
