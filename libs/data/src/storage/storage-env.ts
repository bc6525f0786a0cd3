import { z } from 'zod';
import { envVar } from '@fermx/contracts';
import { DEFAULT_STORAGE_URI, parseStorageUri } from './storage-uri.js';

/** A storage URI exactly as `openStorage` accepts it: file://PATH, a path, or s3://BUCKET/PREFIX. */
export const StorageUriSchema = z.string().superRefine((uri, ctx) => {
  try {
    parseStorageUri(uri);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message.replace(/^invalid storage URI "[^"]*": /, ''), input: uri });
  }
});

/**
 * FERMX_STORAGE as every process reads it (orchestrator, worker): spread into an app's env
 * schema, so a value one process accepts the other accepts too. Empty means the default.
 */
export const storageEnv = {
  FERMX_STORAGE: envVar(StorageUriSchema.default(DEFAULT_STORAGE_URI)),
};
