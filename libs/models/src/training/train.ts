import * as tf from '@tensorflow/tfjs';
import { buildModel } from '../architectures/build-model.js';
import { parseModelConfig, type ModelConfig } from '../architectures/model-config.js';
import { classificationReport } from '../metrics/classification-report.js';
import { scoreSet } from '../metrics/evaluate.js';
import { augmentationTransforms } from './augmentation.js';
import { improvesOn } from './best-epoch.js';
import { initialEarlyStopping, updateEarlyStopping } from './early-stopping.js';
import { validateImageSet } from './image-set.js';
import { initialPlateau, learningRateAt, updatePlateau } from './learning-rate.js';
import { createRandom, deriveSeed, shuffledIndices } from './random.js';
import { ReplicaGroup } from './replicas/replica-group.js';
import { dropoutSeedFor, localTrainingStep, shardRanges, type ShardPlan } from './train-step.js';
import { buildTrainingModel, type TrainingModel } from './training-model.js';
import { validateTrainOptions, type EpochMetrics, type StopReason, type TrainArgs, type TrainingOutcome } from './train-options.js';
import { encodeState, restoreState, type RunState, type TrainingRun } from './training-state.js';
import { transferWeights } from './transfer-weights.js';
import { WeightAverage } from './weight-average.js';

export type { TrainingCheckpointHeader } from './training-state.js';

/**
 * Trains a fresh model (or one restored from `resumeFrom`) on categorical cross-entropy with the
 * recipe in `options` (optimizer, learning-rate schedule, label smoothing or soft targets, weight
 * average, test-time augmentation). Everything random — initial weights, per-epoch shuffle,
 * augmentation, dropout masks — is derived from (seed, epoch, step), and checkpoints carry the
 * whole state (optimizer slots, weight average, plateau state, the best epoch's weights), so a
 * run resumed from a checkpoint continues exactly as if it had never stopped.
 *
 * After every epoch the model (the weight average where one is kept) is scored on val; the best
 * epoch by `bestEpochBy` is kept beside the last.
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
  if (options.targets === 'ferplus-votes' && !args.train.targets) throw new Error('training option targets=ferplus-votes needs soft targets on the train set (a dataset built with FER+ votes)');

  // A fresh run with initFrom needs the loaded model; a resume takes every weight from its
  // checkpoint, so the caller need not load it again.
  if (options.initFrom !== undefined && args.initialModel === undefined && args.resumeFrom === undefined) {
    throw new Error(`training option initFrom (${options.initFrom}) needs the loaded model as initialModel (or a checkpoint to resume from)`);
  }
  if (options.initFrom === undefined && args.initialModel !== undefined) throw new Error('initialModel is given but training option initFrom does not name it');

  const replicas = options.replicas ?? 1;
  const parts = buildTrainingModel(config, options.seed, options);
  const run: TrainingRun = { config, options, training: parts, average: undefined };
  let state: RunState = { epoch: 0, history: [], earlyStopping: initialEarlyStopping(), plateau: initialPlateau() };
  let group: ReplicaGroup | undefined;
  let checkpoint: Uint8Array = new Uint8Array();
  let stoppedBy: StopReason = 'completed';
  let trainingSeconds = 0;

  try {
    // Replicas start before a restore: they check that they built replica 0's initial weights.
    if (replicas > 1) group = await ReplicaGroup.start({ replicas, backend: tf.getBackend(), model: config, seed: options.seed, recipe: options, set: args.train, local: parts });
    // Pretrained weights replace the seeded ones after that check, and before the average starts
    // from them; a resume overwrites both from its checkpoint.
    if (args.initialModel && !args.resumeFrom) {
      const transfer = transferWeights(args.initialModel, parts.model);
      args.onInitialized?.(transfer);
      await group?.pushState();
    }
    run.average = options.ema ? new WeightAverage(options.ema, parts.variables) : undefined;
    if (args.resumeFrom) {
      state = restoreState(args.resumeFrom, run);
      await group?.pushState();
    }
    checkpoint = await encodeState(run, state);
    for (let epoch = state.epoch + 1; epoch <= options.epochs; epoch++) {
      const started = performance.now();
      const result = await trainEpoch(parts, group, run.average, args, epoch, state);
      const trainSeconds = (performance.now() - started) / 1000;
      if (result === 'aborted') {
        stoppedBy = 'aborted';
        break;
      }
      // Replicas agree on everything but batch norm's moving statistics until here.
      await group?.syncStatistics();
      const scored = await withEvaluatedWeights(run.average, async () => ({
        val: await scoreSet(parts.model, args.val, { batchSize: options.batchSize, tta: options.tta ?? 'none' }),
        weights: await Promise.all(parts.model.weights.map(async (w) => ((await w.read().data()) as Float32Array).slice())),
      }));
      const seconds = (performance.now() - started) / 1000;
      trainingSeconds += seconds;
      const report = classificationReport(args.val.labels, scored.val.predictions, args.val.classes, scored.val.loss);
      const metrics: EpochMetrics = {
        epoch,
        loss: result.loss,
        accuracy: result.accuracy,
        valLoss: scored.val.loss,
        valAccuracy: report.accuracy,
        valMacroF1: report.macroF1,
        learningRate: result.learningRate,
        seconds,
        imagesPerSecond: args.train.count / trainSeconds,
      };
      const early = options.earlyStopping ? updateEarlyStopping(state.earlyStopping, options.earlyStopping, epoch, metrics.valLoss) : null;
      const candidate = { epoch, valLoss: metrics.valLoss, valAccuracy: metrics.valAccuracy };
      state = {
        epoch,
        history: [...state.history, metrics],
        earlyStopping: early?.state ?? state.earlyStopping,
        plateau: options.schedule === 'plateau' ? updatePlateau(state.plateau, metrics.valLoss, options) : state.plateau,
        best: improvesOn(candidate, state.best?.epoch, options.bestEpochBy) ? { epoch: candidate, weights: scored.weights } : state.best,
      };
      checkpoint = await encodeState(run, state);
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
    // The saved "last" model is what was evaluated: the weight average where one is kept.
    run.average?.commit();
  } catch (error) {
    parts.model.dispose();
    throw error;
  } finally {
    parts.optimizer.dispose();
    run.average?.dispose();
    await group?.close();
  }
  const best = state.best ? { epoch: state.best.epoch, model: modelWithWeights(config, options.seed, state.best.weights) } : undefined;
  return { model: parts.model, ...(best ? { best } : {}), history: state.history, stoppedBy, checkpoint, trainingSeconds };
}

/** Runs `body` on the weights that are evaluated and saved: the average where one is kept. */
function withEvaluatedWeights<T>(average: WeightAverage | undefined, body: () => Promise<T>): Promise<T> {
  return average ? average.swapped(body) : body();
}

function modelWithWeights(config: ModelConfig, seed: number, weights: Float32Array[]): tf.LayersModel {
  const model = buildModel(config, { seed });
  tf.tidy(() => model.setWeights(model.weights.map((w, i) => tf.tensor(weights[i]!, w.shape.map((d) => d ?? 0)))));
  return model;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function trainEpoch(
  parts: TrainingModel,
  group: ReplicaGroup | undefined,
  average: WeightAverage | undefined,
  args: TrainArgs,
  epoch: number,
  state: RunState,
): Promise<{ loss: number; accuracy: number; learningRate: number } | 'aborted'> {
  const { options, train: set } = args;
  const replicas = group?.replicas ?? 1;
  const order = shuffledIndices(set.count, createRandom(deriveSeed(options.seed, 'shuffle', epoch)));
  const augmentRandom = createRandom(deriveSeed(options.seed, 'augment', epoch));
  const steps = Math.ceil(set.count / options.batchSize);
  let lossSum = 0;
  let correctSum = 0;
  let step = 0;
  let learningRate = options.learningRate;
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
      ...(options.labelSmoothing ? { labelSmoothing: options.labelSmoothing } : {}),
    }));
    learningRate = learningRateAt(options, { progress: epoch - 1 + step / steps, stepShare: 1 / steps, epochs: options.epochs }, state.plateau);
    parts.optimizer.learningRate = learningRate;
    const { loss, correct } = group ? await group.step(plans, learningRate) : await localTrainingStep(parts, set, plans[0]!);
    average?.update(parts.optimizer.iteration);
    lossSum += loss * indices.length;
    correctSum += correct;
  }
  return { loss: lossSum / set.count, accuracy: correctSum / set.count, learningRate };
}
