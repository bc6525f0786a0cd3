import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runKeys } from '@fermx/contracts';
import { exampleTrialResult, exampleTrialSpec } from '@fermx/contracts/testing';
import { openStorage } from '@fermx/data';
import {
  CancelFlags,
  connectProducer,
  LeaderboardIndex,
  readTrialStates,
  RedisUnavailableError,
  SuccessiveHalving,
  trialJobOptions,
  trialQueue,
  WorkerRegistry,
} from './index.js';
import { liveRedis } from './testing/live-redis.js';

const live = liveRedis();
const keys = { prefix: `test-${randomUUID()}` };

describe('LeaderboardIndex', () => {
  it('counts a trial once however often it is upserted, and sorts by val accuracy', async () => {
    const index = new LeaderboardIndex(live.redis, keys);
    const a = exampleTrialResult({ valAccuracy: 0.7, model: { architecture: 'cnn', numClasses: 4 } });
    const b = exampleTrialResult({ valAccuracy: 0.9 });
    await index.upsert(a);
    await index.upsert(b);
    await index.upsert(a);
    await index.upsert({ ...a, metrics: { ...a.metrics, valAccuracy: 0.95 } });
    const rows = await index.query({ sweepId: a.sweepId });
    expect(rows.map((r) => [r.rank, r.trialId, r.valAccuracy])).toEqual([
      [1, a.trialId, 0.95],
      [2, b.trialId, 0.9],
    ]);
    expect(await index.query({ dataset: `${a.dataset.uri}/`, model: 'cnn' })).toHaveLength(1);
    expect(await index.query({ sweepId: 'other' })).toEqual([]);
    await index.clear();
  });

  it('refuses a result with non-finite metrics, naming the field, and indexes nothing of it', async () => {
    const index = new LeaderboardIndex(live.redis, keys);
    const good = exampleTrialResult({ valAccuracy: 0.8 });
    const nan = { ...good, metrics: { ...good.metrics, valAccuracy: Number.NaN } };
    await expect(index.upsert(nan)).rejects.toThrow(
      `result of trial ${good.trialId} not indexed: metrics.valAccuracy: Invalid input: expected number, received NaN`,
    );
    const infinite = { ...good, curves: good.curves.map((c) => ({ ...c, loss: Number.POSITIVE_INFINITY })) };
    await expect(index.upsert(infinite)).rejects.toThrow('curves.0.loss');
    expect(await index.get(good.trialId)).toBeUndefined();
    expect(await index.query({ sweepId: good.sweepId })).toEqual([]);
    await index.clear();
  });

  it('rebuilds from result.json files in storage, skipping unreadable ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fermx-lb-'));
    try {
      const storage = openStorage(pathToFileURL(dir).href);
      const results = [0.6, 0.8, 0.7].map((v, i) =>
        exampleTrialResult({ valAccuracy: v, training: { epochs: 10, batchSize: 64, learningRate: 0.001, seed: i, augmentation: false } }),
      );
      for (const r of results) await storage.put(runKeys.result(r.sweepId, r.trialId), JSON.stringify(r));
      await storage.put('runs/example-0badc0de/t-0000000000000000/result.json', '{"not":"a result"}');
      const index = new LeaderboardIndex(live.redis, keys);
      const stale = exampleTrialResult({ valAccuracy: 0.99, sweepId: 'gone' });
      await index.upsert(stale);
      const report = await index.rebuild(storage);
      expect(report.indexed).toBe(3);
      expect(report.skipped.map((s) => s.key)).toEqual(['runs/example-0badc0de/t-0000000000000000/result.json']);
      const rows = await index.query();
      expect(rows.map((r) => r.valAccuracy)).toEqual([0.8, 0.7, 0.6]);
      expect(await index.get(stale.trialId)).toBeUndefined();
      await index.clear();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SuccessiveHalving', () => {
  it('stops trials outside the top 1/eta at a rung and ignores other epochs', async () => {
    const asha = new SuccessiveHalving(live.redis, keys);
    const halving = { rungs: [2, 4], reductionFactor: 2 };
    await asha.configure('s1', halving);
    expect(await asha.reportRung('s1', 'a', 1, 0.1)).toBe('continue');
    expect(await asha.reportRung('s1', 'a', 2, 0.5)).toBe('continue');
    expect(await asha.reportRung('s1', 'b', 2, 0.4)).toBe('stop');
    expect(await asha.reportRung('s1', 'c', 2, 0.6)).toBe('continue');
    // 4 reached, keep 2: d at 0.45 is third.
    expect(await asha.reportRung('s1', 'd', 2, 0.45, halving)).toBe('stop');
    // Re-reporting (a resumed trial) replaces, not duplicates.
    expect(await asha.reportRung('s1', 'a', 2, 0.5)).toBe('continue');
    const rungs = await asha.rungs('s1');
    expect(rungs[0]!.trials.map((t) => t.trialId)).toEqual(['c', 'a', 'd', 'b']);
    expect(await asha.reportRung('no-halving', 'x', 2, 0.1)).toBe('continue');
  });
});

describe('WorkerRegistry and CancelFlags', () => {
  it('lists live workers and forgets them after their TTL', async () => {
    const registry = new WorkerRegistry(live.redis, keys);
    await registry.heartbeat({ id: 'w2', host: 'h', gpu: null, backend: 'cpu', currentTrial: null }, 1);
    await registry.heartbeat({ id: 'w1', host: 'h', gpu: '0', backend: 'wasm', currentTrial: 't-1' }, 30);
    expect((await registry.list()).map((w) => w.id)).toEqual(['w1', 'w2']);
    await new Promise((r) => setTimeout(r, 1_300));
    expect((await registry.list()).map((w) => w.id)).toEqual(['w1']);
    await registry.remove('w1');
    expect(await registry.list()).toEqual([]);
  });

  it('cancels and clears a sweep', async () => {
    const flags = new CancelFlags(live.redis, keys);
    expect(await flags.isCancelled('s')).toBe(false);
    await flags.cancel('s');
    expect(await flags.isCancelled('s')).toBe(true);
    await flags.clear('s');
    expect(await flags.isCancelled('s')).toBe(false);
  });
});

describe('trial queue', () => {
  it('adds one job per trial id and reads states in bulk', async () => {
    const queue = trialQueue(live.redis, keys);
    try {
      const spec = exampleTrialSpec();
      await queue.add(spec.trialId, spec, trialJobOptions(spec.trialId, { priority: 3 }));
      await queue.add(spec.trialId, spec, trialJobOptions(spec.trialId, { priority: 3 }));
      expect(await queue.getJobCounts('prioritized', 'waiting')).toMatchObject({ prioritized: 1, waiting: 0 });
      const job = await queue.getJob(spec.trialId);
      expect(job?.opts.attempts).toBe(3);
      expect(job?.opts.backoff).toEqual({ type: 'exponential', delay: 30_000, jitter: 0.5 });
      const states = await readTrialStates(live.redis, [spec.trialId, 't-ffffffffffffffff'], keys);
      expect(states.get(spec.trialId)?.state).toBe('waiting');
      expect(states.get('t-ffffffffffffffff')?.state).toBe('missing');
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('producers fail fast when Redis is unreachable', async () => {
    const started = Date.now();
    await expect(connectProducer('redis://127.0.0.1:1', { connectTimeoutMs: 500 })).rejects.toBeInstanceOf(RedisUnavailableError);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
