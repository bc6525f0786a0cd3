import { Redis, type RedisOptions } from 'ioredis';

/** Redis could not be reached within the connect timeout. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
  /** An operational failure (infrastructure, not a bug): commands print one line, no stack. */
  readonly operational = true;
}

/**
 * Producer connection (CLI, API): fails fast. Commands error at once while Redis is down
 * instead of queueing (enableOfflineQueue false), so a submit never hangs.
 */
export async function connectProducer(url: string, options: { connectTimeoutMs?: number } = {}): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    connectTimeout: options.connectTimeoutMs ?? 3_000,
    // Reconnect in the background (a long-running `fermx serve` outlives a Redis restart).
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  redis.on('error', () => {
    // Reported to callers through failed commands; without a listener ioredis logs to stderr.
  });
  await waitReady(redis, url, options.connectTimeoutMs ?? 3_000);
  return redis;
}

/**
 * Worker / event-listener connection: BullMQ requires maxRetriesPerRequest null so blocking
 * commands survive a Redis restart and the worker keeps going.
 */
export function workerConnection(url: string, extra: RedisOptions = {}): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, ...extra });
  redis.on('error', () => {
    // ioredis reconnects by itself; BullMQ surfaces persistent failures on its own 'error' events.
  });
  return redis;
}

async function waitReady(redis: Redis, url: string, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    redis.disconnect();
    throw new RedisUnavailableError(`cannot reach Redis at ${redactUrl(url)}: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

/** Hides a password in a redis:// URL for messages. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
}
