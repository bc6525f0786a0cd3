import { describe, expect, it } from 'vitest';
import { parseWorkerConfig, WorkerConfigSchema } from './config.js';

describe('parseWorkerConfig', () => {
  it('has working defaults and lets flags win over env', () => {
    const c = parseWorkerConfig({ FERMX_BACKEND: 'cpu', FERMX_GPU: '1' }, { gpu: '0', backend: 'wasm' });
    expect(c).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379', storageUri: 'file://./.fermx', gpu: 0, backend: 'wasm', lockDurationMs: 30_000 });
    expect(c.workerId).toMatch(/:gpu0$/);
  });

  it('names every bad key at once', () => {
    expect(() => parseWorkerConfig({ FERMX_LOCK_DURATION_MS: 'soon' }, { gpu: '-1', backend: 'cuda' })).toThrow(
      /--gpu \(FERMX_GPU\): .*; --backend \(FERMX_BACKEND\): .*; FERMX_LOCK_DURATION_MS: /,
    );
  });

  it('shares the Redis key prefix with the orchestrator (FERMX_REDIS_PREFIX)', () => {
    expect(parseWorkerConfig({}).redisPrefix).toBe('fermx');
    expect(parseWorkerConfig({ FERMX_REDIS_PREFIX: 'team-a' }).redisPrefix).toBe('team-a');
    expect(() => parseWorkerConfig({ FERMX_REDIS_PREFIX: 'bad prefix' })).toThrow(/FERMX_REDIS_PREFIX: letters, digits/);
  });

  it('reads REDIS_URL and FERMX_STORAGE with the schemas the orchestrator uses (libs/queue, libs/data)', () => {
    // The worker used to accept any string here, so a typo surfaced only as a connection or storage failure.
    expect(() => parseWorkerConfig({ REDIS_URL: 'localhost:6379' })).toThrow(/REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => parseWorkerConfig({ FERMX_STORAGE: 'ftp://host/dir' })).toThrow(/FERMX_STORAGE: expected file:\/\/PATH, a path, or s3:\/\/BUCKET\/PREFIX/);
    expect(() => parseWorkerConfig({ FERMX_STORAGE: 's3://Bad_Bucket/x' })).toThrow(/FERMX_STORAGE: "Bad_Bucket" is not an S3 bucket name/);
    expect(parseWorkerConfig({ REDIS_URL: '', FERMX_STORAGE: '', FERMX_REDIS_PREFIX: '' })).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379',
      storageUri: 'file://./.fermx',
      redisPrefix: 'fermx',
    });
    expect(parseWorkerConfig({ REDIS_URL: 'rediss://:secret@redis.example:6380/2', FERMX_STORAGE: 'data/fermx' })).toMatchObject({
      redisUrl: 'rediss://:secret@redis.example:6380/2',
      storageUri: 'data/fermx',
    });
  });

  it('offers no switch to the synthetic trainer: it is test material, started only through apps/gpu-worker/src/testing/synthetic-worker.ts', () => {
    expect(Object.keys(WorkerConfigSchema.shape).filter((key) => /TRAINER|SYNTHETIC/.test(key))).toEqual([]);
    expect(parseWorkerConfig({ FERMX_TRAINER: 'synthetic', FERMX_SYNTHETIC_EPOCH_MS: '50' })).not.toHaveProperty('trainer');
  });

  it('takes --replicas (FERMX_REPLICAS) for CPU workers, default 1, and refuses it with a GPU backend', () => {
    expect(parseWorkerConfig({}).replicas).toBe(1);
    expect(parseWorkerConfig({ FERMX_REPLICAS: '3' }, { replicas: '2', backend: 'wasm' }).replicas).toBe(2);
    expect(parseWorkerConfig({ FERMX_REPLICAS: '2' }).replicas).toBe(2);
    expect(() => parseWorkerConfig({}, { replicas: '0' })).toThrow(/--replicas \(FERMX_REPLICAS\): /);
    expect(() => parseWorkerConfig({}, { replicas: 'two' })).toThrow(/--replicas \(FERMX_REPLICAS\): /);
    expect(() => parseWorkerConfig({}, { replicas: '2', backend: 'webgpu' })).toThrow(
      /--replicas \(FERMX_REPLICAS\): replicas > 1 trains on CPU threads; use --backend wasm, cpu or auto, not webgpu/,
    );
  });
});
