import { comparePaired, pairedOutcomes, type PairedComparison } from '@fermx/contracts';
import { openDataset } from '@fermx/data';
import { classificationReport, initBackend, scoreSet, type EvaluationReport, type TestTimeAugmentation } from '@fermx/models';
import { loadSavedModel } from '../saved-model/load-saved-model.js';
import { TrialInputError } from '../training/errors/index.js';
import type { BackendChoice } from '../config.js';

export interface CompareModelsArgs {
  /** Storage URIs of two saved model folders (model.json, weights.bin, metadata.json). */
  modelUris: [string, string];
  datasetUri: string;
  split: 'train' | 'val' | 'test' | 'publictest';
  backend: BackendChoice;
  /** One test-time augmentation for both; undefined = each model's own (its metadata), else none. */
  tta?: TestTimeAugmentation;
  cacheDir: string | undefined;
  env: NodeJS.ProcessEnv;
}

export interface ModelScore {
  modelUri: string;
  tta: TestTimeAugmentation;
  report: EvaluationReport;
}

export interface ModelComparison {
  backend: string;
  count: number;
  models: [ModelScore, ModelScore];
  paired: PairedComparison;
}

/** Scores two saved models on the same split, image by image, and compares them paired. */
export async function compareModels(args: CompareModelsArgs): Promise<ModelComparison> {
  const backend = await initBackend(args.backend);
  const dataset = await openDataset(args.datasetUri, { cacheDir: args.cacheDir, env: args.env });
  const set = await dataset.loadSplit(args.split);
  if (set.count === 0) throw new TrialInputError(`dataset ${args.datasetUri} has no images in split '${args.split}'`);
  const predictions: Uint8Array[] = [];
  const scores: ModelScore[] = [];
  for (const modelUri of args.modelUris) {
    const { model, metadata } = await loadSavedModel(modelUri, args.env);
    try {
      if (metadata.classes.join(',') !== set.classes.join(',')) {
        throw new TrialInputError(
          `model ${modelUri} was trained on classes [${metadata.classes.join(', ')}] but dataset ${args.datasetUri} has [${set.classes.join(', ')}]`,
        );
      }
      const tta: TestTimeAugmentation = args.tta ?? metadata.training?.tta ?? 'none';
      const scored = await scoreSet(model, set, 64, tta);
      predictions.push(scored.predictions);
      scores.push({ modelUri, tta, report: classificationReport(set.labels, scored.predictions, set.classes, scored.loss) });
    } finally {
      model.dispose();
    }
  }
  const paired = comparePaired(pairedOutcomes(set.labels, predictions[0]!, predictions[1]!));
  return { backend: backend.name, count: set.count, models: [scores[0]!, scores[1]!], paired };
}
