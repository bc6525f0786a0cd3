import type { Redis } from 'ioredis';
import { parseSweepSpec, resultObjective, runKeys, type ExpandContext, type TrialResult, type TrialSpec, type ValidationIssue } from '@fermx/contracts';
import type { Storage } from '@fermx/data';
import {
  existingJobIds,
  isCancelledReason,
  readTrialStates,
  SweepGate,
  withSweepLock,
  type CancelFlags,
  type LeaderboardIndex,
  type SuccessiveHalving,
  type TrialQueue,
} from '@fermx/queue';
import { replaySearch, SearchStudy, type Point, type SearchEvent } from '@fermx/search';
import type { ProbedDataset } from './dataset-probe.js';
import type { SweepCatalog } from './sweep-catalog.js';
import type { SweepRecord } from './sweep-record.js';
import { SearchLog } from './search-log.js';
import { isTpeSpec, locateTrial, searchCells, searchConfig, trialOfCell, type SearchCell, type TpeSpec } from './search-space.js';

export interface SearchDispatcherDeps {
  redis: Redis;
  queue: TrialQueue;
  catalog: SweepCatalog;
  storage: Storage;
  index: LeaderboardIndex;
  cancelFlags: CancelFlags;
  halving: SuccessiveHalving;
  keys: { prefix: string; queueName?: string };
  now?: () => Date;
}

export type SearchSubmitOutcome =
  { ok: true; sweepId: string; trials: string[]; enqueued: number; existing: number } | { ok: false; error: string; issues: ValidationIssue[] };

/** Events between two rewrites of the log's copy in storage. */
const MIRROR_EVERY = 100;

/** A tpe sweep as loaded for a pass: its record, spec, cells and the study rebuilt from its log. */
interface LoadedSearch {
  record: SweepRecord;
  spec: TpeSpec;
  cells: SearchCell[];
  study: SearchStudy;
  ctx: ExpandContext;
}

/**
 * Model-based sweeps (strategy tpe) on the orchestrator. Nothing is expanded up front: a pass
 * (`advance`) reads what happened to the sweep's trials since the last pass (ASHA rung values,
 * final results, failures), appends it to the search's event log in Redis, then proposes trials
 * into the free concurrency slots, appends those proposals, lists them in sweep.json and enqueues
 * them. The log is the whole state, so any replica (or a restarted one) continues the same
 * proposal stream; a Redis lock keeps two replicas from proposing at once. Passes run at submit,
 * after `sweep enqueue`, and from `fermx serve`'s search loop when trials finish.
 */
export class SearchDispatcher {
  readonly log: SearchLog;
  private readonly gate: SweepGate;

  constructor(private readonly deps: SearchDispatcherDeps) {
    this.log = new SearchLog(deps.redis, deps.keys.prefix);
    this.gate = new SweepGate({ redis: deps.redis, queue: deps.queue, index: deps.index, keys: deps.keys });
  }

  /** Records a tpe sweep (after the spec and dataset were checked) and makes its first proposals. */
  async submit(spec: TpeSpec, input: unknown, sweepId: string, dataset: ProbedDataset): Promise<SearchSubmitOutcome> {
    const warm = await this.warmStartTrials(spec, dataset);
    if (!warm.ok) return warm;
    const existing = await this.deps.catalog.get(sweepId);
    const record: SweepRecord = {
      ...existing,
      sweepId,
      name: spec.name,
      dataset: dataset.ref,
      spec: input,
      strategy: spec.strategy.type,
      priority: spec.priority,
      createdAt: existing?.createdAt ?? (this.deps.now?.() ?? new Date()).toISOString(),
      trials: existing?.trials ?? [],
      ...(spec.description ? { description: spec.description } : {}),
    };
    await this.deps.catalog.save(record);
    if (spec.halving) await this.deps.halving.configure(sweepId, spec.halving, spec.metric.goal);
    await this.deps.cancelFlags.clear(sweepId);
    await this.gate.initialise(sweepId, { priority: spec.priority, retry: spec.retry });
    const fresh = (await this.log.read(sweepId)).length === 0;
    if (fresh) {
      await this.log.setMeta(sweepId, { numClasses: dataset.numClasses });
      const cells = searchCells(spec);
      const events: SearchEvent[] = warm.results.flatMap(({ trial, value }) => {
        const at = locateTrial(cells, trial);
        return at ? [{ type: 'warm' as const, trialId: trial.trialId, cell: at.cell, params: at.point, value }] : [];
      });
      await this.log.append(sweepId, events);
    }
    await this.log.activate(sweepId);
    const before = new Set(record.trials.map((t) => t.trialId));
    await this.advance(sweepId);
    const after = (await this.deps.catalog.get(sweepId))?.trials ?? record.trials;
    const ids = after.map((t) => t.trialId);
    const enqueued = ids.filter((id) => !before.has(id)).length;
    return { ok: true, sweepId, trials: ids, enqueued, existing: ids.length - enqueued };
  }

  /** Runs a pass over every search still proposing (the serve loop); returns the trials proposed. */
  async advanceAll(): Promise<number> {
    let proposed = 0;
    const failures: string[] = [];
    // One broken search (its Redis state lost) must not stall the others.
    for (const sweepId of await this.log.active()) {
      try {
        proposed += await this.advance(sweepId);
      } catch (error) {
        failures.push(`${sweepId}: ${(error as Error).message}`);
      }
    }
    if (failures.length) throw new Error(`search pass failed for ${failures.join('; ')} (${proposed} trials proposed for the others)`);
    return proposed;
  }

  /** One pass for one sweep (see the class comment); returns how many trials it proposed. */
  async advance(sweepId: string): Promise<number> {
    return (await this.log.exclusive(sweepId, () => this.pass(sweepId))) ?? 0;
  }

  /**
   * Adds one specific trial (`fermx sweep enqueue`) to a tpe sweep's log as a manual ask, so its
   * results feed the model; returns whether its job was new.
   */
  async addManual(sweepId: string, trial: TrialSpec): Promise<{ enqueued: boolean } | undefined> {
    return this.log.exclusive(sweepId, async () => {
      const loaded = await this.load(sweepId);
      if (!loaded) throw new Error(`sweep ${sweepId} is not a tpe sweep`);
      if (loaded.study.has(trial.trialId)) return { enqueued: false };
      const at = locateTrial(loaded.cells, trial);
      const event: SearchEvent = { type: 'ask', trialId: trial.trialId, cell: at?.cell ?? -1, params: at?.point ?? {}, by: 'manual' };
      await this.log.append(sweepId, [event]);
      await this.log.activate(sweepId);
      const enqueued = await this.publish(loaded, [{ ...trial, sweepId }]);
      return { enqueued: enqueued > 0 };
    });
  }

  /** Re-derives every proposal of the sweep's log: the ones that differ (none for an intact log). */
  async replay(sweepId: string): Promise<{ events: number; mismatches: ReturnType<typeof replaySearch> } | undefined> {
    const loaded = await this.load(sweepId);
    if (!loaded) return undefined;
    const config = searchConfig(loaded.spec, loaded.cells, loaded.record.extensions);
    const mismatches = replaySearch(config, loaded.study.events, this.idOf(loaded));
    return { events: loaded.study.events.length, mismatches };
  }

  private async load(sweepId: string): Promise<LoadedSearch | undefined> {
    const record = await this.deps.catalog.get(sweepId);
    if (!record) return undefined;
    const parsed = parseSweepSpec(record.spec);
    if (!parsed.ok || !isTpeSpec(parsed.spec)) return undefined;
    const spec = parsed.spec;
    const [events, meta] = await Promise.all([this.log.read(sweepId), this.log.meta(sweepId)]);
    if (!meta) throw new Error(`search state of sweep ${sweepId} is missing from Redis (resubmit the sweep to restart its search)`);
    const cells = searchCells(spec);
    const study = new SearchStudy(searchConfig(spec, cells, record.extensions), events);
    return { record, spec, cells, study, ctx: { dataset: record.dataset, numClasses: meta.numClasses, createdAt: record.createdAt } };
  }

  private idOf(loaded: LoadedSearch): (cell: number, point: Point) => string {
    return (cell, point) => trialOfCell(loaded.spec, loaded.record.sweepId, loaded.cells[cell]!, point, loaded.ctx).trialId;
  }

  private async pass(sweepId: string): Promise<number> {
    const loaded = await this.load(sweepId);
    if (!loaded) {
      await this.log.deactivate(sweepId);
      return 0;
    }
    const { study } = loaded;
    const facts = await this.observe(loaded);
    for (const event of facts) study.apply(event);
    const proposals: SearchEvent[] = [];
    const trials: TrialSpec[] = [];
    const cancelled = await this.deps.cancelFlags.isCancelled(sweepId);
    // A paused sweep gets no proposal; a capped one (`sweep set --max-concurrent`) no more than
    // its cap counts running, held trials included (they are proposals without a result).
    const dispatch = await this.gate.settings(sweepId);
    const capSlots = dispatch.paused ? 0 : dispatch.maxConcurrent === undefined ? Infinity : dispatch.maxConcurrent - study.running().length;
    while (!cancelled && study.freeSlots() > 0 && trials.length < capSlots) {
      const event = study.propose(this.idOf(loaded));
      if (!event) break;
      study.apply(event);
      proposals.push(event);
      if (event.type === 'ask') trials.push(trialOfCell(loaded.spec, sweepId, loaded.cells[event.cell]!, event.params, loaded.ctx));
    }
    // The log first: a crash after it re-enqueues the logged trials on the next pass (jobId = trialId).
    const added = [...facts, ...proposals];
    await this.log.append(sweepId, added);
    await this.publish(loaded, trials);
    const finished = cancelled || study.done();
    // The storage copy is rewritten every MIRROR_EVERY events and at the end, not on every pass (it is O(log)).
    const total = study.events.length;
    if (added.length && (finished || Math.floor(total / MIRROR_EVERY) !== Math.floor((total - added.length) / MIRROR_EVERY)))
      await this.mirror(sweepId, study.events);
    if (finished) await this.log.deactivate(sweepId);
    return trials.length;
  }

  /**
   * What happened to the running trials since the last pass, as events in log order: rung values
   * (ASHA), the final objective of completed trials, and ends (completed, stopped early, failed,
   * cancelled). A running trial with neither job nor result (lost between log and queue) is
   * enqueued again.
   */
  private async observe(loaded: LoadedSearch): Promise<SearchEvent[]> {
    const { study, record, spec } = loaded;
    const running = study.trialStates().filter((t) => !t.ended);
    if (running.length === 0) return [];
    const ids = running.map((t) => t.trialId);
    const [states, rows, rungs] = await Promise.all([
      readTrialStates(this.deps.redis, ids, this.deps.keys),
      this.deps.index.getMany(ids),
      spec.halving ? this.deps.halving.rungs(record.sweepId) : Promise.resolve([]),
    ]);
    const rungValues = new Map<string, Map<number, number>>();
    for (const rung of rungs)
      for (const t of rung.trials) rungValues.set(t.trialId, (rungValues.get(t.trialId) ?? new Map<number, number>()).set(rung.epoch, t.metric));
    const events: SearchEvent[] = [];
    const lost: string[] = [];
    for (const [i, trial] of running.entries()) {
      for (const [epoch, value] of rungValues.get(trial.trialId) ?? []) {
        if (!trial.told.includes(epoch)) events.push({ type: 'tell', trialId: trial.trialId, budget: epoch, value });
      }
      const row = rows[i];
      const state = states.get(trial.trialId);
      if (row) {
        if (row.status === 'completed') {
          const value = await this.finalObjective(spec, row.sweepId, trial.trialId);
          if (value !== undefined) events.push({ type: 'tell', trialId: trial.trialId, budget: 'final', value });
        }
        events.push({ type: 'end', trialId: trial.trialId, status: row.status });
      } else if (state?.state === 'failed') {
        events.push({ type: 'end', trialId: trial.trialId, status: isCancelledReason(state.failedReason) ? 'cancelled' : 'failed' });
      } else if (!state || state.state === 'missing') {
        lost.push(trial.trialId);
      }
    }
    if (lost.length) {
      const byId = new Map(record.trials.map((t) => [t.trialId, t]));
      const specs = running
        .filter((t) => lost.includes(t.trialId))
        .flatMap((t) => {
          const listed = byId.get(t.trialId);
          if (listed) return [listed];
          const rebuilt = t.cell >= 0 ? trialOfCell(spec, record.sweepId, loaded.cells[t.cell]!, t.params, loaded.ctx) : undefined;
          return rebuilt?.trialId === t.trialId ? [rebuilt] : [];
        });
      await this.publish(loaded, specs);
    }
    return events;
  }

  /** The objective of a finished trial from its result.json (under the sweep that trained it). */
  private async finalObjective(spec: TpeSpec, trainedBy: string, trialId: string): Promise<number | undefined> {
    const bytes = await this.deps.storage.getOptional(runKeys.result(trainedBy, trialId));
    if (!bytes) return undefined;
    return resultObjective(spec.metric, JSON.parse(new TextDecoder().decode(bytes)) as TrialResult);
  }

  /**
   * Lists new trials in sweep.json and sends those with neither a job, a result nor a place in the
   * held set through the sweep's dispatch gate (pause, concurrency cap, priority: sweep-gate.ts),
   * under the sweep's lock like every gate operation.
   */
  private async publish(loaded: LoadedSearch, trials: readonly TrialSpec[]): Promise<number> {
    if (trials.length === 0) return 0;
    const sweepId = loaded.record.sweepId;
    return withSweepLock(this.deps.redis, this.deps.keys, sweepId, async () => {
      const record = (await this.deps.catalog.get(sweepId)) ?? loaded.record;
      const known = new Set(record.trials.map((t) => t.trialId));
      const added = trials.filter((t) => !known.has(t.trialId));
      if (added.length) {
        record.trials = [...record.trials, ...added];
        await this.deps.catalog.save(record);
      }
      loaded.record = record;
      const order = new Map(record.trials.map((t, i) => [t.trialId, i]));
      const ids = trials.map((t) => t.trialId);
      const [jobs, rows, held] = await Promise.all([
        existingJobIds(this.deps.redis, ids, this.deps.keys),
        this.deps.index.getMany(ids),
        this.gate.heldIds(sweepId).then((h) => new Set(h)),
      ]);
      const fresh = trials.filter((t, i) => !jobs.has(t.trialId) && !rows[i] && !held.has(t.trialId));
      await this.gate.enqueue(
        sweepId,
        fresh.map((spec) => ({ spec, order: order.get(spec.trialId)! })),
      );
      return fresh.length;
    });
  }

  /** A copy of the log in storage next to sweep.json (`sweeps/<id>/search-log.json`), for replay after Redis is lost. */
  private async mirror(sweepId: string, events: readonly SearchEvent[]): Promise<void> {
    await this.deps.storage.put(`sweeps/${sweepId}/search-log.json`, JSON.stringify(events), { contentType: 'application/json' });
  }

  /**
   * The finished trials of the warm-start sweeps with their objective under this spec's metric;
   * a missing sweep or one on another dataset version is an issue at `warmStart[i]`.
   */
  private async warmStartTrials(
    spec: TpeSpec,
    dataset: ProbedDataset,
  ): Promise<{ ok: true; results: { trial: TrialSpec; value: number }[] } | { ok: false; error: string; issues: ValidationIssue[] }> {
    const issues: ValidationIssue[] = [];
    const results: { trial: TrialSpec; value: number }[] = [];
    for (const [i, id] of (spec.warmStart ?? []).entries()) {
      const record = await this.deps.catalog.get(id);
      if (!record) {
        issues.push({ path: `warmStart[${i}]`, message: `no sweep ${id} (see 'fermx sweep list')` });
        continue;
      }
      if (record.dataset.version !== dataset.ref.version) {
        issues.push({
          path: `warmStart[${i}]`,
          message: `sweep ${id} ran on dataset version ${record.dataset.version} (${record.dataset.uri}); this sweep's dataset is version ${dataset.ref.version}: warm start needs the same dataset`,
        });
        continue;
      }
      const rows = await this.deps.index.getMany(record.trials.map((t) => t.trialId));
      for (const [j, trial] of record.trials.entries()) {
        const row = rows[j];
        if (row?.status !== 'completed') continue;
        const value = await this.finalObjective(spec, row.sweepId, trial.trialId);
        if (value !== undefined) results.push({ trial, value });
      }
    }
    return issues.length ? { ok: false, error: 'invalid sweep spec', issues } : { ok: true, results };
  }
}
