import type { Redis } from 'ioredis';
import { redisKeys, type KeySpace } from './names.js';
import { TrialOwners } from './trial-owners.js';

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
  private readonly owners: TrialOwners;

  constructor(
    private readonly redis: Redis,
    private readonly keys: KeySpace = {},
  ) {
    this.owners = new TrialOwners(redis, keys);
  }

  private flagKey(sweepId: string): string {
    return redisKeys.cancelFlag(this.keys, sweepId);
  }

  async cancel(sweepId: string): Promise<void> {
    await this.redis.set(this.flagKey(sweepId), new Date().toISOString());
  }

  /**
   * Whether the sweep is cancelled. With `trialId` (a worker asking about the trial it runs):
   * only when every sweep that owns the trial is cancelled, so a trial shared with a live sweep
   * keeps running when one of its owners is cancelled (docs/ORCHESTRATOR.md, Steering a sweep).
   */
  async isCancelled(sweepId: string, trialId?: string): Promise<boolean> {
    if ((await this.redis.exists(this.flagKey(sweepId))) !== 1) return false;
    if (trialId === undefined) return true;
    const others = (await this.owners.of(trialId)).filter((owner) => owner !== sweepId);
    if (others.length === 0) return true;
    return (await this.cancelledAmong(others)).size === others.length;
  }

  /** Which of these sweeps are cancelled. */
  async cancelledAmong(sweepIds: readonly string[]): Promise<Set<string>> {
    if (sweepIds.length === 0) return new Set();
    const pipeline = this.redis.pipeline();
    for (const id of sweepIds) pipeline.exists(this.flagKey(id));
    const replies = (await pipeline.exec()) ?? [];
    return new Set(sweepIds.filter((_, i) => replies[i]?.[1] === 1));
  }

  /** Resubmitting a cancelled sweep clears the flag. */
  async clear(sweepId: string): Promise<void> {
    await this.redis.del(this.flagKey(sweepId));
  }
}
