import type { ChainableCommander, Redis } from 'ioredis';
import { CancelFlags } from './cancel-flags.js';
import { redisKeys, type KeySpace } from './names.js';
import { TrialOwners } from './trial-owners.js';

/**
 * Which sweeps are paused (`fermx sweep pause`): the `paused` field of each sweep's control hash,
 * and a set of their ids for the dispatcher. A paused sweep starts nothing: its queued trials wait
 * in its held set, and so does a trial that comes back to the queue while it is paused (its worker
 * stopped and handed it back, its worker died, a retry), which a worker leaves alone. A trial that
 * another owner sweep, neither paused nor cancelled, wants still runs for that sweep.
 */
export class SweepPauses {
  private readonly owners: TrialOwners;
  private readonly cancelFlags: CancelFlags;

  constructor(
    private readonly redis: Redis,
    private readonly keys: KeySpace = {},
  ) {
    this.owners = new TrialOwners(redis, keys);
    this.cancelFlags = new CancelFlags(redis, keys);
  }

  /** The control hash's `paused` field as stored ('1' while paused). */
  static isPausedField(value: string | null | undefined): boolean {
    return value === '1';
  }

  async isPaused(sweepId: string): Promise<boolean> {
    return SweepPauses.isPausedField(await this.redis.hget(redisKeys.sweepControl(this.keys, sweepId), 'paused'));
  }

  /** Adds to `tx` the writes that pause or resume the sweep: its flag and its place in the list. */
  record(tx: ChainableCommander, sweepId: string, paused: boolean): void {
    tx.hset(redisKeys.sweepControl(this.keys, sweepId), 'paused', paused ? '1' : '0');
    if (paused) tx.sadd(redisKeys.pausedSweeps(this.keys), sweepId);
    else tx.srem(redisKeys.pausedSweeps(this.keys), sweepId);
  }

  /** The paused sweeps, sorted. Sweeps paused before this set existed join it on their next pause. */
  async list(): Promise<string[]> {
    return (await this.redis.smembers(redisKeys.pausedSweeps(this.keys))).sort();
  }

  /**
   * Whether a worker that took this trial of `sweepId` should leave it for the sweep's held set:
   * the sweep is paused and no other owner wants the trial run.
   */
  async holdsBack(sweepId: string, trialId: string): Promise<boolean> {
    if (!(await this.isPaused(sweepId))) return false;
    return !(await this.wantedElsewhere(sweepId, [trialId])).has(trialId);
  }

  /** Trials (of these) that another owner sweep, neither paused nor cancelled, still wants queued. */
  async wantedElsewhere(sweepId: string, trialIds: readonly string[]): Promise<Set<string>> {
    const owners = await this.owners.ofMany(trialIds);
    const others = [...new Set([...owners.values()].flat().filter((o) => o !== sweepId))];
    if (others.length === 0) return new Set();
    const cancelled = await this.cancelFlags.cancelledAmong(others);
    const live = new Set<string>();
    for (const other of others) if (!cancelled.has(other) && !(await this.isPaused(other))) live.add(other);
    return new Set(trialIds.filter((id) => (owners.get(id) ?? []).some((o) => live.has(o))));
  }
}
