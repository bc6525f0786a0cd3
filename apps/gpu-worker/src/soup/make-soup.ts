import { openDataset, openStorage } from '@fermx/data';
import { initBackend, recalibrateBatchNorm, saveModelArtifacts, soupMetadata, soupWeights, type ModelMetadata, type SoupMember } from '@fermx/models';
import * as tf from '@tensorflow/tfjs';
import { loadReferencedModel } from '../saved-model/referenced-model.js';

// The command loads this module lazily, and takes the error it reports by name from here with it.
export { SoupMismatchError } from '@fermx/models';

export interface SoupRequest {
  /** The members: model folders, storage URIs, trial ids or name@alias, as `fermx predict` takes MODEL. */
  members: readonly string[];
  /** Where the soup's model folder is written (a path, file:// or s3:// URI). */
  out: string;
  note?: string;
  /** A dataset whose train split the soup's batch-norm statistics are re-estimated on (recalibrateBatchNorm). */
  recalibrateOn?: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Loads every member, averages their weights (soupWeights) into the first one, re-estimates its
 * batch-norm statistics on a dataset's train split when asked, and writes the
 * result as a fermx model folder (model.json, weights.bin, metadata.json) at `out`. Runs on the
 * wasm backend, as `fermx predict` does: float32 sums and one division, no accelerator needed.
 */
export async function makeSoup(request: SoupRequest): Promise<{ uri: string; metadata: ModelMetadata }> {
  await initBackend('wasm');
  const members: SoupMember[] = [];
  try {
    for (const reference of request.members) members.push({ reference, ...(await loadReferencedModel(reference, 'MODEL', request.env)) });
    const metadata = soupMetadata(members, request.note);
    const weights = soupWeights(members);
    const soup = members[0]!.model;
    soup.setWeights(weights);
    tf.dispose(weights);
    if (request.recalibrateOn !== undefined) {
      const dataset = await openDataset(request.recalibrateOn, { env: request.env });
      const train = await dataset.loadSplit('train');
      const { images } = await recalibrateBatchNorm(soup, train);
      metadata.soup = { ...metadata.soup!, recalibrated: { dataset: { uri: request.recalibrateOn, version: dataset.version }, split: 'train', images } };
    }
    const files = await saveModelArtifacts(soup, metadata);
    const storage = openStorage(request.out, request.env);
    for (const [name, bytes] of Object.entries(files)) await storage.put(name, bytes);
    return {
      uri: storage.uriOf('model.json').replace(/\/model\.json$/, ''),
      metadata: JSON.parse(new TextDecoder().decode(files['metadata.json'])) as ModelMetadata,
    };
  } finally {
    for (const member of members) member.model.dispose();
  }
}
