import type { ModelConfig } from '../architectures/model-config.js';
import type { AugmentationConfig } from './augmentation.js';
import type { EarlyStoppingConfig } from './early-stopping.js';
import type { ImageSet } from './image-set.js';
import type * as tf from '@tensorflow/tfjs';

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  augmentation: AugmentationConfig | false;
  earlyStopping?: EarlyStoppingConfig;
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
  /** Called after every epoch; `checkpoint()` encodes the state after that epoch. Return 'stop' to end training. */
  onEpochEnd?: (metrics: EpochMetrics, checkpoint: () => Promise<Uint8Array>) => Promise<void | 'stop'>;
  /** Checked between batches; an aborted run ends after the current batch with stoppedBy 'aborted'. */
  signal?: AbortSignal;
}

export interface TrainingOutcome {
  model: tf.LayersModel;
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
  if (options.earlyStopping && (!Number.isInteger(options.earlyStopping.patience) || options.earlyStopping.patience < 1)) {
    throw new Error(`training option earlyStopping.patience must be a positive integer, got ${options.earlyStopping.patience}`);
  }
}
