import { evaluate, initBackend } from '@fermx/models';
import { loadSavedModel } from '../saved-model/load-saved-model.js';
import { loadEvaluationSplit, scoringFor, type EvaluationInput } from './evaluation-input.js';

export interface EvaluateModelArgs extends EvaluationInput {
  /** Storage URI of a folder with model.json, weights.bin, metadata.json. */
  modelUri: string;
}

/** Loads a saved model and a dataset split and scores one on the other. */
export async function evaluateModel(args: EvaluateModelArgs) {
  const backend = await initBackend(args.backend);
  const { model, metadata } = await loadSavedModel(args.modelUri, args.env);
  try {
    const split = await loadEvaluationSplit(args);
    const scoring = scoringFor(args.modelUri, metadata, args, split);
    return { report: await evaluate(model, split.set, scoring), backend: backend.name, tta: scoring.tta, classPrior: scoring.classPrior };
  } finally {
    model.dispose();
  }
}
