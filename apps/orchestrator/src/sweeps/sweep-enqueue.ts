import type { Redis } from 'ioredis';
import { parseSweepSpec, trialOfPoint, type SweepSpec, type ValidationIssue } from '@fermx/contracts';
import { existingJobIds, SweepGate, withSweepLock, type LeaderboardIndex, type TrialQueue } from '@fermx/queue';
import type { DatasetProbe } from './dataset-probe.js';
import { savedModelIssue, type ModelProbe } from './model-probe.js';
import { manualTrial, type TrialSettings } from './manual-trial.js';
import type { SearchDispatcher } from './search-dispatcher.js';
import type { SweepCatalog } from './sweep-catalog.js';

export type EnqueueOutcome = { ok: true; sweepId: string; trialId: string; enqueued: boolean } | { ok: false; error: string; issues: ValidationIssue[] };

export interface EnqueueDeps {
  redis: Redis;
  queue: TrialQueue;
  catalog: SweepCatalog;
  index: LeaderboardIndex;
  probe: DatasetProbe;
  probeModel: ModelProbe;
  search: Pick<SearchDispatcher, 'addManual'>;
  keys: { prefix: string; queueName?: string };
  now?: () => Date;
}

/**
 * `fermx sweep enqueue ID --set k=v …`: adds one specific trial to a sweep (undefined for an
 * unknown sweep). The values are checked against the sweep's parameter schema; the trial is listed
 * in sweep.json and enqueued unless it already has a job or a result. In a tpe sweep it joins the
 * search's log, so its results feed the model like a proposal's.
 */
export async function enqueueTrial(deps: EnqueueDeps, sweepId: string, settings: TrialSettings): Promise<EnqueueOutcome | undefined> {
  const record = await deps.catalog.get(sweepId);
  if (!record) return undefined;
  const parsed = parseSweepSpec(record.spec);
  if (!parsed.ok) return { ok: false, error: "the sweep's stored spec no longer validates", issues: parsed.issues };
  const spec: SweepSpec = parsed.spec;
  const checked = manualTrial(spec, settings);
  if (!checked.ok) return { ok: false, error: 'invalid trial', issues: checked.issues };
  const named = [
    ...(typeof checked.point.initFrom === 'string' ? [[checked.point.initFrom, 'initFrom'] as const] : []),
    ...(Array.isArray(checked.point.teachers) ? (checked.point.teachers as string[]).map((t) => [t, 'teachers'] as const) : []),
  ];
  for (const [reference, field] of named) {
    const issue = await savedModelIssue(reference, deps.probeModel, `set.${field}`, field);
    if (issue) return { ok: false, error: 'invalid trial', issues: [issue] };
  }
  let numClasses: number;
  try {
    const dataset = await deps.probe(record.dataset.uri);
    if (dataset.ref.version !== record.dataset.version) {
      return {
        ok: false,
        error: 'invalid trial',
        issues: [
          {
            path: 'dataset',
            message: `the dataset changed since the sweep was submitted (version ${record.dataset.version}, now ${dataset.ref.version}); submit a new sweep`,
          },
        ],
      };
    }
    numClasses = dataset.numClasses;
  } catch (error) {
    return { ok: false, error: 'invalid trial', issues: [{ path: 'dataset', message: (error as Error).message }] };
  }
  const trial = trialOfPoint(spec, sweepId, checked.variant, checked.point, {
    dataset: record.dataset,
    numClasses,
    createdAt: (deps.now?.() ?? new Date()).toISOString(),
  });
  if (spec.strategy.type === 'tpe') {
    // The search's lock may be held by a pass; it is short.
    for (let i = 0; i < 200; i++) {
      const added = await deps.search.addManual(sweepId, trial);
      if (added) return { ok: true, sweepId, trialId: trial.trialId, enqueued: added.enqueued };
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`sweep ${sweepId}'s search stayed busy; try again`);
  }
  // Through the sweep's dispatch gate, under its lock: pause, the concurrency cap and the priority apply.
  const gate = new SweepGate({ redis: deps.redis, queue: deps.queue, index: deps.index, keys: deps.keys });
  const enqueued = await withSweepLock(deps.redis, deps.keys, sweepId, async () => {
    const current = (await deps.catalog.get(sweepId)) ?? record;
    let order = current.trials.findIndex((t) => t.trialId === trial.trialId);
    if (order < 0) {
      current.trials = [...current.trials, trial];
      order = current.trials.length - 1;
      await deps.catalog.save(current);
    }
    const [jobs, rows, held] = await Promise.all([
      existingJobIds(deps.redis, [trial.trialId], deps.keys),
      deps.index.getMany([trial.trialId]),
      gate.heldIds(sweepId),
    ]);
    const fresh = !jobs.has(trial.trialId) && !rows[0] && !held.includes(trial.trialId);
    if (fresh) await gate.enqueue(sweepId, [{ spec: trial, order }]);
    return fresh;
  });
  return { ok: true, sweepId, trialId: trial.trialId, enqueued };
}
