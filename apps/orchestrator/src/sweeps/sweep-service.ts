import type { Redis } from 'ioredis';
import { expandSweep, parseSweepSpec, sweepIdOf, trialParams, type TrialProgress, type ValidationIssue, type LeaderboardRow, type TrialSpec } from '@fermx/contracts';
import { addTrialJobs, existingJobIds, isCancelledReason, readTrialStates, type CancelFlags, type LeaderboardIndex, type SuccessiveHalving, type TrialJobState, type TrialQueue } from '@fermx/queue';
import type { DatasetProbe } from './dataset-probe.js';
import type { SweepCatalog } from './sweep-catalog.js';
import { SearchDispatcher } from './search-dispatcher.js';
import { isTpeSpec } from './search-space.js';
import { enqueueTrial, type EnqueueOutcome } from './sweep-enqueue.js';
import type { TrialSettings } from './manual-trial.js';
import { countTrials, type SweepRecord, type TrialCounts, type TrialStatus } from './sweep-record.js';

export type SubmitOutcome =
  | { ok: true; sweepId: string; trials: string[]; enqueued: number; existing: number }
  | { ok: false; error: string; issues: ValidationIssue[] };

export interface TrialView {
  trialId: string;
  variant?: string;
  status: TrialStatus;
  model: string;
  params: Record<string, unknown>;
  attempts: number;
  progress?: TrialProgress;
  failedReason?: string;
  result?: Pick<LeaderboardRow, 'valAccuracy' | 'testAccuracy' | 'macroF1' | 'epochs' | 'trainingSeconds' | 'imagesPerSecond' | 'backend' | 'host'>;
}

export interface SweepListEntry {
  sweepId: string;
  name: string;
  dataset: string;
  createdAt: string;
  trials: TrialCounts;
  best?: { trialId: string; valAccuracy: number };
}

export interface SweepStatus {
  sweep: Omit<SweepRecord, 'trials'>;
  counts: TrialCounts;
  trials: TrialView[];
}

export interface SweepServiceDeps {
  redis: Redis;
  queue: TrialQueue;
  catalog: SweepCatalog;
  index: LeaderboardIndex;
  cancelFlags: CancelFlags;
  halving: SuccessiveHalving;
  probe: DatasetProbe;
  keys: { prefix: string; queueName?: string };
  now?: () => Date;
}

/** Submit, inspect and cancel sweeps against Redis (queue, indexes) and storage (records). */
export class SweepService {
  constructor(private readonly deps: SweepServiceDeps) {}

  /**
   * Validates, expands and enqueues one job per trial (jobId = trialId). Nothing is written or
   * enqueued when the spec or its dataset is bad; a resubmit enqueues only trials that have
   * neither a job nor a result.
   */
  async submit(input: unknown): Promise<SubmitOutcome> {
    const parsed = parseSweepSpec(input);
    if (!parsed.ok) return { ok: false, error: 'invalid sweep spec', issues: parsed.issues };
    const spec = parsed.spec;
    let dataset;
    try {
      dataset = await this.deps.probe(spec.dataset);
    } catch (error) {
      return { ok: false, error: 'invalid sweep spec', issues: [{ path: 'dataset', message: (error as Error).message }] };
    }
    // Model-based sweeps are not expanded: their trials are proposed as results arrive.
    if (isTpeSpec(spec)) return this.search.submit(spec, input, sweepIdOf(spec, dataset.ref.version), dataset);
    const existingRecord = await this.deps.catalog.get(sweepIdOf(spec, dataset.ref.version));
    const createdAt = existingRecord?.createdAt ?? (this.deps.now?.() ?? new Date()).toISOString();
    const { sweepId, trials } = expandSweep(spec, { dataset: dataset.ref, numClasses: dataset.numClasses, createdAt });
    if (trials.length === 0) return { ok: false, error: 'invalid sweep spec', issues: [{ path: 'parameters', message: 'the sweep expands to no trials' }] };

    const record: SweepRecord = {
      sweepId, name: spec.name, dataset: dataset.ref, spec: input, strategy: spec.strategy.type, priority: spec.priority, createdAt, trials,
      ...(spec.description ? { description: spec.description } : {}),
    };
    const ids = trials.map((t) => t.trialId);
    // The record goes to storage while Redis answers which trials are already known.
    const [, jobs, rows] = await Promise.all([
      this.deps.catalog.save(record),
      existingJobIds(this.deps.redis, ids, this.deps.keys),
      this.deps.index.getMany(ids),
    ]);
    if (spec.halving) await this.deps.halving.configure(sweepId, spec.halving);
    await this.deps.cancelFlags.clear(sweepId);
    const fresh = trials.filter((t, i) => !jobs.has(t.trialId) && !rows[i]);
    await addTrialJobs(this.deps.queue, fresh, { priority: spec.priority, retry: spec.retry });
    return { ok: true, sweepId, trials: ids, enqueued: fresh.length, existing: ids.length - fresh.length };
  }

  private searchDispatcher: SearchDispatcher | undefined;

  /** Model-based (tpe) sweeps: proposals as results arrive (search-dispatcher.ts). */
  get search(): SearchDispatcher {
    return (this.searchDispatcher ??= new SearchDispatcher({ ...this.deps, storage: this.deps.catalog.storage }));
  }

  /** Adds one specific trial to a sweep (`fermx sweep enqueue`); undefined for an unknown sweep. */
  enqueue(sweepId: string, settings: TrialSettings): Promise<EnqueueOutcome | undefined> {
    return enqueueTrial({ ...this.deps, search: this.search }, sweepId, settings);
  }

  async status(sweepId: string): Promise<SweepStatus | undefined> {
    const record = await this.deps.catalog.get(sweepId);
    if (!record) return undefined;
    const views = await this.trialViews(sweepId, record.trials);
    const { trials: _t, ...sweep } = record;
    return { sweep, counts: countTrials(views.map((v) => v.status)), trials: views };
  }

  async list(): Promise<SweepListEntry[]> {
    const summaries = await this.deps.catalog.list();
    const out: SweepListEntry[] = [];
    for (const s of summaries) {
      const statuses = await this.statuses(s.sweepId, s.trialIds);
      const best = (await this.deps.index.query({ sweepId: s.sweepId, limit: 1 }))[0];
      out.push({
        sweepId: s.sweepId, name: s.name, dataset: s.dataset.uri, createdAt: s.createdAt, trials: countTrials(statuses.map((x) => x.status)),
        ...(best ? { best: { trialId: best.trialId, valAccuracy: best.valAccuracy } } : {}),
      });
    }
    return out;
  }

  /**
   * Flags the sweep (running trials stop at their next epoch) and removes its waiting jobs.
   * Returns how many trials were cancelled (removed + running); undefined for an unknown sweep.
   */
  async cancel(sweepId: string): Promise<{ cancelled: number } | undefined> {
    const summary = await this.deps.catalog.summary(sweepId);
    if (!summary) return undefined;
    await this.deps.cancelFlags.cancel(sweepId);
    const states = await readTrialStates(this.deps.redis, summary.trialIds, this.deps.keys);
    let cancelled = 0;
    for (const [trialId, state] of states) {
      if (state.state === 'active') cancelled++;
      if (state.state !== 'waiting') continue;
      try {
        const removed = await this.deps.queue.remove(trialId);
        if (removed === 1) cancelled++;
      } catch {
        // Taken by a worker meanwhile: it sees the flag after its next epoch.
        cancelled++;
      }
    }
    return { cancelled };
  }

  private async statuses(sweepId: string, trialIds: string[]): Promise<{ trialId: string; status: TrialStatus; state: TrialJobState | undefined; row: LeaderboardRow | undefined }[]> {
    const [states, rows, cancelled] = await Promise.all([
      readTrialStates(this.deps.redis, trialIds, this.deps.keys),
      this.deps.index.getMany(trialIds),
      this.deps.cancelFlags.isCancelled(sweepId),
    ]);
    return trialIds.map((trialId, i) => {
      const state = states.get(trialId);
      const row = rows[i];
      return { trialId, state, row, status: trialStatus(state, row, cancelled) };
    });
  }

  private async trialViews(sweepId: string, trials: TrialSpec[]): Promise<TrialView[]> {
    const statuses = await this.statuses(sweepId, trials.map((t) => t.trialId));
    return trials.map((trial, i) => {
      const { status, state, row } = statuses[i]!;
      const view: TrialView = { trialId: trial.trialId, status, model: trial.model.architecture, params: trialParams(trial), attempts: state?.attemptsMade ?? 0 };
      if (trial.variant) view.variant = trial.variant;
      if (state?.progress) view.progress = state.progress;
      if (state?.failedReason && status !== 'completed' && status !== 'stopped-early') view.failedReason = state.failedReason;
      if (row) {
        view.result = { valAccuracy: row.valAccuracy, testAccuracy: row.testAccuracy, macroF1: row.macroF1, epochs: row.epochs, trainingSeconds: row.trainingSeconds, imagesPerSecond: row.imagesPerSecond, backend: row.backend, host: row.host };
      }
      return view;
    });
  }
}

/** A trial's status: its leaderboard row wins (the result is the truth), then the job's state. */
export function trialStatus(state: TrialJobState | undefined, row: Pick<LeaderboardRow, 'status'> | undefined, sweepCancelled: boolean): TrialStatus {
  if (row) return row.status;
  switch (state?.state) {
    case 'failed':
      return isCancelledReason(state.failedReason) ? 'cancelled' : 'failed';
    case 'active':
      return 'active';
    case 'waiting':
      return 'waiting';
    case 'completed':
      return 'completed';
    default:
      return sweepCancelled ? 'cancelled' : 'missing';
  }
}
