import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, isLoopbackHost, parseConfig } from './config.js';

describe('parseConfig', () => {
  it('has defaults for a one-machine run: loopback only, writes open', () => {
    expect(parseConfig({})).toEqual({
      redisUrl: 'redis://127.0.0.1:6379',
      storageUri: 'file://./.fermx',
      apiToken: undefined,
      port: 8080,
      host: '127.0.0.1',
      sseMaxClients: 100,
      datasetRoots: [pathToFileURL(resolve('.fermx')).href],
      prefix: 'fermx',
      maxTrials: 10_000,
    });
  });

  it('FERMX_MAX_TRIALS sets the largest sweep; a non-number is named', () => {
    expect(parseConfig({ FERMX_MAX_TRIALS: '500' }).maxTrials).toBe(500);
    expect(() => parseConfig({ FERMX_MAX_TRIALS: 'many' })).toThrow(/FERMX_MAX_TRIALS/);
  });

  it('listens on every interface only with a token, and refuses a non-loopback host without one', () => {
    expect(parseConfig({ FERMX_API_TOKEN: 'a-long-token' }).host).toBe('0.0.0.0');
    expect(parseConfig({ FERMX_API_TOKEN: 'a-long-token', FERMX_HOST: '10.0.0.5' }).host).toBe('10.0.0.5');
    expect(parseConfig({ FERMX_HOST: '::1' }).host).toBe('::1');
    expect(() => parseConfig({ FERMX_HOST: '0.0.0.0' })).toThrow('FERMX_HOST: listening on 0.0.0.0 needs FERMX_API_TOKEN');
    expect(() => parseConfig({}, { FERMX_HOST: '192.168.1.2' })).toThrow(ConfigError);
  });

  it('reads the SSE cap and the dataset roots', () => {
    const config = parseConfig({ FERMX_STORAGE: 's3://fermx', FERMX_DATASET_ROOTS: 'file:///data/ferm,s3://shared/datasets', FERMX_SSE_MAX_CLIENTS: '7' });
    expect(config.datasetRoots).toEqual(['s3://fermx', 'file:///data/ferm', 's3://shared/datasets']);
    expect(config.sseMaxClients).toBe(7);
    expect(() => parseConfig({ FERMX_DATASET_ROOTS: 'ftp://x' })).toThrow(/FERMX_DATASET_ROOTS: dataset root ftp:\/\/x/);
  });

  it('names every bad key at once', () => {
    let error: unknown;
    try {
      parseConfig({ REDIS_URL: 'http://x', PORT: 'eighty', FERMX_API_TOKEN: 'short', FERMX_SSE_MAX_CLIENTS: '0' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/REDIS_URL: must be a redis/);
    expect((error as Error).message).toMatch(/PORT:/);
    expect((error as Error).message).toMatch(/FERMX_API_TOKEN: must be at least 8/);
    expect((error as Error).message).toMatch(/FERMX_SSE_MAX_CLIENTS:/);
  });

  it('lets a flag override the env var', () => {
    expect(parseConfig({ PORT: '9000' }, { PORT: '9100' }).port).toBe(9100);
  });

  it('knows loopback hosts', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', 'example.com', '128.0.0.1']) expect(isLoopbackHost(h), h).toBe(false);
  });
});
