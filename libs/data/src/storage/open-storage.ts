import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import { FileStorage } from './file-storage.js';
import { S3Storage, s3ClientConfig } from './s3-storage.js';
import { InvalidStorageUriError, type Storage } from './storage.js';

/** The embedded default (DESIGN.md): a `.fermx` folder in the working directory. */
export const DEFAULT_STORAGE_URI = 'file://./.fermx';

/**
 * Opens `file://PATH` (relative paths such as `file://./.fermx` resolve against the working
 * directory; `file:///abs` is absolute), a plain filesystem path (`models/best`, `/data/ferm`:
 * the same as file://) or `s3://bucket/prefix` (S3 settings from `env`).
 */
export function openStorage(uri: string = DEFAULT_STORAGE_URI, env: NodeJS.ProcessEnv = process.env): Storage {
  if (uri.startsWith('file://')) return new FileStorage(filePath(uri));
  if (uri !== '' && !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri)) return new FileStorage(resolve(process.cwd(), uri));
  if (uri.startsWith('s3://')) {
    const rest = uri.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      throw new InvalidStorageUriError(`invalid storage URI "${uri}": "${bucket}" is not an S3 bucket name`);
    }
    return new S3Storage(bucket, slash < 0 ? '' : rest.slice(slash + 1), new S3Client(s3ClientConfig(env)));
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
