import { StorageUnavailableError, type Storage } from '@fermx/data';

/**
 * Writes, reads back and deletes a small object under `workers/<id>/`: storage counts as back
 * only when it is writable again, not merely readable.
 */
export async function probeStorage(storage: Storage, workerId: string): Promise<void> {
  const key = `workers/${workerId.replace(/[^A-Za-z0-9._-]/g, '_')}/probe.json`;
  const body = JSON.stringify({ workerId, probedAt: new Date().toISOString() });
  await storage.put(key, body, { contentType: 'application/json' });
  const back = new TextDecoder().decode(await storage.get(key));
  if (back !== body) throw new StorageUnavailableError(`storage probe: ${storage.uriOf(key)} read back different bytes`);
  await storage.delete(key);
}
