/** The worker wired as `fermx worker` wires it, in-process with the synthetic trainer, on a real redis-server. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TrialSpec } from '@fermx/contracts';
import { exampleTrialSpec } from '@fermx/contracts/testing';
import { CancelFlags, LeaderboardIndex, trialJobOptions, WorkerRegistry } from '@fermx/queue';
import { SyntheticTrainer } from '../testing/synthetic-trainer.js';
import { WorkerFixture } from '../testing/worker-fixture.js';
import { waitFor } from '../testing/worker-process.js';
import type { Trainer } from '../training/trainer.js';
import { TrialFiles } from '../trial/trial-files.js';

const spec = (i: number, over: Partial<TrialSpec> = {}): TrialSpec =>
  exampleTrialSpec({
    sweepId: 'sweep-int',
    model: { architecture: 'cnn', numClasses: 4 },
    training: { epochs: 4, batchSize: 8, learningRate: 0.0001 * 10 ** (i % 3), seed: i, augmentation: false },
    ...over,
  });

describe('TrialWorker (in-process, real Redis)', () => {
  let fx: WorkerFixture;

  beforeEach(async () => {
    fx = await WorkerFixture.start();
  });
  afterEach(async () => {
    await fx?.dispose();
  });

  const start = (epochMs: number, trainer: Trainer = new SyntheticTrainer({ epochMs })) =>
    fx.startWorker('w-int', { trainer, env: { FERMX_HEARTBEAT_MS: '200' } });
  const finished = async (id: string) => (await fx.finished([id], 20_000))[0]!;

  it('fails invalid job data once, naming the bad field, without retries', async () => {
    await start(10);
    const bad = { ...spec(0), model: { architecture: 'resnet', numClasses: 4 } };
    await fx.queue.add('bad', bad as unknown as TrialSpec, trialJobOptions('bad-job', { retry: { attempts: 5, backoffSeconds: 1, jitter: 0 } }));
    const job = await finished('bad-job');
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/^invalid trial job bad-job: model\.architecture: /);
  });

  it('stops a running trial when its sweep is cancelled: no result, no retries', async () => {
    await start(150);
    const s = spec(1, { training: { epochs: 20, batchSize: 8, learningRate: 0.001, seed: 1, augmentation: false } });
    await fx.queue.add(s.trialId, s, trialJobOptions(s.trialId));
    const files = new TrialFiles(fx.storage, s);
    await waitFor(
      async () => ((await files.readLatest())?.epoch ?? 0) >= 1,
      10_000,
      () => 'no epoch',
    );
    await new CancelFlags(fx.connection).cancel(s.sweepId);
    const job = await finished(s.trialId);
    expect(await job.getState()).toBe('failed');
    expect(job.failedReason).toMatch(/^cancelled: sweep sweep-int was cancelled/);
    expect(job.attemptsMade).toBe(1);
    expect(await files.readResult()).toBeUndefined();
    expect((await files.readLatest())!.epoch).toBeLessThan(20);
  });

  it('applies successive halving across trials: losers stop early with a result, all reach the leaderboard', async () => {
    await start(5);
    const halving = { rungs: [1, 2], reductionFactor: 2 };
    // learning rates 1e-3 (best), 1e-4, 1e-5: ranked by the synthetic curve
    const specs = [0, 1, 2].map((i) => spec(i, { training: { epochs: 4, batchSize: 8, learningRate: 10 ** -(3 + i), seed: 0, augmentation: false }, halving }));
    for (const s of specs) await fx.queue.add(s.trialId, s, trialJobOptions(s.trialId));
    const jobs = await Promise.all(specs.map((s) => finished(s.trialId)));
    expect(await Promise.all(jobs.map((j) => j.getState()))).toEqual(['completed', 'completed', 'completed']);
    const results = await Promise.all(specs.map((s) => new TrialFiles(fx.storage, s).readResult()));
    expect(results[0]?.status).toBe('completed');
    expect(results[0]?.epochsRun).toBe(4);
    // the first trial at a rung always continues; later, worse ones are cut at a rung
    expect(results.slice(1).map((r) => r?.status)).toEqual(['stopped-early', 'stopped-early']);
    expect(results.slice(1).every((r) => (r?.epochsRun ?? 0) < 4)).toBe(true);
    expect((await new LeaderboardIndex(fx.connection).query()).map((r) => r.trialId).sort()).toEqual(specs.map((s) => s.trialId).sort());
  });

  it('a trainer whose loss turns NaN fails its trial once, naming the epoch; it is never ranked', async () => {
    const nanAtEpoch2: Trainer = {
      train: (req, hooks, signal) =>
        new SyntheticTrainer({ epochMs: 5 }).train(req, { onEpoch: (m, c) => hooks.onEpoch(m.epoch === 2 ? { ...m, loss: Number.NaN } : m, c) }, signal),
    };
    await start(5, nanAtEpoch2);
    const [diverging, second] = [spec(3), spec(4)];
    // Five attempts allowed: a diverged model must not use them up.
    for (const s of [diverging, second]) await fx.queue.add(s.trialId, s, trialJobOptions(s.trialId, { retry: { attempts: 5, backoffSeconds: 1, jitter: 0 } }));
    const job = await finished(diverging.trialId);
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/epoch 2: loss is NaN/);
    expect(await new TrialFiles(fx.storage, diverging).readResult()).toBeUndefined();
    // the next trial diverges too (same trainer): neither is on the leaderboard
    await finished(second.trialId);
    expect(await new LeaderboardIndex(fx.connection).query()).toEqual([]);
  });

  it('heartbeats in the worker registry with its current trial and leaves it on stop', async () => {
    const worker = await start(200);
    const s = spec(2);
    await fx.queue.add(s.trialId, s, trialJobOptions(s.trialId));
    const registry = new WorkerRegistry(fx.connection);
    await waitFor(
      async () => (await registry.list()).some((w) => w.id === 'w-int' && w.currentTrial === s.trialId),
      10_000,
      () => 'no heartbeat with the current trial',
    );
    const [info] = await registry.list();
    expect(info).toMatchObject({ id: 'w-int', backend: 'auto', gpu: null });
    await worker.stop();
    expect(await registry.list()).toEqual([]);
  });
});
