import type { Storage } from '../storage/storage.js';
import { sha256 } from './checksum.js';
import type { ProcessedFace } from './face-processor.js';
import { decodePart, encodePart } from './part-codec.js';
import { put, type WriteContext } from './write-context.js';

/** Where the face stage's parts are cached: the output's `.build/` unless the build names another folder. */
export interface PartCache {
  ctx: WriteContext;
  /** Key prefix inside ctx.storage ('.build/' in the output, '' in a folder of its own). */
  prefix: string;
}

/**
 * The face stage's results, cached in storage by part (`<prefix><processingKey>/part-NNNNN.bin` and
 * its `.sha256`), so an interrupted build, or one with other thresholds, reuses them.
 */
export function partKey(cache: PartCache, processingKey: string, part: number): string {
  return `${cache.prefix}${processingKey}/part-${String(part).padStart(5, '0')}.bin`;
}

/** The cached part, or undefined when it is missing, its digest does not match, or it does not decode. */
export async function loadPart(storage: Storage, key: string): Promise<ProcessedFace[] | undefined> {
  const [bytes, digest] = await Promise.all([storage.getOptional(key), storage.getOptional(`${key}.sha256`)]);
  if (!bytes || !digest || sha256(bytes) !== new TextDecoder().decode(digest).trim()) return undefined;
  try {
    return decodePart(bytes);
  } catch {
    return undefined;
  }
}

export async function savePart(ctx: WriteContext, key: string, faces: ProcessedFace[]): Promise<void> {
  const bytes = encodePart(faces);
  await put(ctx, key, bytes);
  await put(ctx, `${key}.sha256`, sha256(bytes));
}
