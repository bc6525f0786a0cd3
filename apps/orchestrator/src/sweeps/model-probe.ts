import type { Domain, SweepSpec, ValidationIssue } from '@fermx/contracts';
import { assertDatasetWithinRoots, isModelLocation, ModelRegistry, openStorage } from '@fermx/data';

/** Checks that a model a trial names (`initFrom`, `teachers`) is one a worker can load; throws a message fit for the field. */
export type ModelProbe = (reference: string, field?: ModelField) => Promise<void>;
/** The training fields that name a saved model. */
export type ModelField = 'initFrom' | 'teachers';

/**
 * Resolves a model reference as the worker will (name@version, name@alias and trial ids in the registry of
 * `storageUri`; folders under `roots` only) and reads the folder's metadata.json. Architecture and
 * class count are the worker's to check against each trial: a sweep may vary them.
 */
export function storageModelProbe(env: NodeJS.ProcessEnv, storageUri: string, roots: readonly string[]): ModelProbe {
  const registry = new ModelRegistry(openStorage(storageUri, env));
  return async (reference, field = 'initFrom') => {
    if (isModelLocation(reference)) assertDatasetWithinRoots(reference, roots, `${field} model`);
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

/** The values a domain can take where it lists them (fixed, grid, choice); ranges name no model. */
function listedValues<T>(domain: Domain<T> | undefined): T[] {
  if (!domain) return [];
  if (domain.kind === 'fixed') return [domain.value];
  return domain.kind === 'grid' || domain.kind === 'choice' ? domain.values : [];
}

/** Every model the sweep's trials may start from: the values its `initFrom` parameter can take. */
export function initFromValues(spec: SweepSpec): string[] {
  return [...new Set(listedValues(spec.parameters.initFrom))];
}

/** Every model the sweep's trials may distil from: each name in each list its `teachers` parameter can take. */
export function teacherValues(spec: SweepSpec): string[] {
  return [...new Set(listedValues(spec.parameters.teachers).flat())];
}

/** The issue at `path` when the probe refuses `reference`, else undefined. */
export async function savedModelIssue(reference: string, probe: ModelProbe, path: string, field: ModelField): Promise<ValidationIssue | undefined> {
  try {
    await probe(reference, field);
    return undefined;
  } catch (error) {
    return { path, message: (error as Error).message };
  }
}

/** One issue per `initFrom` or `teachers` model the probe refuses, so a submit fails before any trial is queued. */
export async function savedModelIssues(spec: SweepSpec, probe: ModelProbe): Promise<ValidationIssue[]> {
  const issues: ValidationIssue[] = [];
  const named = [...initFromValues(spec).map((r) => [r, 'initFrom'] as const), ...teacherValues(spec).map((r) => [r, 'teachers'] as const)];
  for (const [reference, field] of named) {
    const issue = await savedModelIssue(reference, probe, `parameters.${field}`, field);
    if (issue) issues.push(issue);
  }
  return issues;
}
