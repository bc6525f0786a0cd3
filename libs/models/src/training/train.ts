import * as tf from '@tensorflow/tfjs';
import { buildModel } from '../architectures/build-model.js';
import { parseModelConfig, type ModelConfig } from '../architectures/model-config.js';
import { crossEntropy, scoreSet } from '../metrics/evaluate.js';
import { AdamOptimizer, KERAS_ADAM } from './adam.js';
import { augmentationTransforms, augmentBatch } from './augmentation.js';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointHeader, type CheckpointTensor } from './checkpoint.js';
import { initialEarlyStopping, updateEarlyStopping, type EarlyStoppingState } from './early-stopping.js';
import { imageBatch, labelBatch, validateImageSet } from './image-set.js';
import { createRandom, deriveSeed, shuffledIndices } from './random.js';
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

  const model = buildModel(config, { seed: options.seed });
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const adam = new AdamOptimizer({ learningRate: options.learningRate, ...KERAS_ADAM }, variables);
  const dropoutLayers = model.layers.filter((layer) => layer.getClassName() === 'Dropout');
  let state: RunState = { epoch: 0, history: [], earlyStopping: initialEarlyStopping() };

  if (args.resumeFrom) state = restore(args.resumeFrom, model, adam, config, args);

  const encode = async (): Promise<Uint8Array> => encodeState(model, adam, config, args, state);
  let checkpoint = await encode();
  let stoppedBy: StopReason = 'completed';
  let trainingSeconds = 0;

  try {
    for (let epoch = state.epoch + 1; epoch <= options.epochs; epoch++) {
      const started = performance.now();
      const result = await trainEpoch(model, adam, dropoutLayers, args, epoch);
      const trainSeconds = (performance.now() - started) / 1000;
      if (result === 'aborted') {
        stoppedBy = 'aborted';
        break;
      }
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
  } finally {
    adam.dispose();
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
  model: tf.LayersModel,
  adam: AdamOptimizer,
  dropoutLayers: tf.layers.Layer[],
  args: TrainArgs,
  epoch: number,
): Promise<{ loss: number; accuracy: number } | 'aborted'> {
  const { options, train: set } = args;
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
    // tfjs' Dropout with a fixed seed draws the same mask on every call; a per-step seed gives
    // fresh masks that a resumed run reproduces.
    const dropoutSeed = deriveSeed(options.seed, 'dropout', epoch, step);
    for (const layer of dropoutLayers) (layer as unknown as { seed: number }).seed = dropoutSeed;
    const transforms = options.augmentation ? augmentationTransforms(indices.length, options.augmentation, augmentRandom) : null;

    const x = tf.tidy(() => {
      const images = imageBatch(set, indices);
      return transforms ? augmentBatch(images, transforms) : images;
    });
    const y = labelBatch(set, indices);
    let correct: tf.Scalar | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const probabilities = model.apply(x, { training: true }) as tf.Tensor2D;
      correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(probabilities, -1), tf.argMax(y, -1)), 'float32'))) as tf.Scalar;
      return crossEntropy(y, probabilities);
    }, adam.variables);
    adam.apply(adam.variables.map((v) => grads[v.name]!));
    lossSum += (await value.data())[0]! * indices.length;
    correctSum += correct ? (await correct.data())[0]! : 0;
    tf.dispose([x, y, value, correct, ...Object.values(grads)]);
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
