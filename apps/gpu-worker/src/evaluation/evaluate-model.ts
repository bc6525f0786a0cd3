import { evaluate, initBackend } from '@fermx/models';
import { loadSavedModel } from '../saved-model/load-saved-model.js';
import { assertSameClasses, loadEvaluationSplit, ttaFor, type EvaluationInput } from './evaluation-input.js';

export interface EvaluateModelArgs extends EvaluationInput {
  /** Storage URI of a folder with model.json, weights.bin, metadata.json. */
  modelUri: string;
}

/** Loads a saved model and a dataset split and scores one on the other. */
export async function evaluateModel(args: EvaluateModelArgs) {
  const backend = await initBackend(args.backend);
  const { model, metadata } = await loadSavedModel(args.modelUri, args.env);
  try {
    const set = await loadEvaluationSplit(args);
    assertSameClasses(args.modelUri, metadata, args, set);
    const tta = ttaFor(args, metadata);
    return { report: await evaluate(model, set, { tta }), backend: backend.name, tta };
  } finally {
    model.dispose();
  }
}
