import { z } from 'zod';
import {
  ArchitectureSchema,
  AugmentationConfigSchema,
  BatchSizeSchema,
  DropoutSchema,
  EpochsSchema,
  LearningRateSchema,
  MiddleFlowRepeatsSchema,
  NumClassesSchema,
  PAPER_AUGMENTATION,
  RECIPE_FIELDS,
  RECIPE_PARAMETERS,
  SeedSchema,
  WidthSchema,
  type AugmentationConfig,
} from './model-config.js';
import { HalvingSchema, METRIC_SUMMARIES, METRICS, MetricNameSchema, type MetricSpec } from './trial.js';
import { DEFAULT_METRIC, defaultGoal } from './objective.js';
import { toValidationIssues, ValidationError, type ValidationIssue } from './validation-issue.js';
import { ConstraintsSchema } from './constraints.js';
import { ParetoObjectivesSchema } from './pareto.js';
import { MAX_REPEATS } from './repeats.js';

/**
 * A search-space entry. In YAML: a plain value (fixed), `{ grid: [..] }` (every value is tried),
 * `{ choice: [..] }` (one per trial: all of them under strategy grid, sampled under random),
 * `{ uniform: [lo, hi] }`, `{ loguniform: [lo, hi] }` (random only), `{ int: [lo, hi] }` (inclusive).
 */
export type Domain<T> =
  | { kind: 'fixed'; value: T }
  | { kind: 'grid'; values: T[] }
  | { kind: 'choice'; values: T[] }
  | { kind: 'uniform'; low: number; high: number }
  | { kind: 'loguniform'; low: number; high: number }
  | { kind: 'int'; low: number; high: number };

const LIST_KINDS = ['grid', 'choice'] as const;
const RANGE_KINDS = ['uniform', 'loguniform', 'int'] as const;
const DOMAIN_KEYS: readonly string[] = [...LIST_KINDS, ...RANGE_KINDS];

function isDomainObject(input: unknown): input is Record<string, unknown> {
  return typeof input === 'object' && input !== null && !Array.isArray(input) && Object.keys(input).some((k) => DOMAIN_KEYS.includes(k));
}

/** A domain over values accepted by `value`; `numeric` allows the range kinds. */
function domain<T>(value: z.ZodType<T>, numeric: boolean) {
  return z.unknown().transform((input, ctx): Domain<T> => {
    const fail = (message: string, path: PropertyKey[] = []) => {
      ctx.addIssue({ code: 'custom', message, path, input });
      return z.NEVER;
    };
    const check = (v: unknown, path: PropertyKey[]): T | undefined => {
      const parsed = value.safeParse(v);
      if (parsed.success) return parsed.data;
      for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: [...path, ...issue.path], input: v });
      return undefined;
    };
    if (!isDomainObject(input)) {
      const fixed = check(input, []);
      return fixed === undefined ? z.NEVER : { kind: 'fixed', value: fixed };
    }
    const keys = Object.keys(input);
    if (keys.length !== 1) return fail(`give exactly one of ${DOMAIN_KEYS.join(', ')} (got ${keys.join(', ')})`);
    const kind = keys[0]!;
    const body = input[kind];
    if ((LIST_KINDS as readonly string[]).includes(kind)) {
      if (!Array.isArray(body) || body.length === 0) return fail(`${kind} needs a non-empty list of values`, [kind]);
      const values = body.map((v, i) => check(v, [kind, i]));
      if (values.some((v) => v === undefined)) return z.NEVER;
      return { kind: kind as 'grid' | 'choice', values: values as T[] };
    }
    if (!numeric) return fail(`${kind} is only for numeric parameters; use grid or choice`, [kind]);
    if (!Array.isArray(body) || body.length !== 2 || typeof body[0] !== 'number' || typeof body[1] !== 'number') {
      return fail(`${kind} needs [low, high]`, [kind]);
    }
    const [low, high] = body as [number, number];
    if (!(low < high) && !(kind === 'int' && low === high)) return fail(`${kind} needs low < high`, [kind]);
    if (kind === 'loguniform' && low <= 0) return fail('loguniform needs low > 0', [kind, 0]);
    if (kind === 'int' && (!Number.isInteger(low) || !Number.isInteger(high))) return fail('int needs integer bounds', [kind]);
    if (check(low, [kind, 0]) === undefined || check(high, [kind, 1]) === undefined) return z.NEVER;
    return { kind: kind as 'uniform' | 'loguniform' | 'int', low, high };
  });
}

/** `paper` (the paper's protocol), `none`/false, or an explicit AugmentationConfig. */
export const AugmentationChoiceSchema = z.unknown().transform((input, ctx): AugmentationConfig | false => {
  if (input === 'paper') return PAPER_AUGMENTATION;
  if (input === 'none' || input === false) return false;
  if (typeof input === 'object' && input !== null) {
    const parsed = AugmentationConfigSchema.safeParse(input);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
      if (keys.length) for (const k of keys) ctx.addIssue({ code: 'custom', message: `unknown key '${k}'`, path: [...issue.path, k], input });
      else ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path, input });
    }
    return z.NEVER;
  }
  ctx.addIssue({
    code: 'custom',
    message: "augmentation must be 'paper', 'none', false or { rotation, widthShift, heightShift, zoom, horizontalFlip }",
    input,
  });
  return z.NEVER;
});

export const ParametersSchema = z.strictObject({
  dropout: domain(DropoutSchema, true).optional(),
  middleFlowRepeats: domain(MiddleFlowRepeatsSchema, true).optional(),
  width: domain(WidthSchema, true).optional(),
  batchSize: domain(BatchSizeSchema, true).optional(),
  learningRate: domain(LearningRateSchema, true).optional(),
  epochs: domain(EpochsSchema, true).optional(),
  augmentation: domain(AugmentationChoiceSchema, false).optional(),
  seed: domain(SeedSchema, true).optional(),
  optimizer: domain(RECIPE_FIELDS.optimizer, false).optional(),
  weightDecay: domain(RECIPE_FIELDS.weightDecay, true).optional(),
  momentum: domain(RECIPE_FIELDS.momentum, true).optional(),
  schedule: domain(RECIPE_FIELDS.schedule, false).optional(),
  warmupEpochs: domain(RECIPE_FIELDS.warmupEpochs, true).optional(),
  minLearningRate: domain(RECIPE_FIELDS.minLearningRate, true).optional(),
  stepEvery: domain(RECIPE_FIELDS.stepEvery, true).optional(),
  stepGamma: domain(RECIPE_FIELDS.stepGamma, true).optional(),
  plateauPatience: domain(RECIPE_FIELDS.plateauPatience, true).optional(),
  plateauFactor: domain(RECIPE_FIELDS.plateauFactor, true).optional(),
  labelSmoothing: domain(RECIPE_FIELDS.labelSmoothing, true).optional(),
  targets: domain(RECIPE_FIELDS.targets, false).optional(),
  ema: domain(RECIPE_FIELDS.ema, true).optional(),
  tta: domain(RECIPE_FIELDS.tta, false).optional(),
  bestEpochBy: domain(RECIPE_FIELDS.bestEpochBy, false).optional(),
  initFrom: domain(RECIPE_FIELDS.initFrom, false).optional(),
  teachers: domain(RECIPE_FIELDS.teachers, false).optional(),
  teacherWeight: domain(RECIPE_FIELDS.teacherWeight, true).optional(),
  teacherTemperature: domain(RECIPE_FIELDS.teacherTemperature, true).optional(),
});
export type Parameters = z.infer<typeof ParametersSchema>;
export type ParameterName = keyof Parameters;
export const MODEL_PARAMETERS = ['dropout', 'middleFlowRepeats', 'width'] as const;
export const TRAINING_PARAMETERS = ['batchSize', 'learningRate', 'epochs', 'augmentation', 'seed', ...RECIPE_PARAMETERS] as const;

/** One model of the sweep: architecture plus fixed model parameters, with an optional label. */
export const ModelVariantSchema = z.strictObject({
  /** Label shown on the leaderboard, e.g. `M-Xception+Dropout`. */
  name: z.string().min(1).optional(),
  architecture: ArchitectureSchema,
  /** Defaults to the number of classes in the dataset's manifest. */
  numClasses: NumClassesSchema.optional(),
  dropout: DropoutSchema.optional(),
  middleFlowRepeats: MiddleFlowRepeatsSchema.optional(),
  width: WidthSchema.optional(),
});
export type ModelVariant = z.infer<typeof ModelVariantSchema>;

const TpeStrategySchema = z.strictObject({
  type: z.literal('tpe'),
  /** Trials proposed (per model variant and point of the grid axes). */
  n: z.number().int().positive().max(100_000).default(20),
  /** Results needed before the model is used; proposals are random until then. */
  startupTrials: z.number().int().min(1).max(10_000).default(10),
  /** Proposed trials queued or running at once (the rest wait for results). */
  maxConcurrent: z.number().int().min(1).max(10_000).default(4),
  seed: z.number().int().min(0).default(0),
});

export const StrategySchema = z
  .union(
    [
      z.literal('grid'),
      z.literal('random').transform(() => ({ type: 'random' as const })),
      z.strictObject({ type: z.literal('grid') }),
      z.strictObject({ type: z.literal('random'), n: z.number().int().positive().max(100_000).optional(), seed: z.number().int().min(0).optional() }),
      TpeStrategySchema,
    ],
    { error: "strategy must be 'grid', { type: random, n, seed } or { type: tpe, n, startupTrials, maxConcurrent, seed }" },
  )
  .transform((s) => {
    if (s !== 'grid' && s.type === 'tpe') return s;
    return s === 'grid' || s.type === 'grid'
      ? { type: 'grid' as const }
      : { type: 'random' as const, n: ('n' in s ? s.n : undefined) ?? 10, seed: ('seed' in s ? s.seed : undefined) ?? 0 };
  });
export type Strategy = z.infer<typeof StrategySchema>;

/**
 * `metric: val_accuracy` (shorthand for { name: val_accuracy, goal: max, summary: last }) or
 * `{ name, goal: max|min, summary: best|last|meanLast3 }`; goal defaults to min for losses, max
 * otherwise (`maximize`/`minimize` are accepted), summary to last.
 */
export const SweepMetricSchema = z
  .union(
    [
      MetricNameSchema,
      z.strictObject({ name: MetricNameSchema, goal: z.enum(['max', 'min', 'maximize', 'minimize']).optional(), summary: z.enum(METRIC_SUMMARIES).optional() }),
    ],
    { error: `metric must be one of ${METRICS.join(', ')} or { name, goal: max|min, summary: ${METRIC_SUMMARIES.join('|')} }` },
  )
  .transform((m): MetricSpec => {
    const spec = typeof m === 'string' ? { name: m } : m;
    const goal = spec.goal === undefined ? defaultGoal(spec.name) : spec.goal.startsWith('max') ? 'max' : 'min';
    return { name: spec.name, goal, summary: spec.summary ?? 'last' };
  });

export const RetrySchema = z.strictObject({
  attempts: z.number().int().min(1).max(50).default(3),
  /** First retry delay; doubles each attempt. */
  backoffSeconds: z.number().min(0).default(30),
  /** Fraction of the delay randomised so crashed trials do not retry in lockstep. */
  jitter: z.number().min(0).max(1).default(0.5),
});

export const SweepSpecSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'name must be 1-64 letters, digits, . _ - (starting with a letter or digit)'),
    description: z.string().optional(),
    /** Dataset folder URI (holds manifest.json), e.g. `file://./.fermx/datasets/ferm/v1` or `s3://bucket/datasets/ferm/v1`. */
    dataset: z.string().min(1, 'dataset URI is required'),
    model: ModelVariantSchema.optional(),
    models: z.array(ModelVariantSchema).min(1, 'models needs at least one entry').optional(),
    parameters: ParametersSchema.default({}),
    strategy: StrategySchema.default({ type: 'grid' }),
    /** The objective ASHA and TPE rank trials by: a metric name, or { name, goal, summary } (see SweepMetricSchema). */
    metric: SweepMetricSchema.default({ ...DEFAULT_METRIC }),
    /** TPE only: sweeps (same dataset version) whose results seed the model. */
    warmStart: z.array(z.string().min(1)).max(100).optional(),
    /** Asynchronous successive halving (ASHA): rung epochs and reduction factor. */
    halving: HalvingSchema.optional(),
    /** BullMQ priority: 1 runs first; larger numbers wait. */
    priority: z.number().int().min(1).max(2_097_152).default(10),
    retry: RetrySchema.default({ attempts: 3, backoffSeconds: 30, jitter: 0.5 }),
    /** Seed replicates of every configuration (seeds derived by replicateSeed); shown aggregated with `--aggregate`. */
    repeats: z.number().int().min(1).max(MAX_REPEATS).optional(),
    /** Several figures traded off (Pareto front on the sweep page, marked on the leaderboard). */
    objectives: ParetoObjectivesSchema.optional(),
    /** Bounds on parameters/FLOPs (checked at submit) and on measured figures (checked after training). */
    constraints: ConstraintsSchema.optional(),
  })
  .superRefine((spec, ctx) => {
    if (!spec.model === !spec.models)
      ctx.addIssue({
        code: 'custom',
        path: spec.model ? ['models'] : ['model'],
        message: 'give either model or models (a list of variants), not both or neither',
      });
    const variants = spec.models ?? (spec.model ? [spec.model] : []);
    const names = new Set<string>();
    variants.forEach((variant, i) => {
      const base = spec.models ? ['models', i] : ['model'];
      for (const key of MODEL_PARAMETERS) {
        if (variant[key] !== undefined && spec.parameters[key] !== undefined) {
          ctx.addIssue({ code: 'custom', path: [...base, key], message: `${key} is fixed here and also set in parameters.${key}; keep one` });
        }
      }
      if (variant.name) {
        if (names.has(variant.name)) ctx.addIssue({ code: 'custom', path: [...base, 'name'], message: `duplicate model name '${variant.name}'` });
        names.add(variant.name);
      }
    });
    if (spec.repeats !== undefined && spec.repeats > 1) {
      if (spec.strategy.type === 'tpe')
        ctx.addIssue({ code: 'custom', path: ['repeats'], message: 'repeats needs strategy grid or random (tpe proposes one trial per configuration)' });
      if (spec.parameters.seed !== undefined && spec.parameters.seed.kind !== 'fixed')
        ctx.addIssue({
          code: 'custom',
          path: ['parameters', 'seed'],
          message: 'repeats derives the seeds; give seed one fixed value (the base seed) or leave it out',
        });
    }
    for (const key of ['teacherWeight', 'teacherTemperature'] as const)
      if (spec.parameters[key] !== undefined && spec.parameters.teachers === undefined)
        ctx.addIssue({ code: 'custom', path: ['parameters', key], message: `${key} needs parameters.teachers (the saved models to distil from)` });
    if (spec.warmStart && spec.strategy.type !== 'tpe')
      ctx.addIssue({ code: 'custom', path: ['warmStart'], message: 'warmStart seeds a model-based search; it needs strategy { type: tpe }' });
    if (spec.strategy.type === 'grid') {
      for (const [key, d] of Object.entries(spec.parameters) as [string, Domain<unknown> | undefined][]) {
        if (d?.kind === 'uniform' || d?.kind === 'loguniform') {
          ctx.addIssue({
            code: 'custom',
            path: ['parameters', key, d.kind],
            message: `strategy grid cannot enumerate a ${d.kind} range; use { grid: [...] } or strategy { type: random, n }`,
          });
        }
        if (d?.kind === 'int' && d.high - d.low >= 1000) {
          ctx.addIssue({ code: 'custom', path: ['parameters', key, 'int'], message: 'strategy grid enumerates int ranges of at most 1000 values' });
        }
      }
    }
    if (spec.halving) {
      const last = spec.halving.rungs.at(-1)!;
      const epochs = spec.parameters.epochs;
      const maxEpochs =
        epochs?.kind === 'fixed'
          ? epochs.value
          : epochs?.kind === 'grid' || epochs?.kind === 'choice'
            ? Math.max(...epochs.values)
            : epochs
              ? epochs.high
              : DEFAULT_TRAINING.epochs;
      if (last >= maxEpochs)
        ctx.addIssue({ code: 'custom', path: ['halving', 'rungs'], message: `rungs must be below the epoch budget (${maxEpochs}); the last rung is ${last}` });
    }
  });
export type SweepSpec = z.infer<typeof SweepSpecSchema>;
/** What a user writes (before defaults and shorthands are resolved). */
export type SweepSpecInput = z.input<typeof SweepSpecSchema>;

/** Defaults for training parameters a sweep leaves out: the paper's protocol (Adam, batch 64, 100 epochs). */
export const DEFAULT_TRAINING = { epochs: 100, batchSize: 64, learningRate: 0.001, seed: 0, augmentation: PAPER_AUGMENTATION as AugmentationConfig | false };

export type SweepSpecParse = { ok: true; spec: SweepSpec } | { ok: false; issues: ValidationIssue[] };

export function parseSweepSpec(input: unknown): SweepSpecParse {
  const parsed = SweepSpecSchema.safeParse(input);
  return parsed.success ? { ok: true, spec: parsed.data } : { ok: false, issues: toValidationIssues(parsed.error) };
}

/** Like parseSweepSpec, throwing a ValidationError that names every bad field. */
export function assertSweepSpec(input: unknown, subject = 'sweep spec'): SweepSpec {
  const parsed = parseSweepSpec(input);
  if (!parsed.ok) throw new ValidationError(subject, parsed.issues);
  return parsed.spec;
}
