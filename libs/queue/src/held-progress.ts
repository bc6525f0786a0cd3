import type { Redis } from 'ioredis';
import type { TrialProgress } from '@fermx/contracts';
import { resolveKeySpace, type KeySpace } from './names.js';
import { parseTrialProgress } from './trial-states.js';

const CHUNK = 1000;
/** A sweep paused longer than this shows its held trials at epoch 0 again (nothing else is lost). */
const KEEP_SECONDS = 30 * 24 * 3600;

/**
 * The last epoch each trial reported before a pause took its job back off the queue: removing a
 * BullMQ job drops the progress it carried, and the trial resumes from its checkpoint, not from
 * epoch 0, so sweep status keeps showing where it stopped. A hash per sweep
 * (`<prefix>:sweep:<id>:heldprogress`, trialId → TrialProgress JSON), read only while the
 * trial's job has no progress of its own (held, or queued again and not yet past its next epoch).
 * Forgotten when a dispatch pass finds the trial finished, when the sweep's held trials are
 * dropped, and in any case 30 days after the sweep's last pause took a trial back.
 */
export class HeldProgress {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    keys?: KeySpace,
  ) {
    this.prefix = resolveKeySpace(keys).prefix;
  }

  private key(sweepId: string): string {
    return `${this.prefix}:sweep:${sweepId}:heldprogress`;
  }

  async remember(sweepId: string, progress: ReadonlyMap<string, TrialProgress>): Promise<void> {
    if (progress.size === 0) return;
    await this.redis
      .multi()
      .hset(this.key(sweepId), Object.fromEntries([...progress].map(([id, p]) => [id, JSON.stringify(p)])))
      .expire(this.key(sweepId), KEEP_SECONDS)
      .exec();
  }

  /** The remembered progress of these trials (those that have one). */
  async read(sweepId: string, trialIds: readonly string[]): Promise<Map<string, TrialProgress>> {
    const out = new Map<string, TrialProgress>();
    for (let i = 0; i < trialIds.length; i += CHUNK) {
      const chunk = trialIds.slice(i, i + CHUNK);
      const raws = await this.redis.hmget(this.key(sweepId), ...chunk);
      chunk.forEach((id, j) => {
        const progress = parseTrialProgress(raws[j]);
        if (progress) out.set(id, progress);
      });
    }
    return out;
  }

  async forget(sweepId: string, trialIds: readonly string[]): Promise<void> {
    for (let i = 0; i < trialIds.length; i += CHUNK) await this.redis.hdel(this.key(sweepId), ...trialIds.slice(i, i + CHUNK));
  }

  async forgetAll(sweepId: string): Promise<void> {
    await this.redis.del(this.key(sweepId));
  }
}
