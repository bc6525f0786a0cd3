import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from '@fermx/data';
import { S3Server } from '@fermx/testing';
import { storageDatasetProbe } from './dataset-probe.js';

let s3: S3Server;
let env: NodeJS.ProcessEnv;
const ROOTS = ['s3://fermx/datasets'];

beforeAll(async () => {
  s3 = await S3Server.start({ buckets: ['fermx'] });
  env = { ...process.env, ...s3.env };
  await openStorage('s3://fermx/datasets/ferm/v1', env).put('manifest.json', JSON.stringify({ classes: ['neutral', 'sad', 'surprise', 'angry'] }));
});

afterAll(async () => {
  await s3?.dispose();
});

describe('storageDatasetProbe over S3', () => {
  it('reads the manifest: class count and a content version', async () => {
    const probed = await storageDatasetProbe(env, ROOTS)('s3://fermx/datasets/ferm/v1/');
    expect(probed.numClasses).toBe(4);
    expect(probed.ref.uri).toBe('s3://fermx/datasets/ferm/v1');
    expect(probed.ref.version).toMatch(/^[0-9a-f]{16}$/);
  });

  it('says which dataset has no manifest', async () => {
    await expect(storageDatasetProbe(env, ROOTS)('s3://fermx/datasets/ferm/v2')).rejects.toThrow('dataset s3://fermx/datasets/ferm/v2 has no manifest.json');
  });

  it('refuses a dataset outside the allowed roots before reading it, naming the URI and the roots', async () => {
    await openStorage('s3://fermx/private/ferm', env).put('manifest.json', JSON.stringify({ classes: ['a', 'b'] }));
    await expect(storageDatasetProbe(env, ROOTS)('s3://fermx/private/ferm')).rejects.toThrow(
      'dataset s3://fermx/private/ferm is outside the allowed dataset roots (s3://fermx/datasets)',
    );
    await expect(storageDatasetProbe(env, ROOTS)('file:///etc')).rejects.toThrow('dataset file:///etc is outside the allowed dataset roots');
  });

  it('says the dataset is unreachable while storage is down', async () => {
    await s3.pause();
    try {
      await expect(storageDatasetProbe(env, ROOTS)('s3://fermx/datasets/ferm/v1')).rejects.toThrow(/dataset s3:\/\/fermx\/datasets\/ferm\/v1 is unreachable/);
    } finally {
      await s3.resume();
    }
  });
});
