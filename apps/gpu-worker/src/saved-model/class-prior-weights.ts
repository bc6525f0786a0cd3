import type { ClassMixes } from '@fermx/data';
import { priorShiftWeights, type ModelMetadata } from '@fermx/models';
import { TrialInputError } from '../training/errors/index.js';

/**
 * The weights that read a model's probabilities under the class mix of its dataset's rows before
 * the per-class caps, from the mixes the model records (metadata.json `classMix`).
 */
export function recordedPriorWeights(modelUri: string, metadata: ModelMetadata): Float32Array {
  if (!metadata.classMix) {
    throw new TrialInputError(`model ${modelUri} records no classMix in its metadata.json (saved before fermx recorded it): its training class mix is unknown`);
  }
  return priorWeights(modelUri, metadata, recordedMixes(modelUri, metadata.classMix));
}

/** The weights from `mixes.train` to `mixes.uncapped`, over the model's classes; a bad mix names the model. */
export function priorWeights(modelUri: string, metadata: ModelMetadata, mixes: ClassMixes): Float32Array {
  try {
    return priorShiftWeights(metadata.classes, mixes.train, mixes.uncapped);
  } catch (error) {
    throw new TrialInputError(`model ${modelUri}: ${(error as Error).message}`);
  }
}

function recordedMixes(modelUri: string, classMix: NonNullable<ModelMetadata['classMix']>): ClassMixes {
  if (!classMix.uncapped) {
    throw new TrialInputError(
      `model ${modelUri} was trained on a dataset that caps no class (metadata.json classMix): its training class mix is already the uncapped one`,
    );
  }
  return { train: classMix.train, uncapped: classMix.uncapped };
}
