import type { Redis } from 'ioredis';
import { redisKeys, type KeySpace } from './names.js';

/**
 * Start of the failure reason of a trial job stopped because its sweep was cancelled: the worker
 * writes it (`cancelledReason`), status readers recognise it (`isCancelledReason`).
 */
export const CANCELLED_REASON_PREFIX = 'cancelled:';

export function cancelledReason(sweepId: string): string {
  return `${CANCELLED_REASON_PREFIX} sweep ${sweepId} was cancelled`;
}

export function isCancelledReason(reason: string | undefined): boolean {
  return reason?.startsWith(CANCELLED_REASON_PREFIX) ?? false;
}

/** Sweep cancellation: set by `fermx sweep cancel`, checked by workers after each epoch. */
export class CancelFlags {
  constructor(private readonly redis: Redis, private readonly keys: KeySpace = {}) {}

  private flagKey(sweepId: string): string {
    return redisKeys.cancelFlag(this.keys, sweepId);
  }

  async cancel(sweepId: string): Promise<void> {
    await this.redis.set(this.flagKey(sweepId), new Date().toISOString());
  }

  async isCancelled(sweepId: string): Promise<boolean> {
    return (await this.redis.exists(this.flagKey(sweepId))) === 1;
  }

  /** Resubmitting a cancelled sweep clears the flag. */
  async clear(sweepId: string): Promise<void> {
    await this.redis.del(this.flagKey(sweepId));
  }
}
