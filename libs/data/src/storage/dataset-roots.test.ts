import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { absoluteStorageUri, assertDatasetWithinRoots, datasetRootsFrom, DatasetOutsideRootsError } from './dataset-roots.js';

describe('dataset roots', () => {
  const storage = pathToFileURL(resolve('/srv/fermx')).href;

  it('are the storage root plus FERMX_DATASET_ROOTS, absolute and without duplicates', () => {
    expect(datasetRootsFrom({ FERMX_STORAGE: storage })).toEqual(['file:///srv/fermx']);
    expect(datasetRootsFrom({ FERMX_STORAGE: 's3://fermx/runs/', FERMX_DATASET_ROOTS: 'file:///data/ferm, s3://fermx/runs ,/mnt/sets' })).toEqual([
      's3://fermx/runs',
      'file:///data/ferm',
      'file:///mnt/sets',
    ]);
    expect(datasetRootsFrom({})).toEqual([absoluteStorageUri('file://./.fermx')]);
    expect(() => datasetRootsFrom({ FERMX_DATASET_ROOTS: 'http://example.com/x' })).toThrow(/dataset root http:\/\/example.com\/x: expected file:\/\/PATH/);
  });

  it('accept a dataset under a root', () => {
    const roots = datasetRootsFrom({ FERMX_STORAGE: storage, FERMX_DATASET_ROOTS: 's3://bucket/datasets' });
    expect(() => assertDatasetWithinRoots('file:///srv/fermx/datasets/ferm/v1', roots)).not.toThrow();
    expect(() => assertDatasetWithinRoots('file:///srv/fermx', roots)).not.toThrow();
    expect(() => assertDatasetWithinRoots('/srv/fermx/datasets/x/', roots)).not.toThrow();
    expect(() => assertDatasetWithinRoots('s3://bucket/datasets/ferm/v1', roots)).not.toThrow();
  });

  it('refuse anything else, naming the URI and the allowed roots', () => {
    const roots = datasetRootsFrom({ FERMX_STORAGE: storage, FERMX_DATASET_ROOTS: 's3://bucket/datasets' });
    for (const uri of [
      'file:///etc',
      'file:///srv/fermx-other/x',
      'file:///srv/fermx/../secrets',
      'file:///srv/fermx/%2e%2e/secrets',
      '/home/user/.ssh',
      'file://./elsewhere',
      's3://bucket/datasets-private/x',
      's3://bucket/datasets/../private',
      's3://other/datasets/x',
      'https://example.com/ferm',
    ]) {
      expect(() => assertDatasetWithinRoots(uri, roots), uri).toThrow(DatasetOutsideRootsError);
    }
    expect(() => assertDatasetWithinRoots('file:///etc', roots)).toThrow(
      'dataset file:///etc is outside the allowed dataset roots (file:///srv/fermx, s3://bucket/datasets)',
    );
    expect(() => assertDatasetWithinRoots('file:///srv/fermx/a%00b', roots)).toThrow(DatasetOutsideRootsError);
    expect(() => assertDatasetWithinRoots('file:///srv/fermx/a\u001b[2Jb', roots)).toThrow(/control characters/);
  });
});
