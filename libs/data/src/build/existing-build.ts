import type { Storage } from '../storage/storage.js';
import type { BuildLog } from './build-log.js';
import { sha256 } from './checksum.js';
import { MANIFEST_KEY, PREVIEW_KEY, type Manifest } from './manifest.js';

/** The dataset's manifest, or undefined when there is none or it does not parse. */
export async function readManifest(storage: Storage): Promise<Manifest | undefined> {
  const bytes = await storage.getOptional(MANIFEST_KEY);
  if (!bytes) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as Manifest;
  } catch {
    return undefined;
  }
}

/** Every shard present with the sha256 the manifest records, and the preview present. */
export async function verifyBuilt(storage: Storage, manifest: Manifest, log: BuildLog): Promise<boolean> {
  for (const shard of manifest.shards) {
    const bytes = await storage.getOptional(shard.key);
    if (!bytes || sha256(bytes) !== shard.sha256) {
      log.warn({ shard: shard.key }, 'shard missing or corrupt, rebuilding');
      return false;
    }
  }
  return storage.exists(PREVIEW_KEY);
}

/** The manifest already in storage when it is this build (same build key) and intact. */
export async function upToDateManifest(storage: Storage, buildKey: string, log: BuildLog): Promise<Manifest | undefined> {
  const existing = await readManifest(storage);
  return existing?.builder.buildKey === buildKey && (await verifyBuilt(storage, existing, log)) ? existing : undefined;
}
