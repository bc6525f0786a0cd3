// @fermx/models — the public surface: model zoo, training loop, evaluation, artifacts, backends.
export { parseModelConfig, InvalidModelConfigError, INPUT_SIZE } from './architectures/model-config.js';
export { buildModel, type BuildOptions } from './architectures/build-model.js';
export { describeModels, summarizeModel, countFlops, type ModelSummary } from './architectures/model-summary.js';

export { train, type TrainingCheckpointHeader } from './training/train.js';
export { transferWeights, type WeightTransfer } from './training/transfer-weights.js';
export { teacherDistribution, blendTargets, teacherAgreement, type TeacherReading } from './training/teacher-targets.js';
export { AdamOptimizer, KERAS_ADAM, type AdamSettings, type AdamOptions } from './training/adam.js';
export { SgdOptimizer } from './training/sgd.js';
export type { Optimizer, OptimizerSlot } from './training/optimizer.js';
export { learningRateAt, type PlateauState } from './training/learning-rate.js';
export {
  OPTIMIZERS, LEARNING_RATE_SCHEDULES, TARGETS, BEST_EPOCH_METRICS,
  type TrainArgs, type TrainOptions, type EpochMetrics, type StopReason, type TrainingOutcome, type BestEpoch, type OptimizerName, type LearningRateSchedule, type Targets, type BestEpochMetric,
} from './training/train-options.js';
export { buildTrainingModel, createOptimizer, type TrainingModel, type OptimizerRecipe } from './training/training-model.js';
export { localTrainingStep, shardGradients, shardRanges, type ShardPlan, type ShardGradients } from './training/train-step.js';
export { PAPER_AUGMENTATION, augmentationTransforms, augmentBatch, type AugmentationConfig } from './training/augmentation.js';
export type { EarlyStoppingConfig, EarlyStoppingState } from './training/early-stopping.js';
export { validateImageSet, PIXELS_PER_IMAGE, type ImageSet } from './training/image-set.js';
export { encodeCheckpoint, decodeCheckpoint, verifyCheckpoint, CheckpointCorruptError, CHECKPOINT_MAGIC, CHECKPOINT_VERSION, type Checkpoint, type CheckpointCheck, type CheckpointHeader, type CheckpointTensor } from './training/checkpoint.js';

export { evaluate, scoreSet, type ScoringOptions, type TestTimeAugmentation } from './metrics/evaluate.js';
export { predictProbabilities, recordedTestTimeAugmentation, viewCount, type RecordedReading } from './metrics/test-time-views.js';
export { priorShiftWeights, shiftPrior } from './metrics/class-prior.js';
export { averagedModel } from './metrics/ensemble.js';
export { classificationReport, type EvaluationReport } from './metrics/classification-report.js';

export { saveModelArtifacts, loadModelArtifacts, MODEL_FILES, type ModelMetadata } from './artifacts/model-artifacts.js';
export { soupWeights, soupMetadata, SoupMismatchError, type SoupMember } from './artifacts/model-soup.js';
export { recalibrateBatchNorm, type BatchNormRecalibration } from './artifacts/recalibrate-batch-norm.js';

// Backends live in @fermx/kernels; the model-facing part is re-exported for the apps that train.
export { initBackend, AUTO_ORDER, backendNames, type BackendName, type BackendChoice, type BackendInfo, type BackendProbes, type ProbeResult, type BackendLog } from '@fermx/kernels';
