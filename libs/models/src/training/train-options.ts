import { TEST_TIME_AUGMENTATIONS, type TestTimeAugmentation } from '@fermx/contracts';
import type { ModelConfig } from '../architectures/model-config.js';
import type { AugmentationConfig } from './augmentation.js';
import type { EarlyStoppingConfig } from './early-stopping.js';
import type { ImageSet } from './image-set.js';
import type * as tf from '@tensorflow/tfjs';
import type { WeightTransfer } from './transfer-weights.js';

export const OPTIMIZERS = ['adam', 'adamw', 'sgd'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];
export const LEARNING_RATE_SCHEDULES = ['constant', 'cosine', 'one-cycle', 'plateau', 'step'] as const;
export type LearningRateSchedule = (typeof LEARNING_RATE_SCHEDULES)[number];
export const TARGETS = ['majority', 'ferplus-votes'] as const;
export type Targets = (typeof TARGETS)[number];
export const BEST_EPOCH_METRICS = ['val_accuracy', 'val_loss'] as const;
export type BestEpochMetric = (typeof BEST_EPOCH_METRICS)[number];

/**
 * How a model is trained. Every recipe field is optional; absent means the paper's protocol
 * (Adam, constant rate, one-hot majority labels, no smoothing, no averaging, no test-time
 * augmentation), so configurations written before a field existed keep their meaning and ids.
 */
export interface TrainOptions {
  epochs: number;
  batchSize: number;
  /** The peak rate: every schedule starts from (or rises to) it. */
  learningRate: number;
  seed: number;
  augmentation: AugmentationConfig | false;
  earlyStopping?: EarlyStoppingConfig;
  /** adam (L2 weight decay added to the gradient), adamw (decoupled decay), sgd (Nesterov momentum, L2). */
  optimizer?: OptimizerName;
  /** Weight decay of kernels (rank ≥ 2 variables; biases and batch-norm parameters are not decayed). */
  weightDecay?: number;
  /** SGD momentum (Nesterov), default 0.9. */
  momentum?: number;
  schedule?: LearningRateSchedule;
  /** Linear warm-up from 0 over this many epochs (fractional allowed), then the schedule. */
  warmupEpochs?: number;
  /** Floor of cosine, one-cycle and plateau. */
  minLearningRate?: number;
  /** step: multiply by stepGamma every stepEvery epochs (defaults 30, 0.1). */
  stepEvery?: number;
  stepGamma?: number;
  /** plateau: multiply by plateauFactor after plateauPatience epochs without a better val loss (defaults 10, 0.1). */
  plateauPatience?: number;
  plateauFactor?: number;
  /** ε of label smoothing: targets become (1−ε)·y + ε/K. */
  labelSmoothing?: number;
  /** majority: one-hot labels; ferplus-votes: cross-entropy against the renormalised FER+ votes of the classes. */
  targets?: Targets;
  /** Decay of an exponential moving average of the weights; the average is what is evaluated and saved. */
  ema?: number;
  /** Test-time augmentation at evaluation: flip averages the image's and its mirror's probabilities. */
  tta?: TestTimeAugmentation;
  /** Which epoch's model is kept as the best one beside the last (default val_accuracy). */
  bestEpochBy?: BestEpochMetric;
  /** Storage URI of a saved model whose weights start the run (the caller loads it: TrainArgs.initialModel). */
  initFrom?: string;
  /**
   * Saved models (named as initFrom) to distil from: the caller blends their averaged, tempered
   * probabilities into the train set's targets (teacher-targets.ts); here they are part of the
   * recipe a checkpoint must match.
   */
  teachers?: string[];
  /** Weight w of the teachers in the target (1−w)·labels + w·teachers, in (0, 1]. */
  teacherWeight?: number;
  /** Temperature T of the teachers' probabilities, p^(1/T) renormalised. */
  teacherTemperature?: number;
  /**
   * Data-parallel replicas on this machine (default 1): R > 1 trains each batch as R shards,
   * one on this thread and one per worker thread, on the wasm or cpu backend.
   */
  replicas?: number;
}

export interface EpochMetrics {
  /** 1-based */
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number;
  valAccuracy: number;
  valMacroF1?: number;
  /** Learning rate of the epoch's last step. */
  learningRate?: number;
  seconds: number;
  imagesPerSecond: number;
}

export type StopReason = 'completed' | 'early-stopping' | 'callback' | 'aborted';

export interface TrainArgs {
  model: ModelConfig;
  train: ImageSet;
  val: ImageSet;
  options: TrainOptions;
  /** An encoded checkpoint (from a previous run of the same model and options) to continue from. */
  resumeFrom?: Uint8Array;
  /**
   * The saved model `options.initFrom` names, loaded by the caller: its weights start the run
   * (transferWeights). Ignored when resuming: the checkpoint has the weights.
   */
  initialModel?: tf.LayersModel;
  /** Told what the pretrained model gave: weights copied, weights left fresh. */
  onInitialized?: (transfer: WeightTransfer) => void;
  /** Called after every epoch; `checkpoint()` encodes the state after that epoch. Return 'stop' to end training. */
  onEpochEnd?: (metrics: EpochMetrics, checkpoint: () => Promise<Uint8Array>) => Promise<void | 'stop'>;
  /** Checked between batches; an aborted run ends after the current batch with stoppedBy 'aborted'. */
  signal?: AbortSignal;
}

/** The model of the best epoch so far (by `bestEpochBy`), as evaluated (the weight average where one is kept). */
export interface BestEpoch {
  epoch: number;
  valLoss: number;
  valAccuracy: number;
}

export interface TrainingOutcome {
  /** The last epoch's model (the weight average where `ema` is set). */
  model: tf.LayersModel;
  /** The best epoch's model (same architecture), undefined when no epoch ran. */
  best?: { epoch: BestEpoch; model: tf.LayersModel };
  history: EpochMetrics[];
  stoppedBy: StopReason;
  /** Checkpoint of the last completed epoch (resume from it to continue). */
  checkpoint: Uint8Array;
  /** Seconds spent in epochs run by this call (not those before a resume). */
  trainingSeconds: number;
}

/** Throws naming the bad option. */
export function validateTrainOptions(options: TrainOptions): void {
  const positiveInt = (name: keyof TrainOptions, value: number): void => {
    if (!Number.isInteger(value) || value < 1) throw new Error(`training option ${name} must be a positive integer, got ${value}`);
  };
  positiveInt('epochs', options.epochs);
  positiveInt('batchSize', options.batchSize);
  if (!(options.learningRate > 0) || !Number.isFinite(options.learningRate)) throw new Error(`training option learningRate must be > 0, got ${options.learningRate}`);
  if (!Number.isInteger(options.seed)) throw new Error(`training option seed must be an integer, got ${options.seed}`);
  if (options.replicas !== undefined) {
    positiveInt('replicas', options.replicas);
    if (options.replicas > options.batchSize) throw new Error(`training option replicas (${options.replicas}) must not exceed batchSize (${options.batchSize})`);
  }
  const inRange = (name: keyof TrainOptions, value: number | undefined, low: number, high: number, highOpen = true): void => {
    if (value === undefined) return;
    if (!Number.isFinite(value) || value < low || (highOpen ? value >= high : value > high)) throw new Error(`training option ${name} must be in [${low}, ${high}${highOpen ? ')' : ']'}, got ${value}`);
  };
  inRange('weightDecay', options.weightDecay, 0, 1);
  inRange('momentum', options.momentum, 0, 1);
  inRange('labelSmoothing', options.labelSmoothing, 0, 1);
  inRange('ema', options.ema, 0, 1);
  inRange('warmupEpochs', options.warmupEpochs, 0, options.epochs, false);
  inRange('minLearningRate', options.minLearningRate, 0, options.learningRate, false);
  inRange('stepGamma', options.stepGamma, 0, 1, false);
  inRange('plateauFactor', options.plateauFactor, 0, 1);
  if (options.stepEvery !== undefined) positiveInt('stepEvery', options.stepEvery);
  if (options.plateauPatience !== undefined) positiveInt('plateauPatience', options.plateauPatience);
  const oneOf = <T extends string>(name: keyof TrainOptions, value: T | undefined, allowed: readonly T[]): void => {
    if (value !== undefined && !allowed.includes(value)) throw new Error(`training option ${name} must be one of ${allowed.join(', ')}, got ${String(value)}`);
  };
  oneOf('optimizer', options.optimizer, OPTIMIZERS);
  oneOf('schedule', options.schedule, LEARNING_RATE_SCHEDULES);
  oneOf('targets', options.targets, TARGETS);
  oneOf('tta', options.tta, TEST_TIME_AUGMENTATIONS);
  oneOf('bestEpochBy', options.bestEpochBy, BEST_EPOCH_METRICS);
  if (options.initFrom !== undefined && (typeof options.initFrom !== 'string' || options.initFrom.length === 0)) {
    throw new Error(`training option initFrom must be the URI of a saved model folder, got ${JSON.stringify(options.initFrom)}`);
  }
  if (options.teachers !== undefined && (!Array.isArray(options.teachers) || options.teachers.length === 0 || options.teachers.some((t) => typeof t !== 'string' || t.length === 0))) {
    throw new Error(`training option teachers must be a non-empty list of saved models, got ${JSON.stringify(options.teachers)}`);
  }
  if (options.teacherWeight !== undefined && !(options.teacherWeight > 0 && options.teacherWeight <= 1)) {
    throw new Error(`training option teacherWeight must be in (0, 1], got ${options.teacherWeight}`);
  }
  if (options.teacherTemperature !== undefined && !(options.teacherTemperature > 0 && Number.isFinite(options.teacherTemperature))) {
    throw new Error(`training option teacherTemperature must be > 0, got ${options.teacherTemperature}`);
  }
  if (options.earlyStopping && (!Number.isInteger(options.earlyStopping.patience) || options.earlyStopping.patience < 1)) {
    throw new Error(`training option earlyStopping.patience must be a positive integer, got ${options.earlyStopping.patience}`);
  }
}
