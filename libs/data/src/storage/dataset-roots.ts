import { resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DEFAULT_STORAGE_URI } from './storage-uri.js';

/** A sweep's dataset URI lies outside every allowed dataset root (docs/ORCHESTRATOR.md "Security"). */
export class DatasetOutsideRootsError extends Error {
  override readonly name = 'DatasetOutsideRootsError';
}

/**
 * `file://./rel` and plain paths (`datasets/ferm/v1`, `/data/ferm`) → `file:///abs/…`, so workers
 * started elsewhere find the same folder; `s3://…` is kept as it is. No trailing slash.
 */
export function absoluteStorageUri(uri: string): string {
  const trimmed = uri.replace(/\/+$/, '');
  if (trimmed.startsWith('file:///')) return trimmed;
  if (trimmed.startsWith('file://')) return pathToFileURL(resolve(decodeURIComponent(trimmed.slice('file://'.length)))).href;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(trimmed)) return trimmed;
  return pathToFileURL(resolve(trimmed)).href;
}

/**
 * Where sweeps may read datasets from: the storage root (`FERMX_STORAGE`) plus the
 * comma-separated URIs of `FERMX_DATASET_ROOTS`. Orchestrator (at submit) and worker (before
 * reading) both ask this one function, so they agree.
 */
export function datasetRootsFrom(env: { FERMX_STORAGE?: string | undefined; FERMX_DATASET_ROOTS?: string | undefined }): string[] {
  const extra = (env.FERMX_DATASET_ROOTS ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  const roots = [env.FERMX_STORAGE || DEFAULT_STORAGE_URI, ...extra].map(absoluteStorageUri);
  for (const root of roots) confinedLocation(root, 'dataset root');
  return [...new Set(roots)];
}

/**
 * Throws DatasetOutsideRootsError naming the URI and the roots unless `uri` lies under one of
 * `roots`; `what` names it in the message (a trial's `initFrom` model is confined the same way).
 */
export function assertDatasetWithinRoots(uri: string, roots: readonly string[], what = 'dataset'): void {
  const where = confinedLocation(absoluteStorageUri(uri), what);
  const inside = roots.some((root) => {
    const base = confinedLocation(absoluteStorageUri(root), 'dataset root');
    if (base.scheme !== where.scheme) return false;
    const separator = base.scheme === 'file' ? sep : '/';
    return where.path === base.path || where.path.startsWith(base.path.endsWith(separator) ? base.path : `${base.path}${separator}`);
  });
  if (!inside) {
    throw new DatasetOutsideRootsError(
      `${what} ${uri} is outside the allowed dataset roots (${roots.join(', ')}); keep it under FERMX_STORAGE or add a root to FERMX_DATASET_ROOTS`,
    );
  }
}

/** A URI as scheme + normalised location: a resolved filesystem path, or `bucket/key` for S3. */
function confinedLocation(uri: string, what: string): { scheme: 'file' | 's3'; path: string } {
  // Control characters (NUL, escapes) have no place in a dataset location.
  if (/[\u0000-\u001f\u007f]/.test(uri)) throw new DatasetOutsideRootsError(`${what} ${JSON.stringify(uri)} contains control characters`);
  if (uri.startsWith('file://')) {
    let path: string;
    try {
      path = fileURLToPath(uri);
    } catch (error) {
      throw new DatasetOutsideRootsError(`${what} ${uri} is not a valid file:// URI: ${(error as Error).message}`);
    }
    if (path.includes('\u0000')) throw new DatasetOutsideRootsError(`${what} ${JSON.stringify(uri)} contains control characters`);
    return { scheme: 'file', path: resolve(path) };
  }
  if (uri.startsWith('s3://')) {
    const segments = uri
      .slice('s3://'.length)
      .split('/')
      .filter((s) => s !== '');
    if (segments.length === 0 || segments.some((s) => s === '.' || s === '..' || /%2e%2e|%2f/i.test(s))) {
      throw new DatasetOutsideRootsError(`${what} ${uri} is not a plain s3://BUCKET/PREFIX URI (no "." or ".." segments)`);
    }
    return { scheme: 's3', path: segments.join('/') };
  }
  throw new DatasetOutsideRootsError(`${what} ${uri}: expected file://PATH, a path, or s3://BUCKET/PREFIX`);
}
