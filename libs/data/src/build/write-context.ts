import type { Storage } from '../storage/storage.js';
import { sha256 } from './checksum.js';

/** Where a build writes, and the keys it has written (BuildOutcome.written). */
export interface WriteContext {
  storage: Storage;
  written: string[];
}

export async function put(ctx: WriteContext, key: string, body: Uint8Array | string, contentType?: string): Promise<void> {
  await ctx.storage.put(key, body, contentType ? { contentType } : {});
  ctx.written.push(key);
}

/** Writes only when the stored object's sha256 differs: deterministic outputs are kept across runs. */
export async function putIfChanged(ctx: WriteContext, key: string, body: Uint8Array | string, digest: string): Promise<void> {
  const current = await ctx.storage.getOptional(key);
  if (current && sha256(current) === digest) return;
  await put(ctx, key, body);
}
