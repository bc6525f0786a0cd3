import { DatasetRefSchema } from '@fermx/contracts';
import { openDataset, trainingClassMixes, type ClassMixes, type Dataset } from '@fermx/data';
import type { ImageSet, ModelMetadata, ScoringOptions, TestTimeAugmentation } from '@fermx/models';
import { TrialInputError } from '../training/errors/index.js';
import type { BackendChoice } from '../config.js';
import { priorWeights, recordedPriorWeights } from '../saved-model/class-prior-weights.js';
import { recordedViews } from '../saved-model/recorded-views.js';
import type { ClassPrior } from './class-prior-choice.js';

/** Where saved models are scored: a dataset split, the backend, the test-time augmentation, the class prior. */
export interface EvaluationInput {
  /** Folder holding the dataset's manifest.json. */
  datasetUri: string;
  split: 'train' | 'val' | 'test' | 'publictest';
  backend: BackendChoice;
  /** Test-time augmentation; undefined = what each model was trained and selected with (its metadata), else none. */
  tta?: TestTimeAugmentation;
  /** Undefined = `trained`. */
  classPrior?: ClassPrior;
  /** Shard cache; undefined = @fermx/data's default ($FERMX_CACHE_DIR or ~/.cache/fermx/shards). */
  cacheDir: string | undefined;
  env: NodeJS.ProcessEnv;
}

/** The split's images and the dataset they come from. */
export interface EvaluationSplit {
  dataset: Dataset;
  set: ImageSet;
}

/** How one model scores the split: its test-time augmentation, its class prior and the weights that apply it. */
export interface ModelScoring extends ScoringOptions {
  tta: TestTimeAugmentation;
  classPrior: ClassPrior;
}

/** The split's images; an empty split is bad input. */
export async function loadEvaluationSplit(input: EvaluationInput): Promise<EvaluationSplit> {
  const dataset = await openDataset(input.datasetUri, { cacheDir: input.cacheDir, env: input.env });
  const set = await dataset.loadSplit(input.split);
  if (set.count === 0) throw new TrialInputError(`dataset ${input.datasetUri} has no images in split '${input.split}'`);
  return { dataset, set };
}

/** How a model scores the split; a model trained on other classes, or a prior that cannot apply, is bad input. */
export function scoringFor(modelUri: string, metadata: ModelMetadata, input: EvaluationInput, split: EvaluationSplit): ModelScoring {
  assertSameClasses(modelUri, metadata, input, split.set);
  const tta = ttaFor(modelUri, input, metadata);
  const classPrior = input.classPrior ?? 'trained';
  if (classPrior === 'trained') return { tta, classPrior };
  return { tta, classPrior, classWeights: uncappedPriorWeights(modelUri, metadata, input, split.dataset) };
}

/** A saved model and where it was read from. */
export interface ScoredModel {
  uri: string;
  metadata: ModelMetadata;
}

/**
 * How an ensemble scores the split: as its first model does (that model's test-time augmentation
 * and class prior); the other members need only predict the split's classes in the same order.
 */
export function ensembleScoring(first: ScoredModel, members: readonly ScoredModel[], input: EvaluationInput, split: EvaluationSplit): ModelScoring {
  for (const member of members) assertSameClasses(member.uri, member.metadata, input, split.set);
  return scoringFor(first.uri, first.metadata, input, split);
}

/** A model scores a split only when it was trained on the same classes, in the same order. */
function assertSameClasses(modelUri: string, metadata: ModelMetadata, input: EvaluationInput, set: ImageSet): void {
  const trained = metadata.classes;
  if (trained.join(',') !== set.classes.join(',')) {
    throw new TrialInputError(
      `model ${modelUri} was trained on classes [${trained.join(', ')}] but dataset ${input.datasetUri} has [${set.classes.join(', ')}]`,
    );
  }
}

/** The test-time augmentation a model is scored with: the one asked for, else the one it records. */
function ttaFor(modelUri: string, input: EvaluationInput, metadata: ModelMetadata): TestTimeAugmentation {
  return input.tta ?? recordedViews(modelUri, metadata);
}

/**
 * The weights from the class mix the model was trained on to its selection's mix before the
 * caps. A model records both (metadata.classMix); for a model saved before it did, both come from
 * the manifest of the dataset scored, which must then be the very build it was trained on.
 */
function uncappedPriorWeights(modelUri: string, metadata: ModelMetadata, input: EvaluationInput, dataset: Dataset): Float32Array {
  if (metadata.classMix) return recordedPriorWeights(modelUri, metadata);
  return priorWeights(modelUri, metadata, trainedOnMixes(modelUri, metadata, input, dataset));
}

function trainedOnMixes(modelUri: string, metadata: ModelMetadata, input: EvaluationInput, dataset: Dataset): ClassMixes {
  const trainedOn = DatasetRefSchema.safeParse(metadata.metrics?.dataset);
  if (!trainedOn.success) {
    throw new TrialInputError(
      `--class-prior uncapped needs the class mix model ${modelUri} was trained on: its metadata.json records neither classMix nor the dataset (metrics.dataset)`,
    );
  }
  if (trainedOn.data.version !== dataset.version) {
    throw new TrialInputError(
      `model ${modelUri} records no classMix and was trained on dataset version ${trainedOn.data.version} (${trainedOn.data.uri}), not on ${input.datasetUri} (version ${dataset.version}): ` +
        '--class-prior uncapped can read its training class mix only from the build it was trained on',
    );
  }
  const mixes = trainingClassMixes(dataset.manifest);
  if (!mixes) {
    throw new TrialInputError(`dataset ${input.datasetUri} caps no class (manifest rows.capped): its train split already has the uncapped class mix`);
  }
  return mixes;
}
