import { datasetMasked, isModelReference, ModelRegistry, openStorage } from '@fermx/data';

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

const TRIAL_ID = /^t-[0-9a-f]{16}$/;

/** Whether MODEL names a storage location (a folder, file://, s3://) rather than a registry entry or a trial id. */
export function isModelLocation(reference: string): boolean {
  return !isModelReference(reference) && !TRIAL_ID.test(reference);
}

/**
 * MODEL → the model folder: `name@alias` / `name@vN` (the registry in FERMX_STORAGE), a trial id
 * (its `runs/<sweep>/<trial>/model` in FERMX_STORAGE), or a folder path / file:// / s3:// URI.
 * Whether it was trained on masked faces: the promotion's lineage, else the training dataset's
 * manifest (metadata.json names the dataset), else unknown.
 */
export async function resolveModel(reference: string, env: NodeJS.ProcessEnv): Promise<ResolvedModel> {
  const storageUri = env.FERMX_STORAGE ?? 'file://./.fermx';
  if (isModelReference(reference)) {
    const { uri, lineage } = await new ModelRegistry(openStorage(storageUri, env)).resolve(reference);
    return { uri, reference, masked: lineage.dataset.masked, maskedFrom: `${reference} lineage (dataset ${lineage.dataset.uri})` };
  }
  const uri = TRIAL_ID.test(reference) ? await new ModelRegistry(openStorage(storageUri, env)).trialModelUri(reference) : reference;
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
