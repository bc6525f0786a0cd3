import { comparePaired, pairedOutcomes, type PairedComparison } from '@fermx/contracts';
import { classificationReport, initBackend, scoreSet, type EvaluationReport, type TestTimeAugmentation } from '@fermx/models';
import { loadSavedModel } from '../saved-model/load-saved-model.js';
import type { ClassPrior } from './class-prior-choice.js';
import { loadEvaluationSplit, scoringFor, type EvaluationInput } from './evaluation-input.js';

export interface CompareModelsArgs extends EvaluationInput {
  /** Storage URIs of two saved model folders (model.json, weights.bin, metadata.json); `tta` and `classPrior`, when given, apply to both. */
  modelUris: [string, string];
}

export interface ModelScore {
  modelUri: string;
  tta: TestTimeAugmentation;
  classPrior: ClassPrior;
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
  const split = await loadEvaluationSplit(args);
  const { set } = split;
  const predictions: Uint8Array[] = [];
  const scores: ModelScore[] = [];
  for (const modelUri of args.modelUris) {
    const { model, metadata } = await loadSavedModel(modelUri, args.env);
    try {
      const scoring = scoringFor(modelUri, metadata, args, split);
      const scored = await scoreSet(model, set, scoring);
      predictions.push(scored.predictions);
      const report = classificationReport(set.labels, scored.predictions, set.classes, scored.loss);
      scores.push({ modelUri, tta: scoring.tta, classPrior: scoring.classPrior, report });
    } finally {
      model.dispose();
    }
  }
  const paired = comparePaired(pairedOutcomes(set.labels, predictions[0]!, predictions[1]!));
  return { backend: backend.name, count: set.count, models: [scores[0]!, scores[1]!], paired };
}
