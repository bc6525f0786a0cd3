import { z } from 'zod';
import { EpochMetricsSchema, ModelConfigSchema, TrainOptionsSchema } from './model-config.js';

/** Per-epoch figures a sweep may optimise (names in a spec; see `metricValue` for the field each reads). */
export const METRICS = ['val_accuracy', 'val_macro_f1', 'val_loss', 'train_accuracy', 'train_loss'] as const;
export const MetricNameSchema = z.enum(METRICS);
export type MetricName = z.infer<typeof MetricNameSchema>;
export const METRIC_SUMMARIES = ['best', 'last', 'meanLast3'] as const;

/**
 * A sweep's objective: which metric, whether higher or lower is better, and how a trial's curve
 * becomes one number (`last` epoch, `best` epoch, or the mean of the last 3).
 */
export const MetricSpecSchema = z.strictObject({
  name: MetricNameSchema,
  goal: z.enum(['max', 'min']),
  summary: z.enum(METRIC_SUMMARIES),
});
export type MetricSpec = z.infer<typeof MetricSpecSchema>;

/** A trial's objective on the queue: a MetricSpec, or the plain `val_accuracy` of earlier jobs (= {val_accuracy, max, last}). */
export const MetricSchema = z.union([z.literal('val_accuracy'), MetricSpecSchema]);
export type Metric = z.infer<typeof MetricSchema>;

/** Asynchronous successive halving: decide at these epochs, keep the top 1/reductionFactor. */
export const HalvingSchema = z
  .strictObject({
    rungs: z.array(z.number().int().positive('rung epochs must be > 0')).min(1, 'give at least one rung'),
    reductionFactor: z.number().min(2, 'reductionFactor must be >= 2'),
  })
  .refine((h) => h.rungs.every((r, i) => i === 0 || r > h.rungs[i - 1]!), { message: 'rungs must be strictly increasing', path: ['rungs'] });
export type Halving = z.infer<typeof HalvingSchema>;

export const DatasetRefSchema = z.strictObject({
  /** Folder holding manifest.json, e.g. `s3://bucket/datasets/ferm/v1`. */
  uri: z.string().min(1),
  /** Content version of the manifest (its sha256 prefix); part of the trial id. */
  version: z.string().min(1),
});
export type DatasetRef = z.infer<typeof DatasetRefSchema>;

/** Job data of one trial on the `fermx-trials` queue (jobId = trialId). */
export const TrialSpecSchema = z.strictObject({
  trialId: z.string().regex(/^t-[0-9a-f]{16}$/, 'trialId must look like t-<16 hex>'),
  sweepId: z.string().min(1),
  sweepName: z.string().min(1),
  /** Label of the model variant in the sweep (e.g. `M-Xception+Dropout`), when the sweep lists several. */
  variant: z.string().optional(),
  dataset: DatasetRefSchema,
  model: ModelConfigSchema,
  training: TrainOptionsSchema,
  metric: MetricSchema,
  halving: HalvingSchema.optional(),
  createdAt: z.string(),
});
export type TrialSpec = z.infer<typeof TrialSpecSchema>;

/** What a worker reports through job.updateProgress after each epoch. */
export const TrialProgressSchema = EpochMetricsSchema.extend({
  epoch: z.number().int().nonnegative(),
  epochs: z.number().int().positive(),
});
export type TrialProgress = z.infer<typeof TrialProgressSchema>;

export const TRIAL_RESULT_STATUSES = ['completed', 'stopped-early'] as const;

/** `runs/<sweepId>/<trialId>/result.json` (storage only: the job returns a summary, libs/queue trial-summary.ts). */
export const TrialResultSchema = z.object({
  trialId: z.string(),
  sweepId: z.string(),
  sweepName: z.string(),
  variant: z.string().optional(),
  dataset: DatasetRefSchema,
  model: ModelConfigSchema,
  training: TrainOptionsSchema,
  status: z.enum(TRIAL_RESULT_STATUSES),
  metrics: z.object({
    valAccuracy: z.number(),
    valLoss: z.number(),
    testAccuracy: z.number().optional(),
    /** Split `testAccuracy` was measured on: `test` (FER2013 PrivateTest) or, without it, `publictest`. */
    testSplit: z.string().optional(),
    macroF1: z.number(),
    perClassAccuracy: z.array(z.number()),
    confusionMatrix: z.array(z.array(z.number())),
    classes: z.array(z.string()),
  }),
  curves: z.array(EpochMetricsSchema),
  epochsRun: z.number().int().nonnegative(),
  timing: z.object({ trainingSeconds: z.number(), secondsPerEpoch: z.number(), imagesPerSecond: z.number() }),
  /** Trainable parameter count of the model. */
  parameters: z.number().int().nonnegative(),
  backend: z.string(),
  host: z.string(),
  worker: z.string(),
  finishedAt: z.string(),
  /** Storage URI of the folder with model.json, weights.bin, metadata.json. */
  modelUri: z.string(),
  /**
   * The best epoch's model (by training.bestEpochBy, selected on val), kept beside the last one
   * (`metrics`, `modelUri`). Absent in results from before it was kept.
   */
  best: z
    .object({
      epoch: z.number().int().positive(),
      valAccuracy: z.number(),
      valLoss: z.number(),
      testAccuracy: z.number().optional(),
      macroF1: z.number(),
      perClassAccuracy: z.array(z.number()),
      confusionMatrix: z.array(z.array(z.number())),
      modelUri: z.string(),
    })
    .optional(),
  /** Which of the two the leaderboard ranks (the sweep metric's summary `best` → best); absent means last. */
  rankedBy: z.enum(['last', 'best']).optional(),
  /** Images in the held-out split behind testAccuracy (for its interval). */
  testCount: z.number().int().nonnegative().optional(),
});
export type TrialResult = z.infer<typeof TrialResultSchema>;

const RUNS = 'runs/';
const runDir = (sweepId: string, trialId: string) => `${RUNS}${sweepId}/${trialId}`;
const RESULT_KEY = /^runs\/([^/]+)\/([^/]+)\/result\.json$/;

/**
 * Where a trial's files live in storage (docs/WORKER.md, "Storage (per trial)"). Every reader and
 * writer builds these keys here; no other code spells `runs/…`.
 */
export const runKeys = {
  /** Prefix of every trial folder: list it to find all results. */
  root: RUNS,
  dir: runDir,
  config: (sweepId: string, trialId: string) => `${runDir(sweepId, trialId)}/config.json`,
  result: (sweepId: string, trialId: string) => `${runDir(sweepId, trialId)}/result.json`,
  metrics: (sweepId: string, trialId: string) => `${runDir(sweepId, trialId)}/metrics.jsonl`,
  /** Folder of the epoch checkpoints (list it to find them). */
  checkpoints: (sweepId: string, trialId: string) => `${runDir(sweepId, trialId)}/checkpoints/`,
  checkpoint: (sweepId: string, trialId: string, epoch: number) => `${runDir(sweepId, trialId)}/checkpoints/epoch-${epoch}.ckpt`,
  latestCheckpoint: (sweepId: string, trialId: string) => `${runDir(sweepId, trialId)}/checkpoints/latest.json`,
  model: (sweepId: string, trialId: string) => `${runDir(sweepId, trialId)}/model`,
  /** The best epoch's model folder, beside `model` (the last epoch's). */
  bestModel: (sweepId: string, trialId: string) => `${runDir(sweepId, trialId)}/model-best`,
  /** One file of the model folder (model.json, weights.bin, metadata.json). */
  modelFile: (sweepId: string, trialId: string, name: string) => `${runDir(sweepId, trialId)}/model/${name}`,
  /** The sweep and trial of a `runs/<sweepId>/<trialId>/result.json` key; undefined for any other key. */
  parseResult: (key: string): { sweepId: string; trialId: string } | undefined => {
    const match = RESULT_KEY.exec(key);
    return match ? { sweepId: match[1]!, trialId: match[2]! } : undefined;
  },
  sweep: (sweepId: string) => `sweeps/${sweepId}/sweep.json`,
} as const;
