import type { Redis } from 'ioredis';
import { resolveKeySpace, type KeySpace } from './names.js';

const CHUNK = 1000;

/**
 * Which sweeps own a trial. Trial ids are content hashes, so the same configuration submitted by
 * two sweeps is one trial (one job, one result) that belongs to both: a Redis set of owner sweep
 * ids per trial (`<prefix>:trial:<trialId>:owners`). Cancelling one owner must leave the trial to
 * the others, and the leaderboard lists the trial under every owner.
 */
export class TrialOwners {
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    keys: KeySpace = {},
  ) {
    this.prefix = `${resolveKeySpace(keys).prefix}:trial`;
  }

  key(trialId: string): string {
    return `${this.prefix}:${trialId}:owners`;
  }

  /** Records `sweepId` as an owner of every trial (idempotent). */
  async add(sweepId: string, trialIds: readonly string[]): Promise<void> {
    for (let i = 0; i < trialIds.length; i += CHUNK) {
      const pipeline = this.redis.pipeline();
      for (const id of trialIds.slice(i, i + CHUNK)) pipeline.sadd(this.key(id), sweepId);
      await pipeline.exec();
    }
  }

  async of(trialId: string): Promise<string[]> {
    return (await this.redis.smembers(this.key(trialId))).sort();
  }

  /** Owners of many trials, in pipelined batches. */
  async ofMany(trialIds: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (let i = 0; i < trialIds.length; i += CHUNK) {
      const chunk = trialIds.slice(i, i + CHUNK);
      const pipeline = this.redis.pipeline();
      for (const id of chunk) pipeline.smembers(this.key(id));
      const replies = (await pipeline.exec()) ?? [];
      chunk.forEach((id, j) => {
        const [err, members] = replies[j] ?? [];
        if (err) throw err;
        out.set(id, ((members as string[] | undefined) ?? []).sort());
      });
    }
    return out;
  }
}
