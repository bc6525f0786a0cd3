import type { Redis } from 'ioredis';
import type { TrialProgress, TrialSpec } from '@fermx/contracts';
import { CancelFlags } from './cancel-flags.js';
import { HeldProgress } from './held-progress.js';
import type { LeaderboardIndex } from './leaderboard-index.js';
import { redisKeys, resolveKeySpace, type KeySpace } from './names.js';
import { SweepPauses } from './sweep-pauses.js';
import { addTrialJobs, DEFAULT_RETRY, type RetryPolicy, type TrialQueue } from './trial-queue.js';
import { readTrialStates, type TrialJobState } from './trial-states.js';

/** How a sweep's trials reach the queue (`fermx sweep pause | resume | set`). */
export interface DispatchSettings {
  paused: boolean;
  /** At most this many of the sweep's trials queued or running at once; undefined = no cap. */
  maxConcurrent: number | undefined;
  /** BullMQ priority of the sweep's jobs (1 runs first). */
  priority: number;
  retry: RetryPolicy;
}

/** A trial waiting for dispatch, with its position in the sweep (dispatch order). */
export interface HeldTrial {
  spec: TrialSpec;
  order: number;
}

const CHUNK = 1000;
/** Trials whose queue operations (remove, changePriority) run concurrently. */
const PULL_CHUNK = 250;

/**
 * Dispatch gating per sweep, in Redis (BullMQ's per-group concurrency and pause are Pro-only).
 * A sweep that is paused or has a concurrency cap keeps its not-yet-dispatched trials in a held
 * set (`<prefix>:sweep:<id>:held`, ordered, with their TrialSpecs); `dispatch` moves trials from
 * it onto the BullMQ queue while fewer than the cap are queued or running. What counts as in
 * flight is read from the BullMQ job hashes of the trials this sweep dispatched (any job that is
 * not finished: waiting, delayed, active, or stalled after a worker died), never from a counter
 * that a crashed process could leave wrong. Every step is idempotent (jobId = trialId, the job is
 * added before the trial leaves the held set), so a crash mid-dispatch loses or doubles nothing.
 *
 * Callers serialise the methods of one sweep with withSweepLock (sweep-lock.ts).
 */
export class SweepGate {
  private readonly prefix: string;
  private readonly cancelFlags: CancelFlags;
  private readonly pauses: SweepPauses;
  private readonly heldProgress: HeldProgress;

  constructor(private readonly deps: { redis: Redis; queue: TrialQueue; index: Pick<LeaderboardIndex, 'getMany'>; keys?: KeySpace }) {
    this.prefix = resolveKeySpace(deps.keys).prefix;
    this.cancelFlags = new CancelFlags(deps.redis, deps.keys);
    this.pauses = new SweepPauses(deps.redis, deps.keys);
    this.heldProgress = new HeldProgress(deps.redis, deps.keys);
  }

  private key(sweepId: string, part: 'held' | 'heldspec' | 'dispatched'): string {
    return `${this.prefix}:sweep:${sweepId}:${part}`;
  }

  private controlKey(sweepId: string): string {
    return redisKeys.sweepControl(this.deps.keys ?? {}, sweepId);
  }

  private get pendingKey(): string {
    return `${this.prefix}:dispatch:pending`;
  }

  async settings(sweepId: string): Promise<DispatchSettings> {
    const raw = await this.deps.redis.hgetall(this.controlKey(sweepId));
    return {
      paused: SweepPauses.isPausedField(raw.paused),
      maxConcurrent: raw.maxConcurrent ? Number(raw.maxConcurrent) : undefined,
      priority: raw.priority ? Number(raw.priority) : 10,
      retry: raw.retry ? (JSON.parse(raw.retry) as RetryPolicy) : DEFAULT_RETRY,
    };
  }

  /** First submit: the spec's priority and retry policy, unless the sweep already has settings. */
  async initialise(sweepId: string, settings: { priority: number; retry: RetryPolicy }): Promise<void> {
    await this.deps.redis
      .multi()
      .hsetnx(this.controlKey(sweepId), 'priority', String(settings.priority))
      .hsetnx(this.controlKey(sweepId), 'retry', JSON.stringify(settings.retry))
      .exec();
  }

  /** Changes settings; `maxConcurrent: null` removes the cap. */
  async configure(sweepId: string, change: { paused?: boolean; maxConcurrent?: number | null; priority?: number }): Promise<void> {
    const key = this.controlKey(sweepId);
    const tx = this.deps.redis.multi();
    if (change.paused !== undefined) this.pauses.record(tx, sweepId, change.paused);
    if (change.maxConcurrent === null) tx.hdel(key, 'maxConcurrent');
    else if (change.maxConcurrent !== undefined) tx.hset(key, 'maxConcurrent', String(change.maxConcurrent));
    if (change.priority !== undefined) tx.hset(key, 'priority', String(change.priority));
    await tx.exec();
  }

  /**
   * Sends trials toward the workers: straight onto the queue when nothing gates the sweep (the
   * 10,000-trial submit path), else into the held set, then one dispatch pass.
   */
  async enqueue(sweepId: string, trials: readonly HeldTrial[]): Promise<void> {
    if (trials.length === 0) return;
    const settings = await this.settings(sweepId);
    if (!settings.paused && settings.maxConcurrent === undefined) {
      await addTrialJobs(
        this.deps.queue,
        trials.map((t) => t.spec),
        { priority: settings.priority, retry: settings.retry },
      );
      await this.markDispatched(
        sweepId,
        trials.map((t) => [t.spec.trialId, t.order]),
      );
      return;
    }
    await this.hold(sweepId, trials);
    await this.dispatch(sweepId);
  }

  /** Puts trials in the sweep's held set (they run on a later dispatch pass). */
  async hold(sweepId: string, trials: readonly HeldTrial[]): Promise<void> {
    for (let i = 0; i < trials.length; i += CHUNK) {
      const tx = this.deps.redis.multi();
      for (const t of trials.slice(i, i + CHUNK)) {
        tx.zadd(this.key(sweepId, 'held'), t.order, t.spec.trialId);
        tx.hset(this.key(sweepId, 'heldspec'), t.spec.trialId, JSON.stringify(t.spec));
      }
      tx.sadd(this.pendingKey, sweepId);
      await tx.exec();
    }
  }

  async heldIds(sweepId: string): Promise<string[]> {
    return this.deps.redis.zrange(this.key(sweepId, 'held'), 0, -1);
  }

  /** Paused sweeps (the dispatch loop takes back what comes back to their queue). */
  async pausedSweeps(): Promise<string[]> {
    return this.pauses.list();
  }

  /** Sweeps with held trials (the dispatch loop's work list). */
  async pendingSweeps(): Promise<string[]> {
    return (await this.deps.redis.smembers(this.pendingKey)).sort();
  }

  /**
   * The last progress these trials reported before pause took their jobs back (a removed job
   * loses its own): for a trial whose job has none yet.
   */
  async lastProgress(sweepId: string, trialIds: readonly string[]): Promise<Map<string, TrialProgress>> {
    return this.heldProgress.read(sweepId, trialIds);
  }

  /** Forgets the held trials (cancel): they are never dispatched. Returns how many. */
  async dropHeld(sweepId: string): Promise<number> {
    const replies = await this.deps.redis
      .multi()
      .zcard(this.key(sweepId, 'held'))
      .del(this.key(sweepId, 'held'), this.key(sweepId, 'heldspec'))
      .srem(this.pendingKey, sweepId)
      .exec();
    await this.heldProgress.forgetAll(sweepId);
    return Number(replies?.[0]?.[1] ?? 0);
  }

  /** How many of the trials this sweep dispatched are queued or running; forgets finished ones. */
  async inFlight(sweepId: string): Promise<number> {
    const ids = await this.deps.redis.zrange(this.key(sweepId, 'dispatched'), 0, -1);
    if (ids.length === 0) return 0;
    const states = await readTrialStates(this.deps.redis, ids, this.deps.keys);
    return ids.length - (await this.forgetFinished(sweepId, ids, states));
  }

  /** Drops the finished ones of these dispatched trials from the sweep's record; returns how many. */
  private async forgetFinished(sweepId: string, ids: readonly string[], states: Map<string, TrialJobState>): Promise<number> {
    const finished = ids.filter((id) => {
      const state = states.get(id)?.state;
      return state !== 'waiting' && state !== 'active';
    });
    for (let i = 0; i < finished.length; i += CHUNK) await this.deps.redis.zrem(this.key(sweepId, 'dispatched'), ...finished.slice(i, i + CHUNK));
    await this.heldProgress.forget(sweepId, finished);
    return finished.length;
  }

  /**
   * One dispatch pass: unless the sweep is paused or cancelled, moves held trials (in order) onto
   * the queue while fewer than maxConcurrent are in flight. Trials that already have a result
   * (trained for another sweep) leave the held set without a job. Returns how many were queued.
   */
  async dispatch(sweepId: string): Promise<number> {
    const settings = await this.settings(sweepId);
    if (settings.paused || (await this.cancelFlags.isCancelled(sweepId))) return 0;
    const heldCount = await this.deps.redis.zcard(this.key(sweepId, 'held'));
    if (heldCount === 0) {
      await this.deps.redis.srem(this.pendingKey, sweepId);
      return 0;
    }
    const slots = settings.maxConcurrent === undefined ? heldCount : settings.maxConcurrent - (await this.inFlight(sweepId));
    if (slots <= 0) return 0;
    const flat = await this.deps.redis.zrange(this.key(sweepId, 'held'), 0, slots - 1, 'WITHSCORES');
    const take: [string, number][] = [];
    for (let i = 0; i < flat.length; i += 2) take.push([flat[i]!, Number(flat[i + 1])]);
    const ids = take.map(([id]) => id);
    const [raws, rows] = await Promise.all([this.deps.redis.hmget(this.key(sweepId, 'heldspec'), ...ids), this.deps.index.getMany(ids)]);
    const send = take.filter((_, i) => raws[i] && !rows[i]);
    const specs = take.flatMap((_, i) => (raws[i] && !rows[i] ? [JSON.parse(raws[i]!) as TrialSpec] : []));
    // Job first, then leave the held set: a crash in between re-adds a job that exists (a no-op).
    await addTrialJobs(this.deps.queue, specs, { priority: settings.priority, retry: settings.retry });
    await this.markDispatched(sweepId, send);
    const tx = this.deps.redis
      .multi()
      .zrem(this.key(sweepId, 'held'), ...ids)
      .hdel(this.key(sweepId, 'heldspec'), ...ids);
    await tx.exec();
    if ((await this.deps.redis.zcard(this.key(sweepId, 'held'))) === 0) await this.deps.redis.srem(this.pendingKey, sweepId);
    return specs.length;
  }

  /**
   * Takes the sweep's queued (not running) jobs back into the held set: for pause, on every
   * dispatch pass while paused (a trial handed back or retried comes back to the queue), and
   * before a new cap applies. A job that another owner sweep still wants on the queue (neither
   * paused nor cancelled) stays. A job a worker took meanwhile stays too (removal refuses locked
   * jobs). Returns how many were taken back.
   */
  async pullBack(sweepId: string): Promise<number> {
    const flat = await this.deps.redis.zrange(this.key(sweepId, 'dispatched'), 0, -1, 'WITHSCORES');
    const order = new Map<string, number>();
    for (let i = 0; i < flat.length; i += 2) order.set(flat[i]!, Number(flat[i + 1]));
    const states = await readTrialStates(this.deps.redis, [...order.keys()], this.deps.keys);
    // Finished trials leave the record, so that a paused sweep's pass reads only what can still run.
    await this.forgetFinished(sweepId, [...order.keys()], states);
    const waiting = [...order.keys()].filter((id) => states.get(id)?.state === 'waiting');
    const keep = await this.pauses.wantedElsewhere(sweepId, waiting);
    const mine = waiting.filter((id) => !keep.has(id));
    let pulled = 0;
    // In chunks, the Redis round trips of each step overlapping (10,000 queued trials: seconds, not minutes).
    for (let i = 0; i < mine.length; i += PULL_CHUNK) {
      const chunk = mine.slice(i, i + PULL_CHUNK);
      const specs = await this.jobSpecs(chunk);
      const held: HeldTrial[] = chunk.flatMap((id, j) => (specs[j] ? [{ spec: specs[j], order: order.get(id)! }] : []));
      // Held first, job removed second: a crash in between leaves a trial both held and queued
      // (dispatching it again is a no-op), never neither.
      await this.hold(sweepId, held);
      const removed = await Promise.all(held.map((t) => this.deps.queue.remove(t.spec.trialId).catch(() => 0)));
      const taken = held.filter((_, j) => removed[j] !== 1).map((t) => t.spec.trialId);
      const gone = held.filter((_, j) => removed[j] === 1).map((t) => t.spec.trialId);
      // The removed job took its progress with it; the trial resumes from its checkpoint.
      const progress = new Map<string, TrialProgress>();
      for (const id of gone) {
        const last = states.get(id)?.progress;
        if (last) progress.set(id, last);
      }
      await this.heldProgress.remember(sweepId, progress);
      // A worker took these meanwhile (removal refuses locked jobs): they run to the end, not held.
      if (taken.length)
        await this.deps.redis
          .multi()
          .zrem(this.key(sweepId, 'held'), ...taken)
          .hdel(this.key(sweepId, 'heldspec'), ...taken)
          .exec();
      if (gone.length) await this.deps.redis.zrem(this.key(sweepId, 'dispatched'), ...gone);
      pulled += gone.length;
    }
    return pulled;
  }

  /** Sets the priority of the sweep's queued jobs (held trials get it when dispatched). Returns how many changed. */
  async reprioritise(sweepId: string, priority: number): Promise<number> {
    const ids = await this.deps.redis.zrange(this.key(sweepId, 'dispatched'), 0, -1);
    const states = await readTrialStates(this.deps.redis, ids, this.deps.keys);
    const waiting = ids.filter((id) => states.get(id)?.state === 'waiting');
    let changed = 0;
    for (let i = 0; i < waiting.length; i += PULL_CHUNK) {
      const done = await Promise.all(
        waiting.slice(i, i + PULL_CHUNK).map(async (id) => {
          const job = await this.deps.queue.getJob(id);
          if (!job || job.finishedOn) return false;
          // A job a worker took meanwhile refuses the change: it already runs.
          return job.changePriority({ priority }).then(
            () => true,
            () => false,
          );
        }),
      );
      changed += done.filter(Boolean).length;
    }
    return changed;
  }

  /**
   * Records the unfinished jobs this sweep enqueued that its dispatched set lacks: those of a sweep
   * submitted before dispatch was recorded (an older orchestrator put every trial straight on the
   * queue). Without them, pause would hold nothing back, a cap would count nothing in flight and a
   * new priority would reach no job. Only jobs whose payload names this sweep count (a trial first
   * queued by another owner stays that owner's). `trialIds` in the sweep's order. Returns how many
   * were recorded.
   */
  async recordQueued(sweepId: string, trialIds: readonly string[]): Promise<number> {
    const known = new Set(await this.deps.redis.zrange(this.key(sweepId, 'dispatched'), 0, -1));
    const missing = trialIds.map((id, order) => [id, order] as const).filter(([id]) => !known.has(id));
    const states = await readTrialStates(
      this.deps.redis,
      missing.map(([id]) => id),
      this.deps.keys,
    );
    const unfinished = missing.filter(([id]) => ['waiting', 'active'].includes(states.get(id)?.state ?? 'missing'));
    const recorded: (readonly [string, number])[] = [];
    for (let i = 0; i < unfinished.length; i += PULL_CHUNK) {
      const chunk = unfinished.slice(i, i + PULL_CHUNK);
      const specs = await this.jobSpecs(chunk.map(([id]) => id));
      chunk.forEach((entry, j) => {
        if (specs[j]?.sweepId === sweepId) recorded.push(entry);
      });
    }
    await this.markDispatched(sweepId, recorded);
    return recorded.length;
  }

  /** The TrialSpec payload of each trial's job (one pipelined round trip), undefined where it has none. */
  private async jobSpecs(trialIds: readonly string[]): Promise<(TrialSpec | undefined)[]> {
    const pipeline = this.deps.redis.pipeline();
    for (const id of trialIds) pipeline.hget(redisKeys.trialJob(this.deps.keys ?? {}, id), 'data');
    const replies = (await pipeline.exec()) ?? [];
    return trialIds.map((_, j) => {
      const raw = replies[j]?.[1];
      return typeof raw === 'string' ? (JSON.parse(raw) as TrialSpec) : undefined;
    });
  }

  /** Records trials as dispatched by this sweep (their jobs count toward its cap until they finish). */
  async markDispatched(sweepId: string, trials: readonly (readonly [string, number])[]): Promise<void> {
    for (let i = 0; i < trials.length; i += CHUNK) {
      const args = trials.slice(i, i + CHUNK).flatMap(([id, order]) => [order, id]);
      if (args.length) await this.deps.redis.zadd(this.key(sweepId, 'dispatched'), ...args);
    }
  }
}
