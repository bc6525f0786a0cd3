import type { Redis } from 'ioredis';
import {
  assertSweepSize,
  DEFAULT_MAX_SWEEP_TRIALS,
  expandSweep,
  parseSweepSpec,
  sweepIdOf,
  SweepTooLargeError,
  trialParams,
  type TrialProgress,
  type ValidationIssue,
  type LeaderboardRow,
  type SweepSpec,
  type TrialSpec,
} from '@fermx/contracts';
import {
  existingJobIds,
  isCancelledReason,
  readTrialStates,
  SweepBusyError,
  SweepGate,
  TrialOwners,
  withSweepLock,
  type CancelFlags,
  type HeldTrial,
  type LeaderboardIndex,
  type SuccessiveHalving,
  type TrialJobState,
  type TrialQueue,
} from '@fermx/queue';
import { rankedLeaderboard } from '../leaderboard/leaderboard-query.js';
import type { DatasetProbe, ProbedDataset } from './dataset-probe.js';
import { savedModelIssues, type ModelProbe } from './model-probe.js';
import { modelBudgetIssues, type CountModel } from './model-budget.js';
import type { SweepCatalog } from './sweep-catalog.js';
import { SearchDispatcher } from './search-dispatcher.js';
import { isTpeSpec } from './search-space.js';
import { enqueueTrial, type EnqueueOutcome } from './sweep-enqueue.js';
import type { TrialSettings } from './manual-trial.js';
import { countTrials, type DispatchView, type SweepRecord, type SweepTransition, type TrialCounts, type TrialStatus } from './sweep-record.js';
import { SweepSteering } from './sweep-steering.js';

export type SubmitOutcome =
  | {
      ok: true;
      sweepId: string;
      trials: string[];
      enqueued: number;
      existing: number;
      /** A dry run: every check ran, nothing was written or enqueued; `enqueued` counts the trials a submit would enqueue. */
      dryRun?: true;
      /** Dry runs only: each trial the spec expands to (none for a tpe sweep, whose trials are proposed as results arrive). */
      preview?: TrialPreview[];
    }
  | { ok: false; error: string; issues: ValidationIssue[] };

/** One trial of a dry run: what it would train, and whether a submit would enqueue it. */
export interface TrialPreview extends TrialSummary {
  /** Already queued, held or finished (by this sweep or another): a submit leaves it as it is. */
  existing: boolean;
}

export interface SubmitOptions {
  /** Check and expand the spec, write and enqueue nothing (`fermx sweep submit --dry-run`). */
  dryRun?: boolean;
}

/** What a trial trains, as sweep views and dry runs show it. */
export interface TrialSummary {
  trialId: string;
  variant?: string;
  model: string;
  params: Record<string, unknown>;
}

function trialSummary(trial: TrialSpec): TrialSummary {
  return { trialId: trial.trialId, ...(trial.variant ? { variant: trial.variant } : {}), model: trial.model.architecture, params: trialParams(trial) };
}

export interface TrialView extends TrialSummary {
  status: TrialStatus;
  attempts: number;
  /** Waiting for dispatch: the sweep is paused or at its concurrency cap. */
  held?: true;
  /** Place on the sweep's leaderboard: by its metric, infeasible trials after the feasible ones (finished trials only). */
  rank?: number;
  progress?: TrialProgress;
  failedReason?: string;
  /** The leaderboard row's figures: those of the model it ranks (`ranked`, at `epoch`), and the other epoch's val accuracy. */
  result?: Pick<
    LeaderboardRow,
    'ranked' | 'epoch' | 'valAccuracy' | 'otherValAccuracy' | 'testAccuracy' | 'macroF1' | 'epochs' | 'trainingSeconds' | 'imagesPerSecond' | 'backend' | 'host'
  >;
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
  /** Pause, cap, priority and held trials (absent from servers older than steering). */
  dispatch?: DispatchView;
}

/** What a steering command did: the transition appended to the history, and the dispatch state after it. */
export interface SteerOutcome {
  sweepId: string;
  transition: SweepTransition;
  dispatch: DispatchView;
}

export interface SweepServiceDeps {
  redis: Redis;
  queue: TrialQueue;
  catalog: SweepCatalog;
  index: LeaderboardIndex;
  cancelFlags: CancelFlags;
  halving: SuccessiveHalving;
  probe: DatasetProbe;
  /** Checks each model a sweep's `initFrom` names, at submit and enqueue (model-probe.ts). */
  probeModel: ModelProbe;
  keys: { prefix: string; queueName?: string };
  /** Counts a model for constraints.parameters / flops at submit (default: built by @fermx/models, model-budget.ts). */
  countModel?: CountModel;
  /** Largest sweep a submit or extend accepts (FERMX_MAX_TRIALS; default 10,000). */
  maxTrials?: number;
  now?: () => Date;
}

/** Submit, inspect, steer and cancel sweeps against Redis (queue, indexes) and storage (records). */
export class SweepService {
  private readonly gate: SweepGate;
  private readonly owners: TrialOwners;
  private readonly steering: SweepSteering;

  constructor(private readonly deps: SweepServiceDeps) {
    this.gate = new SweepGate({ redis: deps.redis, queue: deps.queue, index: deps.index, keys: deps.keys });
    this.owners = new TrialOwners(deps.redis, deps.keys);
    this.steering = new SweepSteering({
      ...deps,
      gate: this.gate,
      maxTrials: this.maxTrials,
      statuses: (sweepId, trialIds) => this.statuses(sweepId, trialIds),
      dispatchView: (sweepId) => this.dispatchView(sweepId),
      append: (record, transition) => this.append(record, transition),
    });
  }

  private get maxTrials(): number {
    return this.deps.maxTrials ?? DEFAULT_MAX_SWEEP_TRIALS;
  }

  private now(): string {
    return (this.deps.now?.() ?? new Date()).toISOString();
  }

  /**
   * Validates, expands and enqueues one job per trial (jobId = trialId). Nothing is written or
   * enqueued when the spec, its dataset or a model its `initFrom` names is bad, or when it expands to more than maxTrials
   * (counted before anything is enumerated); a resubmit enqueues only trials that have neither a
   * job nor a result, and keeps the sweep's extensions, history and dispatch settings.
   */
  async submit(input: unknown, options: SubmitOptions = {}): Promise<SubmitOutcome> {
    const parsed = parseSweepSpec(input);
    if (!parsed.ok) return { ok: false, error: 'invalid sweep spec', issues: parsed.issues };
    const spec = parsed.spec;
    try {
      assertSweepSize(spec, this.maxTrials);
    } catch (error) {
      if (error instanceof SweepTooLargeError) return tooLarge(spec, error);
      throw error;
    }
    let dataset;
    try {
      dataset = await this.deps.probe(spec.dataset);
    } catch (error) {
      return { ok: false, error: 'invalid sweep spec', issues: [{ path: 'dataset', message: (error as Error).message }] };
    }
    // A pretrained start that no worker could load would fail every trial as bad input.
    const initFrom = await savedModelIssues(spec, this.deps.probeModel);
    if (initFrom.length) return { ok: false, error: 'invalid sweep spec', issues: initFrom };
    // constraints.parameters / flops: every model the sweep would train, counted before anything is written.
    const budget = await modelBudgetIssues(spec, { dataset: dataset.ref, numClasses: dataset.numClasses, createdAt: this.now() }, this.deps.countModel);
    if (budget.length) return { ok: false, error: 'invalid sweep spec', issues: budget };
    const sweepId = sweepIdOf(spec, dataset.ref.version);
    // Model-based sweeps are not expanded: their trials are proposed as results arrive.
    if (isTpeSpec(spec))
      return options.dryRun
        ? { ok: true, sweepId, trials: [], enqueued: 0, existing: 0, dryRun: true, preview: [] }
        : this.search.submit(spec, input, sweepId, dataset);
    if (options.dryRun) {
      const plan = await this.planTrials(spec, sweepId, dataset, await this.deps.catalog.get(sweepId));
      if (!plan.ok) return plan;
      const { ids, fresh, trials } = plan;
      const enqueued = new Set(fresh.map((f) => f.spec.trialId));
      const preview = trials.map((t): TrialPreview => ({ ...trialSummary(t), existing: !enqueued.has(t.trialId) }));
      return { ok: true, sweepId, trials: ids, enqueued: fresh.length, existing: ids.length - fresh.length, dryRun: true, preview };
    }
    return withSweepLock(this.deps.redis, this.deps.keys, sweepId, async () => {
      const existingRecord = await this.deps.catalog.get(sweepId);
      const plan = await this.planTrials(spec, sweepId, dataset, existingRecord);
      if (!plan.ok) return plan;
      const { trials, ids, rows, fresh, createdAt, extensions } = plan;
      const transition: SweepTransition = {
        at: this.now(),
        action: existingRecord ? 'resubmitted' : 'submitted',
        enqueued: fresh.length,
        existing: ids.length - fresh.length,
      };
      const record: SweepRecord = {
        sweepId,
        name: spec.name,
        dataset: dataset.ref,
        spec: input,
        strategy: spec.strategy.type,
        priority: existingRecord?.priority ?? spec.priority,
        createdAt,
        trials,
        datasetClasses: dataset.numClasses,
        ...(spec.description ? { description: spec.description } : {}),
        ...(extensions.length ? { extensions } : {}),
        history: [...(existingRecord?.history ?? []), transition],
      };
      // Saving also records this sweep as an owner of each trial (before any job is queued).
      await Promise.all([
        this.deps.catalog.save(record),
        spec.halving ? this.deps.halving.configure(sweepId, spec.halving) : undefined,
        this.deps.cancelFlags.clear(sweepId),
        this.gate.initialise(sweepId, { priority: spec.priority, retry: spec.retry }),
      ]);
      // Trials another sweep already finished are listed on this sweep's leaderboard too.
      if (rows.some(Boolean))
        await this.deps.index.addToSweep(
          sweepId,
          ids.filter((_, i) => rows[i]),
        );
      await this.gate.enqueue(sweepId, fresh);
      return { ok: true, sweepId, trials: ids, enqueued: fresh.length, existing: ids.length - fresh.length };
    });
  }

  /** The trials a grid or random spec expands to, and those a submit would enqueue (no job, result or hold yet). Reads only. */
  private async planTrials(spec: SweepSpec, sweepId: string, dataset: ProbedDataset, existingRecord: SweepRecord | undefined) {
    const createdAt = existingRecord?.createdAt ?? this.now();
    const extensions = existingRecord?.extensions ?? [];
    const { trials } = expandSweep(spec, { dataset: dataset.ref, numClasses: dataset.numClasses, createdAt }, { extensions });
    if (trials.length === 0)
      return { ok: false as const, error: 'invalid sweep spec', issues: [{ path: 'parameters', message: 'the sweep expands to no trials' }] };
    const ids = trials.map((t) => t.trialId);
    const [jobs, rows, held] = await Promise.all([
      existingJobIds(this.deps.redis, ids, this.deps.keys),
      this.deps.index.getMany(ids),
      this.gate.heldIds(sweepId).then((h) => new Set(h)),
    ]);
    const fresh: HeldTrial[] = [];
    trials.forEach((t, i) => {
      if (!jobs.has(t.trialId) && !rows[i] && !held.has(t.trialId)) fresh.push({ spec: t, order: i });
    });
    return { ok: true as const, trials, ids, rows, fresh, createdAt, extensions };
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
    const [views, dispatch, ranked] = await Promise.all([
      this.trialViews(sweepId, record.trials),
      this.dispatchView(sweepId),
      rankedLeaderboard(this.deps, { sweepId }),
    ]);
    const rank = new Map(ranked.map((r) => [r.trialId, r.rank]));
    for (const view of views) if (rank.has(view.trialId)) view.rank = rank.get(view.trialId)!;
    const { trials: _t, ...sweep } = record;
    return { sweep, counts: countTrials(views.map((v) => v.status)), trials: views, dispatch };
  }

  /** Stops dispatching: running trials finish, queued ones go back to the held set. */
  pause(sweepId: string): Promise<SteerOutcome> {
    return this.steering.pause(sweepId);
  }

  /** Dispatches again (up to the cap). */
  resume(sweepId: string): Promise<SteerOutcome> {
    return this.steering.resume(sweepId);
  }

  /** K more trials from the same seeded stream (random: per grid point; tpe: K more proposals); same sweep id. */
  async extend(sweepId: string, n: number): Promise<SteerOutcome> {
    const outcome = await this.steering.extend(sweepId, n);
    const record = await this.deps.catalog.get(sweepId);
    if (record?.strategy !== 'tpe') return outcome;
    // A tpe sweep proposes the K more trials now (and as results arrive), outside the sweep lock.
    await this.search.log.activate(sweepId);
    await this.search.advance(sweepId);
    const after = (await this.deps.catalog.get(sweepId))?.trials.length ?? record.trials.length;
    const transition =
      outcome.transition.action === 'extended' ? { ...outcome.transition, added: after - record.trials.length, total: after } : outcome.transition;
    return { ...outcome, transition, dispatch: await this.dispatchView(sweepId) };
  }

  /** Failed trials run again with fresh attempts, resuming from their last checkpoint. */
  retry(sweepId: string, target: { failed: true } | { trialId: string }): Promise<SteerOutcome> {
    return this.steering.retry(sweepId, target);
  }

  /** Concurrency cap (null removes it) and priority of the sweep's jobs. */
  set(sweepId: string, change: { maxConcurrent?: number | null; priority?: number }): Promise<SteerOutcome> {
    return this.steering.set(sweepId, change);
  }

  /**
   * One dispatch pass (the `fermx serve` loop): queues what every sweep with held trials may run
   * now, and takes back into a paused sweep's held set any of its trials that came back to the
   * queue (a stopping worker handed it back, a dead worker's trial was moved back, a retry). A
   * sweep whose lock is held elsewhere is skipped until the next pass.
   */
  async dispatchPending(): Promise<{ queued: number; heldBack: number }> {
    const underLock = async (sweepId: string, step: () => Promise<number>): Promise<number> => {
      try {
        return await withSweepLock(this.deps.redis, this.deps.keys, sweepId, step, { waitMs: 0 });
      } catch (error) {
        if (!(error instanceof SweepBusyError)) throw error;
        return 0;
      }
    };
    let queued = 0;
    for (const sweepId of await this.gate.pendingSweeps()) queued += await underLock(sweepId, () => this.gate.dispatch(sweepId));
    let heldBack = 0;
    for (const sweepId of await this.gate.pausedSweeps()) heldBack += await underLock(sweepId, () => this.gate.pullBack(sweepId));
    return { queued, heldBack };
  }

  async dispatchView(sweepId: string): Promise<DispatchView> {
    const [settings, held] = await Promise.all([this.gate.settings(sweepId), this.gate.heldIds(sweepId)]);
    return {
      paused: settings.paused,
      ...(settings.maxConcurrent !== undefined ? { maxConcurrent: settings.maxConcurrent } : {}),
      priority: settings.priority,
      held: held.length,
    };
  }

  /** Appends a transition to the sweep's history in its record (storage). Callers hold the sweep lock. */
  private async append(record: SweepRecord, transition: SweepTransition): Promise<void> {
    record.history = [...(record.history ?? []), transition];
    await this.deps.catalog.save(record);
  }

  async list(): Promise<SweepListEntry[]> {
    const summaries = await this.deps.catalog.list();
    const out: SweepListEntry[] = [];
    for (const s of summaries) {
      const statuses = await this.statuses(s.sweepId, s.trialIds);
      // Best by the sweep's own objective, among trials that meet its constraints.
      const best = (await rankedLeaderboard(this.deps, { sweepId: s.sweepId })).find((r) => !r.infeasible);
      out.push({
        sweepId: s.sweepId,
        name: s.name,
        dataset: s.dataset.uri,
        createdAt: s.createdAt,
        trials: countTrials(statuses.map((x) => x.status)),
        ...(best ? { best: { trialId: best.trialId, valAccuracy: best.valAccuracy } } : {}),
      });
    }
    return out;
  }

  /**
   * Flags the sweep (running trials stop at their next epoch), forgets its held trials and removes
   * its queued jobs. A trial another live sweep owns too (same configuration) is not cancelled:
   * a running one keeps running (the worker asks CancelFlags with the trial id), a queued job stays
   * when an owner dispatches freely, else it moves to the held set of each gated owner. Returns
   * how many trials were cancelled; undefined for an unknown sweep.
   */
  async cancel(sweepId: string): Promise<{ cancelled: number } | undefined> {
    const summary = await this.deps.catalog.summary(sweepId);
    if (!summary) return undefined;
    const handOver = new Map<string, string[]>(); // other owner -> trial ids it takes over
    const cancelled = await withSweepLock(this.deps.redis, this.deps.keys, sweepId, async () => {
      await this.deps.cancelFlags.cancel(sweepId);
      await this.gate.dropHeld(sweepId);
      const states = await readTrialStates(this.deps.redis, summary.trialIds, this.deps.keys);
      const open = summary.trialIds.filter((id) => states.get(id)?.state === 'waiting' || states.get(id)?.state === 'active');
      const owners = await this.owners.ofMany(open);
      const others = [...new Set([...owners.values()].flat().filter((o) => o !== sweepId))];
      const cancelledOthers = await this.deps.cancelFlags.cancelledAmong(others);
      const settings = new Map(await Promise.all(others.filter((o) => !cancelledOthers.has(o)).map(async (o) => [o, await this.gate.settings(o)] as const)));
      let count = 0;
      for (const trialId of open) {
        const live = (owners.get(trialId) ?? []).filter((o) => settings.has(o));
        if (states.get(trialId)!.state === 'active') {
          if (live.length === 0) count++;
          continue;
        }
        // Another owner dispatches freely: the queued job is its job now.
        if (live.some((o) => !settings.get(o)!.paused && settings.get(o)!.maxConcurrent === undefined)) continue;
        let removed = 0;
        try {
          removed = await this.deps.queue.remove(trialId);
        } catch {
          removed = 0;
        }
        if (removed !== 1) {
          // Taken by a worker meanwhile: it sees the flag after its next epoch (unless shared).
          if (live.length === 0) count++;
          continue;
        }
        if (live.length === 0) count++;
        for (const o of live) handOver.set(o, [...(handOver.get(o) ?? []), trialId]);
      }
      const record = await this.deps.catalog.get(sweepId);
      if (record) await this.append(record, { at: this.now(), action: 'cancelled', cancelled: count });
      return count;
    });
    for (const [owner, trialIds] of handOver) await this.steering.adopt(owner, trialIds);
    return { cancelled };
  }

  private async statuses(
    sweepId: string,
    trialIds: string[],
  ): Promise<{ trialId: string; status: TrialStatus; state: TrialJobState | undefined; row: LeaderboardRow | undefined; held: boolean }[]> {
    const [states, rows, cancelled, held] = await Promise.all([
      readTrialStates(this.deps.redis, trialIds, this.deps.keys),
      this.deps.index.getMany(trialIds),
      this.deps.cancelFlags.isCancelled(sweepId),
      this.gate.heldIds(sweepId).then((ids) => new Set(ids)),
    ]);
    return trialIds.map((trialId, i) => {
      const state = states.get(trialId);
      const row = rows[i];
      // A held trial has no job yet: it waits for dispatch.
      const isHeld = held.has(trialId) && !row && (state === undefined || state.state === 'missing');
      return { trialId, state, row, held: isHeld, status: isHeld && !cancelled ? 'waiting' : trialStatus(state, row, cancelled) };
    });
  }

  private async trialViews(sweepId: string, trials: TrialSpec[]): Promise<TrialView[]> {
    const statuses = await this.statuses(
      sweepId,
      trials.map((t) => t.trialId),
    );
    // A trial that pause took off the queue lost its job's progress; it resumes from its checkpoint.
    const lastProgress = await this.gate.lastProgress(
      sweepId,
      statuses.filter((s) => !s.row && !s.state?.progress).map((s) => s.trialId),
    );
    return trials.map((trial, i) => {
      const { trialId, status, state, row, held } = statuses[i]!;
      const view: TrialView = { ...trialSummary(trial), status, attempts: state?.attemptsMade ?? 0 };
      if (held) view.held = true;
      const progress = state?.progress ?? lastProgress.get(trialId);
      if (progress) view.progress = progress;
      if (state?.failedReason && status !== 'completed' && status !== 'stopped-early') view.failedReason = state.failedReason;
      if (row) {
        view.result = {
          ranked: row.ranked,
          epoch: row.epoch,
          valAccuracy: row.valAccuracy,
          otherValAccuracy: row.otherValAccuracy,
          testAccuracy: row.testAccuracy,
          macroF1: row.macroF1,
          epochs: row.epochs,
          trainingSeconds: row.trainingSeconds,
          imagesPerSecond: row.imagesPerSecond,
          backend: row.backend,
          host: row.host,
        };
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

/** The submit answer for a spec over the maximum: the count, at the field that sets it. */
function tooLarge(spec: SweepSpec, error: SweepTooLargeError): SubmitOutcome {
  const path = spec.strategy.type === 'grid' ? 'parameters' : 'strategy.n';
  return { ok: false, error: 'invalid sweep spec', issues: [{ path, message: `${error.message} (FERMX_MAX_TRIALS)` }] };
}
