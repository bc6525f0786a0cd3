import { z } from 'zod';

/**
 * The one model-config schema: the sweep spec, the queue payload, the worker and @fermx/models'
 * builder all validate with it, so a config that passes `sweep submit` also builds (see
 * docs/MODELS.md, "One model-config schema"). The upper bounds keep a typo from asking a
 * worker for a model that cannot fit in memory.
 */
export const ARCHITECTURES = ['mxception', 'mini-xception', 'xception', 'cnn', 'rmn', 'rmn-published'] as const;
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

/**
 * The training recipe beyond the paper's protocol (docs/MODELS.md "Training recipe"). Each field
 * is optional and absent means the paper's choice, so a trial that sets none keeps its id.
 */
export const OptimizerSchema = z.enum(['adam', 'adamw', 'sgd']);
export const ScheduleSchema = z.enum(['constant', 'cosine', 'one-cycle', 'plateau', 'step']);
export const TargetsSchema = z.enum(['majority', 'ferplus-votes']);
/**
 * Test-time augmentation: `flip` averages each image with its mirror image; `flip-shift` averages
 * ten views, the image and its mirror each as they are and moved 2 px up, down, left and right.
 */
export const TtaSchema = z.enum(['none', 'flip', 'flip-shift']);
export type TestTimeAugmentation = z.infer<typeof TtaSchema>;
export const TEST_TIME_AUGMENTATIONS = TtaSchema.options;
export const BestEpochBySchema = z.enum(['val_accuracy', 'val_loss']);
const fraction = (name: string) => z.number().min(0, `${name} must be in [0, 1)`).lt(1, `${name} must be in [0, 1)`);
/** A trial reads every teacher over the whole train set before its first step; more is an ensemble no CPU run needs. */
export const MAX_TEACHERS = 8;
/** Distillation defaults: an equal blend of labels and teachers, teachers softened at T = 2. */
export const DEFAULT_TEACHER_WEIGHT = 0.5;
export const DEFAULT_TEACHER_TEMPERATURE = 2;
export const RECIPE_FIELDS = {
  optimizer: OptimizerSchema,
  weightDecay: fraction('weightDecay'),
  momentum: fraction('momentum'),
  schedule: ScheduleSchema,
  warmupEpochs: z.number().min(0, 'warmupEpochs must be >= 0'),
  minLearningRate: z.number().min(0, 'minLearningRate must be >= 0'),
  stepEvery: z.number().int('stepEvery must be an integer').positive('stepEvery must be > 0'),
  stepGamma: z.number().gt(0, 'stepGamma must be in (0, 1]').max(1, 'stepGamma must be in (0, 1]'),
  plateauPatience: z.number().int('plateauPatience must be an integer').positive('plateauPatience must be > 0'),
  plateauFactor: z.number().gt(0, 'plateauFactor must be in (0, 1)').lt(1, 'plateauFactor must be in (0, 1)'),
  labelSmoothing: fraction('labelSmoothing'),
  targets: TargetsSchema,
  ema: fraction('ema'),
  tta: TtaSchema,
  bestEpochBy: BestEpochBySchema,
  /**
   * A saved model (storage URI of its folder) whose weights start the run instead of random ones:
   * same architecture, the classifier may differ in classes (it starts fresh then).
   */
  initFrom: z.string().min(1, 'initFrom must be the URI of a saved model folder'),
  /**
   * Saved models (named as initFrom) whose averaged, tempered probabilities on each training image
   * are blended into its target: distillation from a fixed teacher or ensemble (docs/MODELS.md).
   */
  teachers: z
    .array(z.string().min(1, 'each teacher must name a saved model'), { error: 'teachers must be a list of saved models' })
    .min(1, 'teachers needs at least one saved model')
    .max(MAX_TEACHERS, `teachers takes at most ${MAX_TEACHERS} saved models`)
    .refine((list) => new Set(list).size === list.length, 'teachers names a saved model twice'),
  /** Weight of the teachers' distribution in the target: (1−w)·labels + w·teachers. */
  teacherWeight: z.number().gt(0, 'teacherWeight must be in (0, 1]').max(1, 'teacherWeight must be in (0, 1]'),
  /** Temperature T of the teachers' probabilities: p^(1/T), renormalised (softmax(z/T) for one view). */
  teacherTemperature: z.number().gt(0, 'teacherTemperature must be > 0').max(100, 'teacherTemperature must be <= 100'),
} as const;
export type RecipeField = keyof typeof RECIPE_FIELDS;
export const RECIPE_PARAMETERS = Object.keys(RECIPE_FIELDS) as RecipeField[];

export const TrainOptionsSchema = z
  .strictObject({
    epochs: EpochsSchema,
    batchSize: BatchSizeSchema,
    learningRate: LearningRateSchema,
    seed: SeedSchema,
    augmentation: z.union([AugmentationConfigSchema, z.literal(false)]),
    earlyStopping: z.strictObject({ patience: z.number().int().positive(), minDelta: z.number().min(0).optional() }).optional(),
    optimizer: RECIPE_FIELDS.optimizer.optional(),
    weightDecay: RECIPE_FIELDS.weightDecay.optional(),
    momentum: RECIPE_FIELDS.momentum.optional(),
    schedule: RECIPE_FIELDS.schedule.optional(),
    warmupEpochs: RECIPE_FIELDS.warmupEpochs.optional(),
    minLearningRate: RECIPE_FIELDS.minLearningRate.optional(),
    stepEvery: RECIPE_FIELDS.stepEvery.optional(),
    stepGamma: RECIPE_FIELDS.stepGamma.optional(),
    plateauPatience: RECIPE_FIELDS.plateauPatience.optional(),
    plateauFactor: RECIPE_FIELDS.plateauFactor.optional(),
    labelSmoothing: RECIPE_FIELDS.labelSmoothing.optional(),
    targets: RECIPE_FIELDS.targets.optional(),
    ema: RECIPE_FIELDS.ema.optional(),
    tta: RECIPE_FIELDS.tta.optional(),
    bestEpochBy: RECIPE_FIELDS.bestEpochBy.optional(),
    initFrom: RECIPE_FIELDS.initFrom.optional(),
    teachers: RECIPE_FIELDS.teachers.optional(),
    teacherWeight: RECIPE_FIELDS.teacherWeight.optional(),
    teacherTemperature: RECIPE_FIELDS.teacherTemperature.optional(),
  })
  .superRefine((t, ctx) => {
    if (t.warmupEpochs !== undefined && t.warmupEpochs > t.epochs)
      ctx.addIssue({ code: 'custom', path: ['warmupEpochs'], message: `warmupEpochs (${t.warmupEpochs}) must not exceed epochs (${t.epochs})` });
    if (t.minLearningRate !== undefined && t.minLearningRate > t.learningRate)
      ctx.addIssue({
        code: 'custom',
        path: ['minLearningRate'],
        message: `minLearningRate (${t.minLearningRate}) must not exceed learningRate (${t.learningRate})`,
      });
    for (const key of ['teacherWeight', 'teacherTemperature'] as const)
      if (t[key] !== undefined && t.teachers === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `${key} needs teachers` });
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
  /** Learning rate of the epoch's last step. */
  learningRate: z.number().optional(),
  seconds: z.number(),
  imagesPerSecond: z.number(),
});
export type EpochMetrics = z.infer<typeof EpochMetricsSchema>;
