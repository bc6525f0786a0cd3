import type { ModelConfig } from '../../architectures/model-config.js';
import type { ShardPlan } from '../train-step.js';
import type { OptimizerRecipe } from '../training-model.js';

/** Backends whose kernels run on the calling thread, so a worker thread is a second core. */
export const REPLICA_BACKENDS = ['wasm', 'cpu'] as const;
export type ReplicaBackend = (typeof REPLICA_BACKENDS)[number];

/**
 * What a replica thread starts from (its workerData). The training images and the gradient
 * exchange live in SharedArrayBuffers, so no step copies them.
 */
export interface ReplicaSetup {
  replica: number;
  replicas: number;
  backend: ReplicaBackend;
  model: ModelConfig;
  seed: number;
  recipe: OptimizerRecipe;
  images: SharedArrayBuffer;
  labels: SharedArrayBuffer;
  /** Soft targets (count × classes float32), when the set has them. */
  targets?: SharedArrayBuffer;
  count: number;
  classes: string[];
  exchange: SharedArrayBuffer;
}

/** Main thread → replica thread. Only `read-*` and `step`/`share-statistics`/`load` are answered. */
export type ToReplica =
  | { type: 'step'; plan: ShardPlan }
  /** Apply the optimizer, at this step's learning rate, with the summed gradients in the exchange's reduced slot. */
  | { type: 'apply'; learningRate: number }
  /** Write the moving statistics (non-trainable weights) into the replica's slot. */
  | { type: 'share-statistics' }
  /** Take the averaged statistics from the reduced slot. */
  | { type: 'set-statistics' }
  /** Weights, then the optimizer's slots in its `slots()` order. */
  | { type: 'load'; weights: Float32Array[]; slots: Float32Array[][]; iteration: number }
  | { type: 'read-weights' };

/** Replica thread → main thread, one answer per answered request, in order. */
export type FromReplica =
  | { type: 'ready'; fingerprint: string }
  | { type: 'gradients'; loss: number; correct: number }
  | { type: 'statistics' }
  | { type: 'loaded' }
  | { type: 'weights'; weights: Float32Array[] }
  | { type: 'failed'; message: string; stack?: string };
