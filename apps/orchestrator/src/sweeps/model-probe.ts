import type { SweepSpec, ValidationIssue } from '@fermx/contracts';
import { assertDatasetWithinRoots, isModelLocation, ModelRegistry, openStorage } from '@fermx/data';

/** Checks that a trial's `initFrom` names a saved model a worker can load; throws a message fit for the field. */
export type ModelProbe = (reference: string) => Promise<void>;

/**
 * Resolves `initFrom` as the worker will (name@version, name@alias and trial ids in the registry of
 * `storageUri`; folders under `roots` only) and reads the folder's metadata.json. Architecture and
 * class count are the worker's to check against each trial: a sweep may vary them.
 */
export function storageModelProbe(env: NodeJS.ProcessEnv, storageUri: string, roots: readonly string[]): ModelProbe {
  const registry = new ModelRegistry(openStorage(storageUri, env));
  return async (reference) => {
    if (isModelLocation(reference)) assertDatasetWithinRoots(reference, roots, 'initFrom model');
    const { uri } = await registry.modelFolder(reference);
    let metadata: Uint8Array | undefined;
    try {
      metadata = await openStorage(uri, env).getOptional('metadata.json');
    } catch (error) {
      throw new Error(`model ${reference} is unreachable: ${(error as Error).message}`);
    }
    if (!metadata) throw new Error(`${reference}: ${uri} holds no saved model (no metadata.json)`);
  };
}

/** Every model the sweep's trials may start from: the values its `initFrom` parameter can take. */
export function initFromValues(spec: SweepSpec): string[] {
  const domain = spec.parameters.initFrom;
  if (!domain) return [];
  if (domain.kind === 'fixed') return [domain.value];
  return domain.kind === 'grid' || domain.kind === 'choice' ? [...new Set(domain.values)] : [];
}

/** The issue at `path` when the probe refuses `reference`, else undefined. */
export async function initFromIssue(reference: string, probe: ModelProbe, path: string): Promise<ValidationIssue | undefined> {
  try {
    await probe(reference);
    return undefined;
  } catch (error) {
    return { path, message: (error as Error).message };
  }
}

/** One issue per `initFrom` value the probe refuses, so a submit fails before any trial is queued. */
export async function initFromIssues(spec: SweepSpec, probe: ModelProbe): Promise<ValidationIssue[]> {
  const issues: ValidationIssue[] = [];
  for (const reference of initFromValues(spec)) {
    const issue = await initFromIssue(reference, probe, 'parameters.initFrom');
    if (issue) issues.push(issue);
  }
  return issues;
}
