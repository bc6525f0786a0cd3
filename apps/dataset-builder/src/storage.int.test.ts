// The S3 adapter lives in libs/data, but its integration test sits here: libs/data may not import
// the test harness (scope:testing) under the module-boundary rules, the dataset app may.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MULTIPART_THRESHOLD, openStorage, StorageNotFoundError, StorageUnavailableError } from '@fermx/data';
import { S3Server } from '@fermx/testing';

describe('s3:// storage against s3rver', () => {
  let server: S3Server;
  beforeAll(async () => {
    server = await S3Server.start({ buckets: ['fermx'] });
  });
  afterAll(async () => server?.dispose());

  it('round-trips, lists under its prefix only, and deletes', async () => {
    const prefix = `test-${randomUUID()}`;
    const storage = openStorage(`s3://fermx/${prefix}`, server.env);
    const other = openStorage(`s3://fermx/other-${randomUUID()}`, server.env);
    await storage.put('datasets/ferm/v1/manifest.json', '{"ok":1}', { contentType: 'application/json' });
    await storage.put('datasets/ferm/v1/shards/train-00000.tfrecord', new Uint8Array([9, 8, 7]));
    await other.put('datasets/ferm/v1/manifest.json', 'other');
    expect(storage.uri).toBe(`s3://fermx/${prefix}`);
    expect(storage.uriOf('a/b')).toBe(`s3://fermx/${prefix}/a/b`);
    expect(new TextDecoder().decode(await storage.get('datasets/ferm/v1/manifest.json'))).toBe('{"ok":1}');
    expect(Array.from(await storage.get('datasets/ferm/v1/shards/train-00000.tfrecord'))).toEqual([9, 8, 7]);
    expect(await storage.list('datasets/')).toEqual(['datasets/ferm/v1/manifest.json', 'datasets/ferm/v1/shards/train-00000.tfrecord']);
    expect(await storage.exists('datasets/ferm/v1/manifest.json')).toBe(true);
    await storage.delete('datasets/ferm/v1/manifest.json');
    expect(await storage.exists('datasets/ferm/v1/manifest.json')).toBe(false);
    expect(await storage.getOptional('datasets/ferm/v1/manifest.json')).toBeUndefined();
    await expect(storage.get('datasets/ferm/v1/manifest.json')).rejects.toBeInstanceOf(StorageNotFoundError);
  });

  it('uploads objects above the multipart threshold in parts', async () => {
    const storage = openStorage(`s3://fermx/test-${randomUUID()}`, server.env);
    const big = new Uint8Array(MULTIPART_THRESHOLD + 1234);
    for (let i = 0; i < big.length; i += 4096) big[i] = (i / 4096) & 255;
    await storage.put('big.bin', big);
    const back = await storage.get('big.bin');
    expect(back.byteLength).toBe(big.byteLength);
    expect(Buffer.compare(Buffer.from(back), Buffer.from(big))).toBe(0);
  });

  it('reports an unreachable endpoint as StorageUnavailableError, and recovers', async () => {
    const storage = openStorage(`s3://fermx/test-${randomUUID()}`, { ...server.env, AWS_MAX_ATTEMPTS: '1' });
    await server.pause();
    try {
      await expect(storage.put('x.json', '1')).rejects.toBeInstanceOf(StorageUnavailableError);
    } finally {
      await server.resume();
    }
    await storage.put('x.json', '1');
    expect(await storage.exists('x.json')).toBe(true);
  });
});
