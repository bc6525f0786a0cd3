import { openStorage } from '@fermx/data';
import { loadModelArtifacts, type ModelMetadata } from '@fermx/models';
import type * as tf from '@tensorflow/tfjs';
import { TrialInputError } from '../training/errors/index.js';

/** A model folder fermx saved (model.json, weights.bin, metadata.json), from any storage URI. */
export async function loadSavedModel(uri: string, env: NodeJS.ProcessEnv): Promise<{ model: tf.LayersModel; metadata: ModelMetadata }> {
  const folder = openStorage(uri, env);
  return loadModelArtifacts(async (name) => {
    const bytes = await folder.getOptional(name);
    if (!bytes) throw new TrialInputError(`no saved model at ${uri}: ${folder.uriOf(name)} does not exist`);
    return bytes;
  });
}
