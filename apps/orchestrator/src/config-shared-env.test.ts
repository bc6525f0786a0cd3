import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';

/** REDIS_URL, FERMX_REDIS_PREFIX and FERMX_STORAGE come from libs/queue and libs/data, as in the worker. */
describe('parseConfig: the env vars shared with the worker', () => {
  it('accepts every storage URI openStorage opens, and nothing else', () => {
    // The orchestrator used to refuse a plain path the worker accepted, and accept a bucket name S3 refuses.
    expect(parseConfig({ FERMX_STORAGE: 'data/fermx' }).storageUri).toBe('data/fermx');
    expect(() => parseConfig({ FERMX_STORAGE: 's3://Bad_Bucket/x' })).toThrow(/FERMX_STORAGE: "Bad_Bucket" is not an S3 bucket name/);
    expect(() => parseConfig({ FERMX_STORAGE: 'ftp://host/dir' })).toThrow(/FERMX_STORAGE: expected file:\/\/PATH, a path, or s3:\/\/BUCKET\/PREFIX/);
  });

  it('reads REDIS_URL and FERMX_REDIS_PREFIX as the worker does; empty means the default', () => {
    expect(() => parseConfig({ REDIS_URL: 'localhost:6379' })).toThrow(/REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => parseConfig({ FERMX_REDIS_PREFIX: 'bad prefix' })).toThrow(/FERMX_REDIS_PREFIX: letters, digits/);
    expect(parseConfig({ REDIS_URL: '', FERMX_STORAGE: '' })).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379',
      storageUri: 'file://./.fermx',
      prefix: 'fermx',
    });
  });
});
