import type { Redis } from 'ioredis';
import { resolveKeySpace, type KeySpace } from './names.js';

/** Sweep cancellation: set by `fermx sweep cancel`, checked by workers after each epoch. */
export class CancelFlags {
  private readonly prefix: string;

  constructor(private readonly redis: Redis, keys: KeySpace = {}) {
    this.prefix = `${resolveKeySpace(keys).prefix}:cancelled`;
  }

  async cancel(sweepId: string): Promise<void> {
    await this.redis.set(`${this.prefix}:${sweepId}`, new Date().toISOString());
  }

  async isCancelled(sweepId: string): Promise<boolean> {
    return (await this.redis.exists(`${this.prefix}:${sweepId}`)) === 1;
  }

  /** Resubmitting a cancelled sweep clears the flag. */
  async clear(sweepId: string): Promise<void> {
    await this.redis.del(`${this.prefix}:${sweepId}`);
  }
}
