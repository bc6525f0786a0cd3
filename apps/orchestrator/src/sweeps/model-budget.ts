import { boundViolation, expandSweep, type Constraints, type ExpandContext, type ModelConfig, type SweepSpec, type ValidationIssue } from '@fermx/contracts';
import { isTpeSpec, searchCells, trialOfCell } from './search-space.js';

/** The figures of one model that `constraints.parameters` / `constraints.flops` bound. */
export interface ModelFigures {
  /** Trainable parameters (the count a result reports as `parameters`). */
  parameters: number;
  /** Multiply-accumulates of one image (countFlops in @fermx/models). */
  flops: number;
}

/** Counts a model's figures; the default builds it from @fermx/models' factory (modelFigures). */
export type CountModel = (config: ModelConfig) => Promise<ModelFigures>;

/** A model of the sweep with the label an issue names it by (variant, or architecture). */
interface SweepModel {
  label: string;
  config: ModelConfig;
}

/**
 * Builds the model without random initialisation (fast, even for rmn-published's 138 M weights)
 * and counts it. @fermx/models (tfjs) is loaded here, on first use only: the orchestrator starts
 * without it, and only a submit with a parameters or flops constraint pays for it
 * (docs/ORCHESTRATOR.md, "Constraints and objectives").
 */
export const modelFigures: CountModel = async (config) => {
  const models = await loadModels();
  const model = models.buildModel(config, { zeros: true });
  try {
    const summary = models.summarizeModel(config, model);
    return { parameters: summary.trainableParameters, flops: summary.flopsPerImage };
  } finally {
    model.dispose();
  }
};

/** @fermx/models with a backend to build on (cpu is enough to count). */
const importModels = () =>
  import('@fermx/models').then(async (models) => {
    await models.initBackend('cpu');
    return models;
  });
let loading: ReturnType<typeof importModels> | undefined;

/** importModels, once per process. */
function loadModels(): ReturnType<typeof importModels> {
  return (loading ??= importModels());
}

/**
 * Checks `constraints.parameters` and `constraints.flops` of every distinct model the sweep would
 * train, at submit: one issue per model that breaks a bound, at `constraints.<figure>`, naming the
 * variant (or architecture) and the count. A tpe sweep's models are its cells' (searched model
 * fields take their defaults there). Nothing is built when the spec bounds neither figure.
 */
export async function modelBudgetIssues(spec: SweepSpec, ctx: ExpandContext, count: CountModel = modelFigures): Promise<ValidationIssue[]> {
  const bounds = modelBounds(spec.constraints);
  if (bounds.length === 0) return [];
  const issues: ValidationIssue[] = [];
  for (const model of sweepModels(spec, ctx)) {
    const figures = await count(model.config);
    for (const [name, bound] of bounds) {
      const violation = boundViolation(name, figures[name], bound);
      if (violation) issues.push({ path: `constraints.${name}`, message: `${model.label}: ${violation} (counted from the model factory, before training)` });
    }
  }
  return issues;
}

function modelBounds(constraints: Constraints | undefined): [keyof ModelFigures, NonNullable<Constraints['parameters']>][] {
  const out: [keyof ModelFigures, NonNullable<Constraints['parameters']>][] = [];
  if (constraints?.parameters) out.push(['parameters', constraints.parameters]);
  if (constraints?.flops) out.push(['flops', constraints.flops]);
  return out;
}

/** Distinct model configs of the sweep (by content), in trial order. */
function sweepModels(spec: SweepSpec, ctx: ExpandContext): SweepModel[] {
  const trials = isTpeSpec(spec) ? searchCells(spec).map((cell) => trialOfCell(spec, 'budget-check', cell, {}, ctx)) : expandSweep(spec, ctx).trials;
  const seen = new Map<string, SweepModel>();
  for (const t of trials) {
    const key = JSON.stringify(t.model);
    if (seen.has(key)) continue;
    const label = t.variant ? `variant ${t.variant} (${describe(t.model)})` : `model ${describe(t.model)}`;
    seen.set(key, { label, config: t.model });
  }
  return [...seen.values()];
}

/** `mxception width=2 middleFlowRepeats=4`: the architecture and the fields that differ per trial. */
function describe(model: ModelConfig): string {
  const fields = Object.entries(model).filter(([k, v]) => k !== 'architecture' && k !== 'numClasses' && v !== undefined && typeof v !== 'object');
  return [model.architecture, ...fields.map(([k, v]) => `${k}=${String(v)}`)].join(' ');
}
