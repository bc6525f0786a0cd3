import { expandSweep, parseSweepSpec, SweepTooLargeError, type TrialSpec } from '@fermx/contracts';
import { DEFAULT_RETRY, existingJobIds, withSweepLock, type HeldTrial, type SweepGate } from '@fermx/queue';
import type { DispatchView, SweepRecord, SweepTransition, TrialStatus } from './sweep-record.js';
import type { SteerOutcome, SweepServiceDeps } from './sweep-service.js';
import { SteeringError } from './steering-error.js';

/** Largest priority BullMQ accepts (as the sweep spec's `priority`). */
const MAX_PRIORITY = 2_097_152;

export interface SweepSteeringDeps extends SweepServiceDeps {
  gate: SweepGate;
  maxTrials: number;
  statuses(sweepId: string, trialIds: string[]): Promise<{ trialId: string; status: TrialStatus }[]>;
  dispatchView(sweepId: string): Promise<DispatchView>;
  append(record: SweepRecord, transition: SweepTransition): Promise<void>;
}

/**
 * `fermx sweep pause | resume | extend | retry | set` (docs/ORCHESTRATOR.md, Steering a sweep).
 * Each command holds the sweep's lock, changes the dispatch state through SweepGate and appends
 * its transition to the sweep's history in storage.
 */
export class SweepSteering {
  constructor(private readonly deps: SweepSteeringDeps) {}

  private now(): string {
    return (this.deps.now?.() ?? new Date()).toISOString();
  }

  /** Runs `fn` on the live (known, not cancelled) sweep's record under its lock, then answers. */
  private async steer(sweepId: string, fn: (record: SweepRecord) => Promise<SweepTransition>): Promise<SteerOutcome> {
    const transition = await withSweepLock(this.deps.redis, this.deps.keys, sweepId, async () => {
      const record = await this.deps.catalog.get(sweepId);
      if (!record) throw new SteeringError(404, `no sweep ${sweepId}`);
      if (await this.deps.cancelFlags.isCancelled(sweepId))
        throw new SteeringError(409, `sweep ${sweepId} is cancelled; submit its spec again to bring it back`);
      await this.adoptUngated(record);
      const done = await fn(record);
      await this.deps.append(record, done);
      return done;
    });
    return { sweepId, transition, dispatch: await this.deps.dispatchView(sweepId) };
  }

  /**
   * A sweep submitted by an orchestrator older than the dispatch gate has no dispatch settings and
   * no record of its queued jobs: gives it the spec's priority and retry policy (settings it
   * already has stay) and records its queued jobs, so that pause holds them back, a cap counts them
   * and a resume re-queues them as the spec asked.
   */
  private async adoptUngated(record: SweepRecord): Promise<void> {
    const parsed = parseSweepSpec(record.spec);
    await this.deps.gate.initialise(record.sweepId, { priority: record.priority, retry: parsed.ok ? parsed.spec.retry : DEFAULT_RETRY });
    await this.deps.gate.recordQueued(
      record.sweepId,
      record.trials.map((t) => t.trialId),
    );
  }

  pause(sweepId: string): Promise<SteerOutcome> {
    return this.steer(sweepId, async () => {
      if ((await this.deps.gate.settings(sweepId)).paused) throw new SteeringError(409, `sweep ${sweepId} is already paused`);
      await this.deps.gate.configure(sweepId, { paused: true });
      const heldBack = await this.deps.gate.pullBack(sweepId);
      return { at: this.now(), action: 'paused', heldBack };
    });
  }

  resume(sweepId: string): Promise<SteerOutcome> {
    return this.steer(sweepId, async () => {
      if (!(await this.deps.gate.settings(sweepId)).paused) throw new SteeringError(409, `sweep ${sweepId} is not paused`);
      await this.deps.gate.configure(sweepId, { paused: false });
      const dispatched = await this.deps.gate.dispatch(sweepId);
      return { at: this.now(), action: 'resumed', dispatched };
    });
  }

  /**
   * Random sweeps: K more samples per grid point, drawn after every earlier one from the same
   * seeded stream, so the sweep keeps its id and every earlier trial. TPE sweeps: K more proposals
   * (record.extensions raises the search's n; search-space.ts searchConfig). A grid sweep already holds
   * every point of its space: extending it is refused (submit a spec with more values instead).
   */
  extend(sweepId: string, n: number): Promise<SteerOutcome> {
    if (!Number.isInteger(n) || n < 1) return Promise.reject(new SteeringError(400, `--n must be a whole number of trials >= 1 (got ${n})`));
    return this.steer(sweepId, async (record) => {
      const parsed = parseSweepSpec(record.spec);
      if (!parsed.ok)
        throw new SteeringError(409, `sweep ${sweepId}'s stored spec no longer validates: ${parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
      const spec = parsed.spec;
      if (spec.strategy.type === 'grid') {
        throw new SteeringError(
          409,
          `sweep ${sweepId} uses strategy grid, which already enumerates every point of its space; extend continues a random sweep's seeded stream (for more points, submit a spec with more values)`,
        );
      }
      if (spec.strategy.type === 'tpe') {
        // The search proposes K more trials from the same seeded stream (its n grows by K); the
        // caller runs a search pass after the lock is released (SweepService.extend).
        record.extensions = [...(record.extensions ?? []), n];
        return { at: this.now(), action: 'extended', n, added: 0, total: record.trials.length };
      }
      const extensions = [...(record.extensions ?? []), n];
      const numClasses = record.datasetClasses ?? (await this.datasetClasses(record));
      let trials: TrialSpec[];
      try {
        ({ trials } = expandSweep(spec, { dataset: record.dataset, numClasses, createdAt: record.createdAt }, { extensions, maxTrials: this.deps.maxTrials }));
      } catch (error) {
        if (error instanceof SweepTooLargeError) throw new SteeringError(409, `extending ${sweepId} by ${n}: ${error.message} (FERMX_MAX_TRIALS)`);
        throw error;
      }
      const known = new Set(record.trials.map((t) => t.trialId));
      const added = trials.filter((t) => !known.has(t.trialId));
      const firstOrder = record.trials.length;
      for (const t of added) record.trials.push(t);
      record.extensions = extensions;
      const ids = added.map((t) => t.trialId);
      // The record lists the new trials (and owns them) before any of them is queued.
      await this.deps.catalog.save(record);
      const [jobs, rows] = await Promise.all([existingJobIds(this.deps.redis, ids, this.deps.keys), this.deps.index.getMany(ids)]);
      if (rows.some(Boolean))
        await this.deps.index.addToSweep(
          sweepId,
          ids.filter((_, i) => rows[i]),
        );
      const fresh: HeldTrial[] = [];
      added.forEach((t, i) => {
        if (!jobs.has(t.trialId) && !rows[i]) fresh.push({ spec: t, order: firstOrder + i });
      });
      await this.deps.gate.enqueue(sweepId, fresh);
      return { at: this.now(), action: 'extended', n, added: added.length, total: record.trials.length };
    });
  }

  /**
   * Failed trials (all of them, or one by id; one may also be cancelled) get a fresh job with
   * every attempt back. The job keeps its spec (and so its storage folder), so the worker resumes
   * from the trial's last epoch checkpoint. The retried trials go through dispatch (pause, cap).
   */
  retry(sweepId: string, target: { failed: true } | { trialId: string }): Promise<SteerOutcome> {
    return this.steer(sweepId, async (record) => {
      const statuses = await this.deps.statuses(
        sweepId,
        record.trials.map((t) => t.trialId),
      );
      let chosen: string[];
      if ('trialId' in target) {
        const found = statuses.find((s) => s.trialId === target.trialId);
        if (!found) throw new SteeringError(404, `no trial ${target.trialId} in sweep ${sweepId}`);
        if (found.status !== 'failed' && found.status !== 'cancelled')
          throw new SteeringError(409, `trial ${target.trialId} is ${found.status}; only failed or cancelled trials can be retried`);
        chosen = [target.trialId];
      } else {
        chosen = statuses.filter((s) => s.status === 'failed').map((s) => s.trialId);
        if (chosen.length === 0) throw new SteeringError(409, `sweep ${sweepId} has no failed trials`);
      }
      const order = new Map(record.trials.map((t, i) => [t.trialId, i]));
      const byId = new Map(record.trials.map((t) => [t.trialId, t]));
      for (const trialId of chosen) {
        const job = await this.deps.queue.getJob(trialId);
        const spec = job?.data ?? byId.get(trialId)!;
        // Held first, job removed second: a crash in between leaves the trial held, not lost.
        await this.deps.gate.hold(sweepId, [{ spec, order: order.get(trialId)! }]);
        if (job) await job.remove();
      }
      await this.deps.gate.dispatch(sweepId);
      return { at: this.now(), action: 'retried', trialIds: chosen };
    });
  }

  set(sweepId: string, change: { maxConcurrent?: number | null; priority?: number }): Promise<SteerOutcome> {
    const { maxConcurrent, priority } = change;
    if (maxConcurrent === undefined && priority === undefined)
      return Promise.reject(new SteeringError(400, 'give --max-concurrent N (or none) and/or --priority P'));
    if (maxConcurrent !== undefined && maxConcurrent !== null && (!Number.isInteger(maxConcurrent) || maxConcurrent < 1)) {
      return Promise.reject(new SteeringError(400, `--max-concurrent must be a whole number >= 1, or none to remove the cap (got ${maxConcurrent})`));
    }
    if (priority !== undefined && (!Number.isInteger(priority) || priority < 1 || priority > MAX_PRIORITY)) {
      return Promise.reject(new SteeringError(400, `--priority must be a whole number from 1 (first) to ${MAX_PRIORITY} (got ${priority})`));
    }
    return this.steer(sweepId, async (record) => {
      const { gate } = this.deps;
      await gate.configure(sweepId, { ...(maxConcurrent !== undefined ? { maxConcurrent } : {}), ...(priority !== undefined ? { priority } : {}) });
      let reprioritised = 0;
      if (priority !== undefined) {
        record.priority = priority;
        reprioritised = await gate.reprioritise(sweepId, priority);
      }
      // A new cap applies to what is queued too: queued jobs go back to the held set and the cap
      // lets through as many as it allows; without a cap everything held is dispatched.
      if (typeof maxConcurrent === 'number') await gate.pullBack(sweepId);
      if (maxConcurrent !== undefined) await gate.dispatch(sweepId);
      return {
        at: this.now(),
        action: 'set',
        ...(maxConcurrent !== undefined ? { maxConcurrent } : {}),
        ...(priority !== undefined ? { priority } : {}),
        reprioritised,
      };
    });
  }

  /**
   * After another owner was cancelled: this sweep (gated: paused or capped) takes over queued
   * trials it shares, with its own trial specs, through its held set and a dispatch pass.
   */
  async adopt(sweepId: string, trialIds: readonly string[]): Promise<void> {
    await withSweepLock(this.deps.redis, this.deps.keys, sweepId, async () => {
      const record = await this.deps.catalog.get(sweepId);
      if (!record) return;
      const wanted = new Set(trialIds);
      const held: HeldTrial[] = [];
      record.trials.forEach((spec, order) => {
        if (wanted.has(spec.trialId)) held.push({ spec, order });
      });
      await this.deps.gate.hold(sweepId, held);
      await this.deps.gate.dispatch(sweepId);
    });
  }

  /** Class count of a record saved before datasetClasses existed: the dataset, if unchanged. */
  private async datasetClasses(record: SweepRecord): Promise<number> {
    const dataset = await this.deps.probe(record.dataset.uri);
    if (dataset.ref.version !== record.dataset.version) {
      throw new SteeringError(
        409,
        `the dataset of sweep ${record.sweepId} changed since it was submitted (version ${record.dataset.version}, now ${dataset.ref.version}); extend would make other trials`,
      );
    }
    return dataset.numClasses;
  }
}
