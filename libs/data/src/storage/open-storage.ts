import { S3Client } from '@aws-sdk/client-s3';
import { FileStorage } from './file-storage.js';
import { S3Storage, s3ClientConfig } from './s3-storage.js';
import type { Storage } from './storage.js';
import { DEFAULT_STORAGE_URI, parseStorageUri } from './storage-uri.js';

/** Opens the storage a URI names (see parseStorageUri); S3 settings come from `env`. */
export function openStorage(uri: string = DEFAULT_STORAGE_URI, env: NodeJS.ProcessEnv = process.env): Storage {
  const location = parseStorageUri(uri);
  if (location.kind === 'file') return new FileStorage(location.path);
  return new S3Storage(location.bucket, location.prefix, new S3Client(s3ClientConfig(env)));
}
