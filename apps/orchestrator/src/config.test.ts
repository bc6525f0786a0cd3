import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';

describe('parseConfig', () => {
  it('has defaults for a one-machine run', () => {
    expect(parseConfig({})).toEqual({ redisUrl: 'redis://127.0.0.1:6379', storageUri: 'file://./.fermx', apiToken: undefined, port: 8080, prefix: 'fermx' });
  });

  it('names every bad key at once', () => {
    let error: unknown;
    try {
      parseConfig({ REDIS_URL: 'http://x', PORT: 'eighty', FERMX_API_TOKEN: 'short' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/REDIS_URL: must be a redis/);
    expect((error as Error).message).toMatch(/PORT:/);
    expect((error as Error).message).toMatch(/FERMX_API_TOKEN: must be at least 8/);
  });

  it('lets a flag override the env var', () => {
    expect(parseConfig({ PORT: '9000' }, { PORT: '9100' }).port).toBe(9100);
  });
});
