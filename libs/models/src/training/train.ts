import * as tf from '@tensorflow/tfjs';
import { parseModelConfig, type ModelConfig } from '../architectures/model-config.js';
import { scoreSet } from '../metrics/evaluate.js';
import { KERAS_ADAM, type AdamOptimizer } from './adam.js';
import { augmentationTransforms } from './augmentation.js';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointHeader, type CheckpointTensor } from './checkpoint.js';
import { initialEarlyStopping, updateEarlyStopping, type EarlyStoppingState } from './early-stopping.js';
import { validateImageSet } from './image-set.js';
import { createRandom, deriveSeed, shuffledIndices } from './random.js';
import { ReplicaGroup } from './replicas/replica-group.js';
import { dropoutSeedFor, localTrainingStep, shardRanges, type ShardPlan } from './train-step.js';
import { buildTrainingModel, type TrainingModel } from './training-model.js';
import { validateTrainOptions, type EpochMetrics, type StopReason, type TrainArgs, type TrainingOutcome } from './train-options.js';

export interface TrainingCheckpointHeader extends CheckpointHeader {
  kind: 'fermx-training';
  model: ModelConfig;
  seed: number;
  batchSize: number;
  learningRate: number;
  /** Epochs completed. */
  epoch: number;
  adam: { iteration: number; beta1: number; beta2: number; epsilon: number };
  history: EpochMetrics[];
  earlyStopping: EarlyStoppingState;
}

/** The mutable state of one run, everything a checkpoint must carry. */
interface RunState {
  epoch: number;
  history: EpochMetrics[];
  earlyStopping: EarlyStoppingState;
}

/**
 * Trains a fresh model (or one restored from `resumeFrom`) with Adam on categorical
 * cross-entropy. Everything random — initial weights, per-epoch shuffle, augmentation,
 * dropout masks — is derived from (seed, epoch, step), so a run resumed from a checkpoint
 * continues exactly as if it had never stopped.
 *
 * With `options.replicas` R > 1 (wasm or cpu backend), each batch is split into R contiguous
 * shards trained in parallel by R−1 worker threads and this thread (see ReplicaGroup); the
 * summed gradients are the full-batch mean gradient, and batch norm sees per-shard statistics.
 */
export async function train(args: TrainArgs): Promise<TrainingOutcome> {
  const config = parseModelConfig(args.model);
  const { options } = args;
  validateTrainOptions(options);
  validateImageSet(args.train, 'train');
  validateImageSet(args.val, 'val');
  if (args.train.count === 0) throw new Error('train set is empty');
  for (const [name, set] of [['train', args.train], ['val', args.val]] as const) {
    if (set.classes.length !== config.numClasses) {
      throw new Error(`${name}.classes has ${set.classes.length} classes (${set.classes.join(', ')}) but model.numClasses is ${config.numClasses}`);
    }
  }

  const replicas = options.replicas ?? 1;
  const parts = buildTrainingModel(config, options.seed, options.learningRate);
  const { model, adam } = parts;
  let state: RunState = { epoch: 0, history: [], earlyStopping: initialEarlyStopping() };
  let group: ReplicaGroup | undefined;
  let checkpoint: Uint8Array = new Uint8Array();
  let stoppedBy: StopReason = 'completed';
  let trainingSeconds = 0;

  try {
    // Replicas start before a restore: they check that they built replica 0's initial weights.
    if (replicas > 1) group = await ReplicaGroup.start({ replicas, backend: tf.getBackend(), model: config, seed: options.seed, learningRate: options.learningRate, set: args.train, local: parts });
    if (args.resumeFrom) {
      state = restore(args.resumeFrom, model, adam, config, args);
      await group?.pushState();
    }
    const encode = async (): Promise<Uint8Array> => encodeState(model, adam, config, args, state);
    checkpoint = await encode();
    for (let epoch = state.epoch + 1; epoch <= options.epochs; epoch++) {
      const started = performance.now();
      const result = await trainEpoch(parts, group, args, epoch);
      const trainSeconds = (performance.now() - started) / 1000;
      if (result === 'aborted') {
        stoppedBy = 'aborted';
        break;
      }
      // Replicas agree on everything but batch norm's moving statistics until here.
      await group?.syncStatistics();
      const val = await scoreSet(model, args.val, options.batchSize);
      const seconds = (performance.now() - started) / 1000;
      trainingSeconds += seconds;
      const metrics: EpochMetrics = {
        epoch,
        loss: result.loss,
        accuracy: result.accuracy,
        valLoss: val.loss,
        valAccuracy: accuracyOf(val.predictions, args.val.labels),
        seconds,
        imagesPerSecond: args.train.count / trainSeconds,
      };
      const early = options.earlyStopping ? updateEarlyStopping(state.earlyStopping, options.earlyStopping, epoch, metrics.valLoss) : null;
      state = { epoch, history: [...state.history, metrics], earlyStopping: early?.state ?? state.earlyStopping };
      checkpoint = await encode();
      const snapshot = checkpoint;
      const verdict = await args.onEpochEnd?.(metrics, async () => snapshot);
      if (verdict === 'stop') {
        stoppedBy = 'callback';
        break;
      }
      if (early?.stop) {
        stoppedBy = 'early-stopping';
        break;
      }
      if (args.signal?.aborted) {
        stoppedBy = 'aborted';
        break;
      }
    }
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    adam.dispose();
    await group?.close();
  }
  return { model, history: state.history, stoppedBy, checkpoint, trainingSeconds };
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function accuracyOf(predictions: Uint8Array, labels: Uint8Array): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] === labels[i]) correct += 1;
  return labels.length === 0 ? 0 : correct / labels.length;
}

async function trainEpoch(
  parts: TrainingModel,
  group: ReplicaGroup | undefined,
  args: TrainArgs,
  epoch: number,
): Promise<{ loss: number; accuracy: number } | 'aborted'> {
  const { options, train: set } = args;
  const replicas = group?.replicas ?? 1;
  const order = shuffledIndices(set.count, createRandom(deriveSeed(options.seed, 'shuffle', epoch)));
  const augmentRandom = createRandom(deriveSeed(options.seed, 'augment', epoch));
  let lossSum = 0;
  let correctSum = 0;
  let step = 0;
  for (let start = 0; start < set.count; start += options.batchSize, step++) {
    // wasm and cpu kernels are synchronous: without a macrotask turn here, an abort raised by a
    // signal handler or IPC message would not be seen until the epoch ends.
    await yieldToEventLoop();
    if (args.signal?.aborted) return 'aborted';
    const indices = order.subarray(start, Math.min(set.count, start + options.batchSize));
    // Drawn for the whole batch, then sliced: the augmentation does not depend on R.
    const transforms = options.augmentation ? augmentationTransforms(indices.length, options.augmentation, augmentRandom) : null;
    const plans: ShardPlan[] = shardRanges(indices.length, replicas).map(([from, to], replica) => ({
      indices: indices.slice(from, to),
      transforms: transforms ? transforms.slice(from * 8, to * 8) : null,
      dropoutSeed: dropoutSeedFor(options.seed, epoch, step, replica),
      lossScale: replicas === 1 ? 1 : (to - from) / indices.length,
    }));
    const { loss, correct } = group ? await group.step(plans) : await localTrainingStep(parts, set, plans[0]!);
    lossSum += loss * indices.length;
    correctSum += correct;
  }
  return { loss: lossSum / set.count, accuracy: correctSum / set.count };
}

function weightEntries(model: tf.LayersModel): { tensor: CheckpointTensor; variable: tf.LayerVariable }[] {
  return model.weights.map((w) => ({ tensor: { role: 'weight', name: w.originalName, shape: w.shape.map((d) => d ?? 0) }, variable: w }));
}

async function encodeState(model: tf.LayersModel, adam: AdamOptimizer, config: ModelConfig, args: TrainArgs, state: RunState): Promise<Uint8Array> {
  const weights = weightEntries(model);
  const tensors: CheckpointTensor[] = [
    ...weights.map((w) => w.tensor),
    ...adam.variables.map((v, i) => ({ role: 'adam-m' as const, name: `${weights[i]?.tensor.name ?? v.name}/m`, shape: [...v.shape] })),
    ...adam.variables.map((v, i) => ({ role: 'adam-v' as const, name: `${weights[i]?.tensor.name ?? v.name}/v`, shape: [...v.shape] })),
  ];
  const sources: tf.Tensor[] = [...weights.map((w) => w.variable.read()), ...adam.m, ...adam.v];
  const payloads = await Promise.all(sources.map(async (t) => (await t.data()) as Float32Array));
  const header: TrainingCheckpointHeader = {
    kind: 'fermx-training',
    model: config,
    seed: args.options.seed,
    batchSize: args.options.batchSize,
    learningRate: args.options.learningRate,
    epoch: state.epoch,
    adam: { iteration: adam.iteration, ...KERAS_ADAM },
    history: state.history,
    earlyStopping: state.earlyStopping,
    tensors,
  };
  return encodeCheckpoint({ header, payloads });
}

function sameModel(a: ModelConfig, b: ModelConfig): boolean {
  const keys: (keyof ModelConfig)[] = ['architecture', 'numClasses', 'dropout', 'middleFlowRepeats', 'width'];
  return keys.every((key) => a[key] === b[key]);
}

function restore(bytes: Uint8Array, model: tf.LayersModel, adam: AdamOptimizer, config: ModelConfig, args: TrainArgs): RunState {
  const { header, payloads } = decodeCheckpoint<TrainingCheckpointHeader>(bytes);
  if (header.kind !== 'fermx-training') throw new Error(`resumeFrom: checkpoint kind is ${String(header.kind)}, expected fermx-training`);
  if (!sameModel(header.model, config)) {
    throw new Error(`resumeFrom: checkpoint is for model ${JSON.stringify(header.model)}, this run trains ${JSON.stringify(config)}`);
  }
  for (const key of ['seed', 'batchSize', 'learningRate'] as const) {
    if (header[key] !== args.options[key]) throw new Error(`resumeFrom: checkpoint has ${key}=${header[key]}, this run has ${args.options[key]}; resuming would not reproduce the run`);
  }
  const weights = model.weights;
  const byRole = (role: CheckpointTensor['role']): Float32Array[] => payloads.filter((_, i) => header.tensors[i]!.role === role);
  const weightTensors = header.tensors.filter((t) => t.role === 'weight');
  if (weightTensors.length !== weights.length) throw new Error(`resumeFrom: checkpoint has ${weightTensors.length} weights, model has ${weights.length}`);
  weightTensors.forEach((t, i) => {
    const expected = weights[i]!.shape;
    if (t.shape.join('x') !== expected.join('x')) throw new Error(`resumeFrom: weight ${i} (${t.name}) has shape [${t.shape}], model expects [${expected}]`);
  });
  const values = byRole('weight');
  tf.tidy(() => model.setWeights(weights.map((w, i) => tf.tensor(values[i]!, w.shape.map((d) => d ?? 0)))));
  adam.restore(header.adam.iteration, byRole('adam-m'), byRole('adam-v'));
  return { epoch: header.epoch, history: header.history, earlyStopping: header.earlyStopping };
}
