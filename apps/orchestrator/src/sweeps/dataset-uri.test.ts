import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { absoluteDatasetUri } from './dataset-uri.js';

describe('absoluteDatasetUri', () => {
  it('makes relative file:// URIs and plain paths absolute file:// URIs', () => {
    const abs = pathToFileURL(resolve('.fermx/datasets/ferm/v1')).href;
    expect(absoluteDatasetUri('file://./.fermx/datasets/ferm/v1/')).toBe(abs);
    expect(absoluteDatasetUri('.fermx/datasets/ferm/v1')).toBe(abs);
    expect(absoluteDatasetUri('/data/ferm/v1')).toBe('file:///data/ferm/v1');
  });

  it('keeps absolute file:// and s3:// URIs, without a trailing slash', () => {
    expect(absoluteDatasetUri('file:///data/ferm/')).toBe('file:///data/ferm');
    expect(absoluteDatasetUri('s3://bucket/datasets/ferm/v1/')).toBe('s3://bucket/datasets/ferm/v1');
  });
});
