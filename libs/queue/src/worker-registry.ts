import type { Redis } from 'ioredis';
import { resolveKeySpace, type KeySpace } from './names.js';

export interface WorkerInfo {
  id: string;
  host: string;
  gpu: string | null;
  backend: string | null;
  currentTrial: string | null;
  /** ISO time of the last heartbeat. */
  lastSeen: string;
}

/** Live workers: each heartbeat refreshes a key with a TTL, so a dead worker disappears by itself. */
export class WorkerRegistry {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    keys: KeySpace = {},
  ) {
    this.prefix = `${resolveKeySpace(keys).prefix}:worker`;
  }

  async heartbeat(info: Omit<WorkerInfo, 'lastSeen'>, ttlSeconds = 30): Promise<void> {
    const entry: WorkerInfo = { ...info, lastSeen: new Date().toISOString() };
    await this.redis.set(`${this.prefix}:${info.id}`, JSON.stringify(entry), 'EX', Math.max(1, Math.round(ttlSeconds)));
  }

  async remove(id: string): Promise<void> {
    await this.redis.del(`${this.prefix}:${id}`);
  }

  /** Workers seen within their TTL, sorted by id. */
  async list(): Promise<WorkerInfo[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [nextCursor, found] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}:*`, 'COUNT', 1000);
      cursor = nextCursor;
      keys.push(...found);
    } while (cursor !== '0');
    if (keys.length === 0) return [];
    const raws = await this.redis.mget(keys);
    return raws.flatMap((raw) => (raw ? [JSON.parse(raw) as WorkerInfo] : [])).sort((a, b) => a.id.localeCompare(b.id));
  }
}
