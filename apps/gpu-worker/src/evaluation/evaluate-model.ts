import { averagedModel, evaluate, initBackend } from '@fermx/models';
import type * as tf from '@tensorflow/tfjs';
import { loadSavedModel } from '../saved-model/load-saved-model.js';
import { ensembleScoring, loadEvaluationSplit, type EvaluationInput, type ScoredModel } from './evaluation-input.js';

export interface EvaluateModelArgs extends EvaluationInput {
  /** Storage URI of a folder with model.json, weights.bin, metadata.json. */
  modelUri: string;
  /**
   * More saved models to average with it (`--with`): the ensemble's probabilities are the mean of
   * every model's. It is read as `modelUri` is (its test-time augmentation and class prior), and
   * every model must predict the split's classes in the same order.
   */
  withUris?: readonly string[];
}

/** Loads a saved model (or an ensemble of them) and a dataset split and scores one on the other. */
export async function evaluateModel(args: EvaluateModelArgs) {
  const backend = await initBackend(args.backend);
  const models: tf.LayersModel[] = [];
  try {
    const { model, metadata } = await loadSavedModel(args.modelUri, args.env);
    models.push(model);
    const split = await loadEvaluationSplit(args);
    const members: ScoredModel[] = [];
    for (const uri of args.withUris ?? []) {
      const member = await loadSavedModel(uri, args.env);
      models.push(member.model);
      members.push({ uri, metadata: member.metadata });
    }
    const scoring = ensembleScoring({ uri: args.modelUri, metadata }, members, args, split);
    const scored = models.length > 1 ? averagedModel(models) : model;
    try {
      return { report: await evaluate(scored, split.set, scoring), backend: backend.name, tta: scoring.tta, classPrior: scoring.classPrior };
    } finally {
      if (scored !== model) scored.dispose();
    }
  } finally {
    for (const m of models) m.dispose();
  }
}
