import { z } from 'zod';

/**
 * The one model-config schema: the sweep spec, the queue payload, the worker and @fermx/models'
 * builder all validate with it, so a config that passes `sweep submit` also builds (see
 * docs/ARCHITECTURE.md, "One schema per contract"). The upper bounds keep a typo from asking a
 * worker for a model that cannot fit in memory.
 */
export const ARCHITECTURES = ['mxception', 'mini-xception', 'xception', 'cnn'] as const;
export const ArchitectureSchema = z.enum(ARCHITECTURES);
export type Architecture = z.infer<typeof ArchitectureSchema>;

export const MAX_NUM_CLASSES = 1000;
export const MAX_MIDDLE_FLOW_REPEATS = 32;
export const MAX_WIDTH = 8;

export const NumClassesSchema = z
  .number()
  .int('numClasses must be an integer')
  .min(2, 'numClasses must be >= 2')
  .max(MAX_NUM_CLASSES, `numClasses must be <= ${MAX_NUM_CLASSES}`);
export const DropoutSchema = z.number().min(0, 'dropout must be in [0, 1)').lt(1, 'dropout must be in [0, 1)');
export const MiddleFlowRepeatsSchema = z
  .number()
  .int('middleFlowRepeats must be an integer')
  .min(0, 'middleFlowRepeats must be >= 0')
  .max(MAX_MIDDLE_FLOW_REPEATS, `middleFlowRepeats must be <= ${MAX_MIDDLE_FLOW_REPEATS}`);
export const WidthSchema = z.number().positive('width must be > 0').max(MAX_WIDTH, `width must be <= ${MAX_WIDTH}`);

export const ModelConfigSchema = z.strictObject({
  architecture: ArchitectureSchema,
  numClasses: NumClassesSchema,
  /** Dropout rate before the classifier (0 = none). */
  dropout: DropoutSchema.optional(),
  /** Middle-flow repeats (M-Xception default 3, Xception default 8; others ignore it). */
  middleFlowRepeats: MiddleFlowRepeatsSchema.optional(),
  /** Channel multiplier, default 1. */
  width: WidthSchema.optional(),
});
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

/** Online augmentation of 48×48 grey images; the paper's protocol is `PAPER_AUGMENTATION`. */
export const AugmentationConfigSchema = z.strictObject({
  /** Maximum rotation in degrees (±). */
  rotation: z.number().min(0).max(180),
  /** Maximum horizontal shift as a fraction of the width. */
  widthShift: z.number().min(0).max(1),
  /** Maximum vertical shift as a fraction of the height. */
  heightShift: z.number().min(0).max(1),
  /** Maximum zoom in or out as a fraction (0.1 → scale in [0.9, 1.1]). */
  zoom: z.number().min(0).max(1),
  horizontalFlip: z.boolean(),
});
export type AugmentationConfig = z.infer<typeof AugmentationConfigSchema>;

/** Paper protocol: rotation ±10°, shifts 0.1, zoom 0.1, horizontal flip. */
export const PAPER_AUGMENTATION: AugmentationConfig = { rotation: 10, widthShift: 0.1, heightShift: 0.1, zoom: 0.1, horizontalFlip: true };

export const BatchSizeSchema = z.number().int('batchSize must be an integer').positive('batchSize must be > 0');
export const LearningRateSchema = z.number().positive('learningRate must be > 0');
export const EpochsSchema = z.number().int('epochs must be an integer').positive('epochs must be > 0');
export const SeedSchema = z.number().int('seed must be an integer').min(0, 'seed must be >= 0');

export const TrainOptionsSchema = z.strictObject({
  epochs: EpochsSchema,
  batchSize: BatchSizeSchema,
  learningRate: LearningRateSchema,
  seed: SeedSchema,
  augmentation: z.union([AugmentationConfigSchema, z.literal(false)]),
  earlyStopping: z.strictObject({ patience: z.number().int().positive(), minDelta: z.number().min(0).optional() }).optional(),
});
export type TrainOptions = z.infer<typeof TrainOptionsSchema>;

export const EpochMetricsSchema = z.object({
  /** 1-based. */
  epoch: z.number().int().positive(),
  loss: z.number(),
  accuracy: z.number(),
  valLoss: z.number(),
  valAccuracy: z.number(),
  /** Macro-averaged F1 on the validation split (a sweep's `val_macro_f1` metric reads it). */
  valMacroF1: z.number().optional(),
  seconds: z.number(),
  imagesPerSecond: z.number(),
});
export type EpochMetrics = z.infer<typeof EpochMetricsSchema>;
