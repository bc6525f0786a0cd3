import { z } from 'zod';
import { envVar } from '@fermx/contracts';
import { DEFAULT_PREFIX } from './names.js';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** A Redis URL as ioredis takes it: redis://[user:password@]host[:port][/db] or rediss:// (TLS). */
export const RedisUrlSchema = z.string().regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL (redis://host:port)');

/**
 * The queue's env vars as every process on it reads them (orchestrator, worker): spread into an
 * app's env schema, so both agree on what is valid. Empty means the default.
 */
export const queueEnv = {
  REDIS_URL: envVar(RedisUrlSchema.default(DEFAULT_REDIS_URL)),
  /** Redis key prefix of the queue and indexes; producers and workers must use the same one. */
  FERMX_REDIS_PREFIX: envVar(
    z
      .string()
      .regex(/^[A-Za-z0-9:_-]+$/, 'letters, digits, : _ - only')
      .default(DEFAULT_PREFIX),
  ),
};
