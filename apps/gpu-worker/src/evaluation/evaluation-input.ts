import { openDataset } from '@fermx/data';
import type { ImageSet, ModelMetadata, TestTimeAugmentation } from '@fermx/models';
import { TrialInputError } from '../training/errors/index.js';
import type { BackendChoice } from '../config.js';

/** Where saved models are scored: a dataset split, the backend, the test-time augmentation. */
export interface EvaluationInput {
  /** Folder holding the dataset's manifest.json. */
  datasetUri: string;
  split: 'train' | 'val' | 'test' | 'publictest';
  backend: BackendChoice;
  /** Test-time augmentation; undefined = what each model was trained and selected with (its metadata), else none. */
  tta?: TestTimeAugmentation;
  /** Shard cache; undefined = @fermx/data's default ($FERMX_CACHE_DIR or ~/.cache/fermx/shards). */
  cacheDir: string | undefined;
  env: NodeJS.ProcessEnv;
}

/** The split's images; an empty split is bad input. */
export async function loadEvaluationSplit(input: EvaluationInput): Promise<ImageSet> {
  const dataset = await openDataset(input.datasetUri, { cacheDir: input.cacheDir, env: input.env });
  const set = await dataset.loadSplit(input.split);
  if (set.count === 0) throw new TrialInputError(`dataset ${input.datasetUri} has no images in split '${input.split}'`);
  return set;
}

/** A model scores a split only when it was trained on the same classes, in the same order. */
export function assertSameClasses(modelUri: string, metadata: ModelMetadata, input: EvaluationInput, set: ImageSet): void {
  const trained = metadata.classes;
  if (trained.join(',') !== set.classes.join(',')) {
    throw new TrialInputError(
      `model ${modelUri} was trained on classes [${trained.join(', ')}] but dataset ${input.datasetUri} has [${set.classes.join(', ')}]`,
    );
  }
}

/** The test-time augmentation a model is scored with: the one asked for, else its own, else none. */
export function ttaFor(input: EvaluationInput, metadata: ModelMetadata): TestTimeAugmentation {
  return input.tta ?? metadata.training?.tta ?? 'none';
}
