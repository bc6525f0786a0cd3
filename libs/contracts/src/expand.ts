import type { ModelConfig, TrainOptions } from './model-config.js';
import { RECIPE_PARAMETERS } from './model-config.js';
import { DEFAULT_TRAINING, MODEL_PARAMETERS, TRAINING_PARAMETERS, type Domain, type ModelVariant, type ParameterName, type SweepSpec } from './sweep-spec.js';
import { DEFAULT_METRIC } from './objective.js';
import type { DatasetRef, TrialSpec } from './trial.js';
import { canonicalJson, sha256Hex, trialIdOf } from './trial-id.js';
import { mulberry32 } from './random.js';
import { assertSweepSize } from './sweep-size.js';
import { replicateSeed } from './repeats.js';

export interface ExpandContext {
  dataset: DatasetRef;
  /** Classes in the dataset's manifest; a variant's numClasses overrides it. */
  numClasses: number;
  createdAt: string;
}

export interface ExpandedSweep {
  sweepId: string;
  trials: TrialSpec[];
  /** Trials the spec produced more than once (same config → same id); enqueued once. */
  duplicates: number;
}

export interface ExpandOptions {
  /** Refuse (SweepTooLargeError) a spec that expands to more trials, before enumerating any. */
  maxTrials?: number;
  /**
   * Random strategy: further rounds of samples per grid point (`fermx sweep extend --n K`), drawn
   * after the first `n` from the same seeded stream, so every earlier trial keeps its values.
   */
  extensions?: readonly number[];
}

/** The searched values of one trial, by parameter name. */
export type TrialParams = Partial<Record<ParameterName, unknown>>;

const PARAMETER_ORDER: readonly ParameterName[] = [...MODEL_PARAMETERS, ...TRAINING_PARAMETERS];

/** Sweep id = `<name>-<8 hex>` of the normalised spec and dataset version: same sweep, same id. */
export function sweepIdOf(spec: SweepSpec, datasetVersion: string): string {
  const slug =
    spec.name
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'sweep';
  // The default objective hashes as the plain `val_accuracy` it was before metric specs, so sweeps keep their ids.
  const metric = canonicalJson(spec.metric) === canonicalJson(DEFAULT_METRIC) ? 'val_accuracy' : spec.metric;
  return `${slug}-${sha256Hex(canonicalJson({ spec: { ...spec, metric }, datasetVersion })).slice(0, 8)}`;
}

/**
 * Expands a validated sweep into trials. Grid: the cartesian product of every grid/choice/int
 * axis for each model variant. Random: for each variant and each point of the `grid` axes,
 * `n` samples of the other axes from a PRNG seeded by strategy.seed (so the same spec always
 * yields the same trials); each extension K then draws K more per grid point from the same
 * stream. With `maxTrials`, the size is checked arithmetically before anything is enumerated.
 */
export function expandSweep(spec: SweepSpec, ctx: ExpandContext, options: ExpandOptions = {}): ExpandedSweep {
  if (spec.strategy.type === 'tpe')
    throw new Error('a tpe sweep is not expanded up front: its trials are proposed as results arrive (apps/orchestrator/src/sweeps/search-dispatcher.ts)');
  const extensions = options.extensions ?? [];
  if (options.maxTrials !== undefined) assertSweepSize(spec, options.maxTrials, extensions);
  const sweepId = sweepIdOf(spec, ctx.dataset.version);
  const variants = spec.models ?? (spec.model ? [spec.model] : []);
  const entries = PARAMETER_ORDER.flatMap((name) => {
    const d = spec.parameters[name] as Domain<unknown> | undefined;
    return d ? [[name, d] as const] : [];
  });
  let points: TrialParams[];
  if (spec.strategy.type === 'grid') {
    points = cartesian(entries.map(([name, d]) => [name, enumerate(d)] as const));
  } else {
    points = [];
    const random = mulberry32(spec.strategy.seed);
    const gridAxes = entries.filter(([, d]) => d.kind === 'grid' || d.kind === 'fixed').map(([name, d]) => [name, enumerate(d)] as const);
    const sampled = entries.filter(([, d]) => d.kind !== 'grid' && d.kind !== 'fixed');
    const bases = cartesian(gridAxes);
    for (const perBase of [spec.strategy.n, ...extensions]) {
      for (const base of bases) {
        for (let i = 0; i < perBase; i++) {
          const point: TrialParams = { ...base };
          for (const [name, d] of sampled) point[name] = sample(d, random);
          points.push(point);
        }
      }
    }
  }

  const trials: TrialSpec[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  for (const variant of variants) {
    for (const point of replicatePoints(points, spec.repeats ?? 1)) {
      const trial = trialOfPoint(spec, sweepId, variant, point, ctx);
      if (seen.has(trial.trialId)) {
        duplicates++;
        continue;
      }
      seen.add(trial.trialId);
      trials.push(trial);
    }
  }
  return { sweepId, trials, duplicates };
}

/**
 * The trial of one model variant at one point of the search space (the parameters it leaves out
 * take the variant's fixed values, then the paper's defaults). Its id is content-hashed.
 */
export function trialOfPoint(spec: SweepSpec, sweepId: string, variant: ModelVariant, point: TrialParams, ctx: ExpandContext): TrialSpec {
  const value = <T>(name: ParameterName, fallback: T): T => (point[name] ?? fallback) as T;
  const model: ModelConfig = dropUndefined({
    architecture: variant.architecture,
    numClasses: variant.numClasses ?? ctx.numClasses,
    dropout: variant.dropout ?? value<number | undefined>('dropout', undefined),
    middleFlowRepeats: variant.middleFlowRepeats ?? value<number | undefined>('middleFlowRepeats', undefined),
    width: variant.width ?? value<number | undefined>('width', undefined),
  });
  const training: TrainOptions = {
    epochs: value('epochs', DEFAULT_TRAINING.epochs),
    batchSize: value('batchSize', DEFAULT_TRAINING.batchSize),
    learningRate: value('learningRate', DEFAULT_TRAINING.learningRate),
    seed: value('seed', DEFAULT_TRAINING.seed),
    augmentation: value('augmentation', DEFAULT_TRAINING.augmentation),
    ...dropUndefined(Object.fromEntries(RECIPE_PARAMETERS.map((name) => [name, point[name]]))),
  };
  return dropUndefined({
    trialId: trialIdOf({ model, training, datasetVersion: ctx.dataset.version }),
    sweepId,
    sweepName: spec.name,
    variant: variant.name,
    dataset: ctx.dataset,
    model,
    training,
    metric: spec.metric,
    halving: spec.halving,
    createdAt: ctx.createdAt,
  });
}

/** The hyperparameters a leaderboard shows for a trial (model + training knobs, flat). */
export function trialParams(trial: Pick<TrialSpec, 'model' | 'training'>): Record<string, unknown> {
  const { architecture: _a, numClasses: _n, ...model } = trial.model;
  const { augmentation, earlyStopping: _e, ...training } = trial.training;
  return { ...model, ...training, augmentation: augmentation === false ? 'none' : augmentation };
}

/** `repeats: K`: each point K times, replicate k with seed replicateSeed(point's seed, k). */
function replicatePoints(points: TrialParams[], repeats: number): TrialParams[] {
  if (repeats <= 1) return points;
  return points.flatMap((point) => {
    const base = typeof point.seed === 'number' ? point.seed : DEFAULT_TRAINING.seed;
    return Array.from({ length: repeats }, (_, k) => ({ ...point, seed: replicateSeed(base, k) }));
  });
}

function enumerate(d: Domain<unknown>): unknown[] {
  switch (d.kind) {
    case 'fixed':
      return [d.value];
    case 'grid':
    case 'choice':
      return d.values;
    case 'int':
      return Array.from({ length: d.high - d.low + 1 }, (_, i) => d.low + i);
    default:
      // Schema validation rejects continuous ranges under strategy grid.
      throw new Error(`cannot enumerate a ${d.kind} range`);
  }
}

function sample(d: Domain<unknown>, random: () => number): unknown {
  switch (d.kind) {
    case 'fixed':
      return d.value;
    case 'grid':
    case 'choice':
      return d.values[Math.floor(random() * d.values.length)];
    case 'int':
      return d.low + Math.floor(random() * (d.high - d.low + 1));
    case 'uniform':
      return round(d.low + random() * (d.high - d.low));
    case 'loguniform':
      return round(Math.exp(Math.log(d.low) + random() * (Math.log(d.high) - Math.log(d.low))));
  }
}

/** Four significant digits: readable on a leaderboard, still distinct trials. */
function round(x: number): number {
  return Number(x.toPrecision(4));
}

function cartesian(axes: readonly (readonly [ParameterName, unknown[]])[]): TrialParams[] {
  let out: TrialParams[] = [{}];
  for (const [name, values] of axes) out = out.flatMap((p) => values.map((v) => ({ ...p, [name]: v })));
  return out;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
