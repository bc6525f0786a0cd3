import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { resolveKeySpace, type KeySpace } from './names.js';

/** The per-sweep lock could not be taken in time (another steering command or dispatch holds it). */
export class SweepBusyError extends Error {
  override readonly name = 'SweepBusyError';
}

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Runs `fn` holding the sweep's lock (`<prefix>:sweep:<id>:lock`, SET NX PX with a random token),
 * so steering commands, submits and dispatch passes of one sweep never interleave. The lock
 * expires after `ttlMs`, so a crashed holder blocks the sweep for at most that long.
 */
export async function withSweepLock<T>(
  redis: Redis,
  keys: KeySpace,
  sweepId: string,
  fn: () => Promise<T>,
  options: { ttlMs?: number; waitMs?: number } = {},
): Promise<T> {
  const key = `${resolveKeySpace(keys).prefix}:sweep:${sweepId}:lock`;
  const token = randomUUID();
  const ttlMs = options.ttlMs ?? 60_000;
  const deadline = Date.now() + (options.waitMs ?? 20_000);
  while ((await redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') {
    if (Date.now() > deadline) throw new SweepBusyError(`sweep ${sweepId} is busy (another command holds its lock); try again`);
    await new Promise((r) => setTimeout(r, 25));
  }
  try {
    return await fn();
  } finally {
    await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
  }
}
