import { datasetVersionOf, type DatasetRef } from '@fermx/contracts';
import { assertDatasetWithinRoots, openStorage } from '@fermx/data';
import { absoluteDatasetUri } from './dataset-uri.js';

export interface ProbedDataset {
  ref: DatasetRef;
  numClasses: number;
}

/** Reads a dataset's manifest.json (throws a message fit for the `dataset` field when it cannot). */
export type DatasetProbe = (uri: string) => Promise<ProbedDataset>;

/**
 * Probes through @fermx/data's openStorage (file:// or s3://, S3 settings from env). A dataset
 * outside `roots` (the storage root and FERMX_DATASET_ROOTS) is refused before anything is read.
 */
export function storageDatasetProbe(env: NodeJS.ProcessEnv, roots: readonly string[]): DatasetProbe {
  return async (uri) => {
    assertDatasetWithinRoots(uri, roots);
    let bytes: Uint8Array | undefined;
    try {
      bytes = await openStorage(uri, env).getOptional('manifest.json');
    } catch (error) {
      throw new Error(`dataset ${uri} is unreachable: ${(error as Error).message}`);
    }
    if (!bytes) throw new Error(`dataset ${uri} has no manifest.json (build it with 'fermx dataset build --out ${uri}')`);
    let manifest: { classes?: unknown; numClasses?: unknown };
    try {
      manifest = JSON.parse(new TextDecoder().decode(bytes)) as typeof manifest;
    } catch {
      throw new Error(`dataset ${uri}: manifest.json is not valid JSON`);
    }
    const numClasses = Array.isArray(manifest.classes) ? manifest.classes.length : typeof manifest.numClasses === 'number' ? manifest.numClasses : 0;
    if (numClasses < 2) throw new Error(`dataset ${uri}: manifest.json lists no classes`);
    return { ref: { uri: absoluteDatasetUri(uri), version: datasetVersionOf(bytes) }, numClasses };
  };
}
