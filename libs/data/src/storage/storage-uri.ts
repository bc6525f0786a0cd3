import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidStorageUriError } from './storage.js';

/** The embedded default: a `.fermx` folder in the working directory (README, settings). */
export const DEFAULT_STORAGE_URI = 'file://./.fermx';

/** Where a storage URI points: a local folder or an S3 bucket and key prefix. */
export type StorageLocation = { kind: 'file'; path: string } | { kind: 's3'; bucket: string; prefix: string };

/**
 * Parses `file://PATH` (relative paths such as `file://./.fermx` resolve against the working
 * directory; `file:///abs` is absolute), a plain filesystem path (`models/best`, `/data/ferm`:
 * the same as file://) or `s3://bucket/prefix`. Throws InvalidStorageUriError naming the problem.
 * The one check of a storage URI: `openStorage` and the apps' FERMX_STORAGE (`storageEnv`) use it.
 */
export function parseStorageUri(uri: string): StorageLocation {
  if (uri.startsWith('file://')) return { kind: 'file', path: filePath(uri) };
  if (uri !== '' && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri)) return { kind: 'file', path: resolve(process.cwd(), uri) };
  if (uri.startsWith('s3://')) {
    const rest = uri.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      throw new InvalidStorageUriError(`invalid storage URI "${uri}": "${bucket}" is not an S3 bucket name`);
    }
    return { kind: 's3', bucket, prefix: slash < 0 ? '' : rest.slice(slash + 1) };
  }
  throw new InvalidStorageUriError(`invalid storage URI "${uri}": expected file://PATH, a path, or s3://BUCKET/PREFIX`);
}

function filePath(uri: string): string {
  const rest = uri.slice('file://'.length);
  if (rest === '') throw new InvalidStorageUriError(`invalid storage URI "${uri}": no path`);
  // file:///abs/dir is a proper URL; file://./rel and file://rel are the relative shorthand.
  if (rest.startsWith('/')) return fileURLToPath(uri);
  return resolve(process.cwd(), decodeURIComponent(rest));
}
