import { datasetMasked, ModelRegistry, openStorage } from '@fermx/data';

/** Where a model's files are and what fermx knows about its training faces. */
export interface ResolvedModel {
  /** Storage URI of the folder with model.json, weights.bin, metadata.json. */
  uri: string;
  /** How the user named it (`name@production`, `t-…`, a folder). */
  reference: string;
  /** Whether the training faces wore fermx's masks; null when no manifest or lineage says. */
  masked: boolean | null;
  /** Where `masked` came from, for the output and the log. */
  maskedFrom: string;
}

/**
 * MODEL → the model folder (ModelRegistry.modelFolder) and whether it was trained on masked faces: the
 * promotion's lineage, else the training dataset's manifest (metadata.json names the dataset),
 * else unknown.
 */
export async function resolveModel(reference: string, env: NodeJS.ProcessEnv): Promise<ResolvedModel> {
  const { uri, lineage } = await ModelRegistry.fromEnv(env).modelFolder(reference);
  if (lineage) return { uri, reference, masked: lineage.dataset.masked, maskedFrom: `${reference} lineage (dataset ${lineage.dataset.uri})` };
  const metadataBytes = await openStorage(uri, env).getOptional('metadata.json');
  const dataset = metadataBytes ? datasetOf(JSON.parse(new TextDecoder().decode(metadataBytes))) : undefined;
  if (!dataset) return { uri, reference, masked: null, maskedFrom: 'metadata.json names no training dataset' };
  const masked = await datasetMasked(dataset, env);
  return { uri, reference, masked, maskedFrom: masked === null ? `dataset manifest ${dataset} could not be read` : `dataset manifest ${dataset}` };
}

function datasetOf(metadata: unknown): string | undefined {
  const m = metadata as { metrics?: { dataset?: { uri?: unknown } }; dataset?: { uri?: unknown } };
  const uri = m.metrics?.dataset?.uri ?? m.dataset?.uri;
  return typeof uri === 'string' ? uri : undefined;
}
