import * as tf from '@tensorflow/tfjs';
import { crossEntropy } from '../metrics/evaluate.js';
import { augmentBatch } from './augmentation.js';
import { imageBatch, labelBatch, type ImageSet } from './image-set.js';
import { deriveSeed } from './random.js';
import type { TrainingModel } from './training-model.js';

/** What one replica computes in one step: its slice of the batch and how to weigh it. */
export interface ShardPlan {
  indices: Uint32Array;
  /** Per-image augmentation transforms ([n, 8] row-major), or null for none. */
  transforms: Float32Array | null;
  dropoutSeed: number;
  /** shard size / batch size, so the replicas' gradients sum to the full-batch mean gradient. */
  lossScale: number;
  /** ε of label smoothing (0 or absent: none). */
  labelSmoothing?: number;
}

export interface ShardGradients {
  /** grads[i] belongs to variables[i]. */
  grads: tf.Tensor[];
  /** The scaled loss (mean cross-entropy of the shard × lossScale). */
  loss: tf.Scalar;
  /** Correctly classified images in the shard. */
  correct: tf.Scalar;
}

/**
 * Forward and backward pass on one shard, in training mode (batch norm uses the shard's
 * statistics and updates its moving averages; dropout draws from `dropoutSeed`). The caller
 * owns and disposes the returned tensors.
 */
export function shardGradients(model: tf.LayersModel, variables: tf.Variable[], dropoutLayers: tf.layers.Layer[], set: ImageSet, plan: ShardPlan): ShardGradients {
  // tfjs' Dropout with a fixed seed draws the same mask on every call; a per-step seed gives
  // fresh masks that a resumed run reproduces.
  for (const layer of dropoutLayers) (layer as unknown as { seed: number }).seed = plan.dropoutSeed;
  const x = tf.tidy(() => {
    const images = imageBatch(set, plan.indices);
    return plan.transforms ? augmentBatch(images, plan.transforms) : images;
  });
  const y = labelBatch(set, plan.indices, plan.labelSmoothing ?? 0);
  let correct: tf.Scalar | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const probabilities = model.apply(x, { training: true }) as tf.Tensor2D;
    correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(probabilities, -1), tf.argMax(y, -1)), 'float32'))) as tf.Scalar;
    const loss = crossEntropy(y, probabilities);
    // ×1 is exact, but skipping it keeps the one-replica graph as it always was.
    return plan.lossScale === 1 ? loss : tf.mul(loss, plan.lossScale);
  }, variables);
  tf.dispose([x, y]);
  return { grads: variables.map((v) => grads[v.name]!), loss: value, correct: correct ?? tf.scalar(0) };
}

/**
 * Splits a batch into `replicas` contiguous shards, sizes as equal as possible (the first
 * `length % replicas` get one more); a shard may be empty when the batch is smaller.
 */
export function shardRanges(length: number, replicas: number): [number, number][] {
  const base = Math.floor(length / replicas);
  const extra = length % replicas;
  const out: [number, number][] = [];
  let start = 0;
  for (let r = 0; r < replicas; r++) {
    const end = start + base + (r < extra ? 1 : 0);
    out.push([start, end]);
    start = end;
  }
  return out;
}

/** Dropout seed of one replica in one step; replica 0's is the one-replica run's. */
export function dropoutSeedFor(seed: number, epoch: number, step: number, replica: number): number {
  return replica === 0 ? deriveSeed(seed, 'dropout', epoch, step) : deriveSeed(seed, 'dropout', epoch, step, replica);
}

/** One whole training step on this thread alone (forward, backward, Adam); loss and correct count read back. */
export async function localTrainingStep(parts: TrainingModel, set: ImageSet, plan: ShardPlan): Promise<{ loss: number; correct: number }> {
  const { grads, loss, correct } = shardGradients(parts.model, parts.variables, parts.dropoutLayers, set, plan);
  parts.optimizer.apply(grads);
  // Asynchronous reads: webgpu in Node has no dataSync.
  const out = { loss: (await loss.data())[0]!, correct: (await correct.data())[0]! };
  tf.dispose([...grads, loss, correct]);
  return out;
}
