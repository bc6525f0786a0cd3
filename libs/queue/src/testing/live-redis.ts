import type { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { RedisServer } from '@fermx/testing';
import { connectProducer } from '../connections.js';

/** A test file's redis-server and a producer connection to it. */
export interface LiveRedis {
  /** redis:// URL of the server (for BullMQ workers' own connections). */
  readonly url: string;
  readonly redis: Redis;
}

/**
 * Starts a real redis-server and a producer connection to it before the file's tests and stops
 * both after them. Call it at the top of a test file; read `url` and `redis` inside tests and hooks.
 */
export function liveRedis(): LiveRedis {
  let server: RedisServer | undefined;
  let redis: Redis | undefined;
  beforeAll(async () => {
    server = await RedisServer.start();
    redis = await connectProducer(server.url);
  });
  afterAll(async () => {
    await redis?.quit();
    await server?.dispose();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('liveRedis: read url and redis inside a test or hook, after beforeAll');
    return value;
  };
  return {
    get url() {
      return started(server).url;
    },
    get redis() {
      return started(redis);
    },
  };
}
