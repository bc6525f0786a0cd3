/**
 * One adapter for every place fermx keeps datasets, checkpoints and results. Keys are
 * slash-separated paths relative to the storage root (`datasets/ferm/v1/manifest.json`).
 * `file://` and `s3://` URIs give the same layout (docs/ARCHITECTURE.md "Storage layout").
 */
export interface Storage {
  /** The root URI this storage was opened with, e.g. `s3://bucket/prefix` or `file:///abs/dir`. */
  readonly uri: string;
  /** Full URI of a key, for logs and links. */
  uriOf(key: string): string;
  get(key: string): Promise<Uint8Array>;
  /** Undefined when the key does not exist (other errors throw). */
  getOptional(key: string): Promise<Uint8Array | undefined>;
  put(key: string, body: Uint8Array | string, options?: { contentType?: string }): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Keys under a prefix (recursive), sorted. */
  list(prefix: string): Promise<string[]>;
  delete(key: string): Promise<void>;
}

/** Storage could not be reached or answered with an error; safe to retry. */
export class StorageUnavailableError extends Error {
  override readonly name = 'StorageUnavailableError';
  /** An operational failure (infrastructure, not a bug): commands print one line, no stack. */
  readonly operational = true;
}

/** The key does not exist. */
export class StorageNotFoundError extends Error {
  override readonly name = 'StorageNotFoundError';
}

/** The URI names no storage fermx can open (unknown scheme, bad bucket, empty path). */
export class InvalidStorageUriError extends Error {
  override readonly name = 'InvalidStorageUriError';
}

/** `Storage.get` for every adapter: the object, or StorageNotFoundError naming its URI. */
export async function getRequired(storage: Pick<Storage, 'getOptional' | 'uriOf'>, key: string): Promise<Uint8Array> {
  const value = await storage.getOptional(key);
  if (value === undefined) throw new StorageNotFoundError(`not found: ${storage.uriOf(key)}`);
  return value;
}
