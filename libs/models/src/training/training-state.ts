import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../architectures/model-config.js';
import { KERAS_ADAM } from './adam.js';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointHeader, type CheckpointTensor } from './checkpoint.js';
import type { EarlyStoppingState } from './early-stopping.js';
import { initialPlateau, type PlateauState } from './learning-rate.js';
import type { BestEpoch, EpochMetrics, TrainOptions } from './train-options.js';
import type { TrainingModel } from './training-model.js';
import type { WeightAverage } from './weight-average.js';

/** The recipe fields a resumed run must share with its checkpoint to continue the same run. */
const RECIPE_KEYS = [
  'optimizer', 'weightDecay', 'momentum', 'schedule', 'warmupEpochs', 'minLearningRate', 'stepEvery', 'stepGamma',
  'plateauPatience', 'plateauFactor', 'labelSmoothing', 'targets', 'ema', 'tta', 'bestEpochBy', 'initFrom',
  'teachers', 'teacherWeight', 'teacherTemperature',
] as const satisfies readonly (keyof TrainOptions)[];
type Recipe = Partial<Pick<TrainOptions, (typeof RECIPE_KEYS)[number]>>;

export function recipeOf(options: TrainOptions): Recipe {
  const out: Record<string, unknown> = {};
  for (const key of RECIPE_KEYS) if (options[key] !== undefined) out[key] = options[key];
  return out as Recipe;
}

export interface TrainingCheckpointHeader extends CheckpointHeader {
  kind: 'fermx-training';
  model: ModelConfig;
  seed: number;
  batchSize: number;
  learningRate: number;
  /** Epochs completed. */
  epoch: number;
  /** Written for the Adam family (and by checkpoints older than `optimizer`). */
  adam?: { iteration: number; beta1: number; beta2: number; epsilon: number };
  optimizer?: { name: string; iteration: number };
  /** Absent in checkpoints written before recipes existed: the paper's protocol. */
  recipe?: Recipe;
  plateau?: PlateauState;
  /** The best epoch so far; its weights are the `best` tensors. */
  best?: BestEpoch | null;
  history: EpochMetrics[];
  earlyStopping: EarlyStoppingState;
}

/** The mutable state of one run, everything a checkpoint must carry besides the tensors. */
export interface RunState {
  epoch: number;
  history: EpochMetrics[];
  earlyStopping: EarlyStoppingState;
  plateau: PlateauState;
  best?: { epoch: BestEpoch; weights: Float32Array[] };
}

/** What a checkpoint is taken from and restored into: the model, its optimizer and the weight average. */
export interface TrainingRun {
  config: ModelConfig;
  options: TrainOptions;
  training: TrainingModel;
  average: WeightAverage | undefined;
}

export async function encodeState({ config, options, training, average }: TrainingRun, state: RunState): Promise<Uint8Array> {
  const { model, optimizer } = training;
  const names = model.weights.map((w) => w.originalName);
  const trainableNames = model.trainableWeights.map((w) => w.originalName);
  const tensors: CheckpointTensor[] = model.weights.map((w, i) => ({ role: 'weight', name: names[i]!, shape: w.shape.map((d) => d ?? 0) }));
  const sources: (tf.Tensor | Float32Array)[] = model.weights.map((w) => w.read());
  for (const slot of optimizer.slots()) {
    slot.tensors.forEach((t, i) => {
      tensors.push({ role: slot.role, name: `${trainableNames[i] ?? t.name}/${slot.suffix}`, shape: [...t.shape] });
      sources.push(t);
    });
  }
  average?.shadows.forEach((t, i) => {
    tensors.push({ role: 'ema', name: `${trainableNames[i] ?? t.name}/ema`, shape: [...t.shape] });
    sources.push(t);
  });
  state.best?.weights.forEach((values, i) => {
    tensors.push({ role: 'best', name: `${names[i]}/best`, shape: model.weights[i]!.shape.map((d) => d ?? 0) });
    sources.push(values);
  });
  const payloads = await Promise.all(sources.map(async (t) => (t instanceof Float32Array ? t : ((await t.data()) as Float32Array))));
  const name = options.optimizer ?? 'adam';
  const header: TrainingCheckpointHeader = {
    kind: 'fermx-training',
    model: config,
    seed: options.seed,
    batchSize: options.batchSize,
    learningRate: options.learningRate,
    epoch: state.epoch,
    ...(name === 'sgd' ? {} : { adam: { iteration: optimizer.iteration, ...KERAS_ADAM } }),
    optimizer: { name, iteration: optimizer.iteration },
    recipe: recipeOf(options),
    plateau: state.plateau,
    best: state.best?.epoch ?? null,
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

/** Loads a checkpoint into the model, optimizer and weight average; throws naming what does not match this run. */
export function restoreState(bytes: Uint8Array, { config, options, training, average }: TrainingRun): RunState {
  const { header, payloads } = decodeCheckpoint<TrainingCheckpointHeader>(bytes);
  if (header.kind !== 'fermx-training') throw new Error(`resumeFrom: checkpoint kind is ${String(header.kind)}, expected fermx-training`);
  if (!sameModel(header.model, config)) {
    throw new Error(`resumeFrom: checkpoint is for model ${JSON.stringify(header.model)}, this run trains ${JSON.stringify(config)}`);
  }
  for (const key of ['seed', 'batchSize', 'learningRate'] as const) {
    if (header[key] !== options[key]) throw new Error(`resumeFrom: checkpoint has ${key}=${header[key]}, this run has ${options[key]}; resuming would not reproduce the run`);
  }
  const theirs = JSON.stringify(header.recipe ?? {});
  const ours = JSON.stringify(recipeOf(options));
  if (theirs !== ours) throw new Error(`resumeFrom: checkpoint was trained with recipe ${theirs}, this run has ${ours}; resuming would not reproduce the run`);
  const { model, optimizer } = training;
  const byRole = (role: CheckpointTensor['role']): Float32Array[] => payloads.filter((_, i) => header.tensors[i]!.role === role);
  const weightTensors = header.tensors.filter((t) => t.role === 'weight');
  const weights = model.weights;
  if (weightTensors.length !== weights.length) throw new Error(`resumeFrom: checkpoint has ${weightTensors.length} weights, model has ${weights.length}`);
  weightTensors.forEach((t, i) => {
    const expected = weights[i]!.shape;
    if (t.shape.join('x') !== expected.join('x')) throw new Error(`resumeFrom: weight ${i} (${t.name}) has shape [${t.shape}], model expects [${expected}]`);
  });
  const values = byRole('weight');
  tf.tidy(() => model.setWeights(weights.map((w, i) => tf.tensor(values[i]!, w.shape.map((d) => d ?? 0)))));
  optimizer.restore(header.optimizer?.iteration ?? header.adam?.iteration ?? 0, optimizer.slots().map((slot) => byRole(slot.role)));
  if (average) average.restore(byRole('ema'));
  const bestWeights = byRole('best');
  const best = header.best && bestWeights.length === weights.length ? { epoch: header.best, weights: bestWeights } : undefined;
  return { epoch: header.epoch, history: header.history, earlyStopping: header.earlyStopping, plateau: header.plateau ?? initialPlateau(), ...(best ? { best } : {}) };
}
