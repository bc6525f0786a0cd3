import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { SearchEvent } from '@fermx/search';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** What a search needs besides its spec and log: the dataset's class count at submit. */
export interface SearchMeta {
  numClasses: number;
}

/**
 * A model-based search's state in Redis: its event log (`<prefix>:search:<id>:log`, one JSON
 * event per list entry, append-only), its meta, a lock so one orchestrator replica proposes at a
 * time, and the set of searches still proposing (`<prefix>:search:active`).
 */
export class SearchLog {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(sweepId: string, part: 'log' | 'meta' | 'lock' | 'again'): string {
    return `${this.prefix}:search:${sweepId}:${part}`;
  }

  private get activeKey(): string {
    return `${this.prefix}:search:active`;
  }

  async read(sweepId: string): Promise<SearchEvent[]> {
    return (await this.redis.lrange(this.key(sweepId, 'log'), 0, -1)).map((raw) => JSON.parse(raw) as SearchEvent);
  }

  async append(sweepId: string, events: readonly SearchEvent[]): Promise<void> {
    if (events.length) await this.redis.rpush(this.key(sweepId, 'log'), ...events.map((e) => JSON.stringify(e)));
  }

  async meta(sweepId: string): Promise<SearchMeta | undefined> {
    const raw = await this.redis.get(this.key(sweepId, 'meta'));
    return raw ? (JSON.parse(raw) as SearchMeta) : undefined;
  }

  async setMeta(sweepId: string, meta: SearchMeta): Promise<void> {
    await this.redis.set(this.key(sweepId, 'meta'), JSON.stringify(meta));
  }

  async activate(sweepId: string): Promise<void> {
    await this.redis.sadd(this.activeKey, sweepId);
  }

  async deactivate(sweepId: string): Promise<void> {
    await this.redis.srem(this.activeKey, sweepId);
  }

  async active(): Promise<string[]> {
    return (await this.redis.smembers(this.activeKey)).sort();
  }

  /**
   * Runs `fn` holding the search's lock. When another replica holds it, marks the search for
   * another pass (the holder runs it before releasing) and returns undefined, so a result that
   * arrives mid-pass is never left unanswered.
   */
  async exclusive<T>(sweepId: string, fn: () => Promise<T>, ttlMs = 60_000): Promise<T | undefined> {
    const lock = this.key(sweepId, 'lock');
    const again = this.key(sweepId, 'again');
    const token = randomUUID();
    if ((await this.redis.set(lock, token, 'PX', ttlMs, 'NX')) !== 'OK') {
      await this.redis.set(again, '1', 'PX', ttlMs);
      // The holder may have released between the two calls: try once more.
      if ((await this.redis.set(lock, token, 'PX', ttlMs, 'NX')) !== 'OK') return undefined;
    }
    try {
      let result: T;
      do {
        await this.redis.del(again);
        result = await fn();
      } while ((await this.redis.exists(again)) === 1);
      return result;
    } finally {
      await this.redis.eval(RELEASE, 1, lock, token).catch(() => undefined);
    }
  }
}
