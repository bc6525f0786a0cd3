import { describe, expect, it } from 'vitest';
import { absoluteDatasetUri } from './dataset-uri.js';

describe('absoluteDatasetUri', () => {
  it('anchors relative file URIs at the working directory and drops trailing slashes', () => {
    expect(absoluteDatasetUri('file://./.fermx/datasets/ferm/v1/')).toBe(`file://${process.cwd()}/.fermx/datasets/ferm/v1`);
    expect(absoluteDatasetUri('file:///data/ferm/v1')).toBe('file:///data/ferm/v1');
    expect(absoluteDatasetUri('s3://bucket/datasets/ferm/v1/')).toBe('s3://bucket/datasets/ferm/v1');
  });
});
