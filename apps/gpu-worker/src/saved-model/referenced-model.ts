import { ModelRegistry, ModelRegistryError } from '@fermx/data';
import type { ModelMetadata } from '@fermx/models';
import type * as tf from '@tensorflow/tfjs';
import { TrialInputError } from '../training/errors/index.js';
import { loadSavedModel } from './load-saved-model.js';

/**
 * The saved model a trial names in one of its training fields (`initFrom`, `teachers`), as
 * `fermx predict` takes MODEL: name@version, name@alias and trial ids resolve in the worker's
 * registry (FERMX_STORAGE), anything else is a folder. A name that does not resolve fails the
 * trial as bad input, naming the field.
 */
export async function loadReferencedModel(
  reference: string,
  field: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ model: tf.LayersModel; metadata: ModelMetadata }> {
  let uri: string;
  try {
    ({ uri } = await ModelRegistry.fromEnv(env).modelFolder(reference));
  } catch (error) {
    if (error instanceof ModelRegistryError) throw new TrialInputError(`${field} ${reference}: ${error.message}`);
    throw error;
  }
  return loadSavedModel(uri, env);
}
