import { openDataset } from '@fermx/data';
import { evaluate, initBackend, type TestTimeAugmentation } from '@fermx/models';
import { loadSavedModel } from '../saved-model/load-saved-model.js';
import { TrialInputError } from '../training/errors/index.js';
import type { BackendChoice } from '../config.js';

export interface EvaluateModelArgs {
  /** Storage URI of a folder with model.json, weights.bin, metadata.json. */
  modelUri: string;
  /** Folder holding the dataset's manifest.json. */
  datasetUri: string;
  split: 'train' | 'val' | 'test' | 'publictest';
  backend: BackendChoice;
  /** Test-time augmentation; undefined = what the model was trained and selected with (its metadata), else none. */
  tta?: TestTimeAugmentation;
  /** Shard cache; undefined = @fermx/data's default ($FERMX_CACHE_DIR or ~/.cache/fermx/shards). */
  cacheDir: string | undefined;
  env: NodeJS.ProcessEnv;
}

/** Loads a saved model and a dataset split and scores one on the other. */
export async function evaluateModel(args: EvaluateModelArgs) {
  const backend = await initBackend(args.backend);
  const { model, metadata } = await loadSavedModel(args.modelUri, args.env);
  const dataset = await openDataset(args.datasetUri, { cacheDir: args.cacheDir, env: args.env });
  const set = await dataset.loadSplit(args.split);
  if (set.count === 0) throw new TrialInputError(`dataset ${args.datasetUri} has no images in split '${args.split}'`);
  const trained = metadata.classes;
  if (trained.join(',') !== set.classes.join(',')) {
    throw new TrialInputError(
      `model ${args.modelUri} was trained on classes [${trained.join(', ')}] but dataset ${args.datasetUri} has [${set.classes.join(', ')}]`,
    );
  }
  const tta: TestTimeAugmentation = args.tta ?? metadata.training?.tta ?? 'none';
  try {
    return { report: await evaluate(model, set, { tta }), backend: backend.name, tta };
  } finally {
    model.dispose();
  }
}
