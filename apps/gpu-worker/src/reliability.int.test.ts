/**
 * Reliability of real `fermx worker` processes against a real redis-server and real storage:
 * a worker killed with SIGKILL, a Redis restart, storage going away, SIGTERM hand-back.
 * Trials use the synthetic trainer, which goes through the real checkpoint/result path.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TrialSpec } from '@fermx/contracts';
import { exampleTrialSpec } from '@fermx/contracts/testing';
import { LeaderboardIndex, trialJobOptions } from '@fermx/queue';
import { CheckpointPointerError, TrialFiles } from './trial/trial-files.js';
import { WorkerFixture } from './testing/worker-fixture.js';
import { waitFor } from './testing/worker-process.js';

interface EpochLogLine {
  trialId: string;
  epoch: number;
  pid: number;
}

function trialSpec(i: number, epochs: number, sweepId = 'sweep-reliability'): TrialSpec {
  return exampleTrialSpec({
    sweepId,
    sweepName: 'reliability',
    model: { architecture: 'cnn', numClasses: 4 },
    training: { epochs, batchSize: 8, learningRate: 0.001 * (i + 1), seed: i, augmentation: false },
  });
}

describe('fermx worker reliability', () => {
  let fx: WorkerFixture;
  let epochLog: string;

  beforeEach(async () => {
    fx = await WorkerFixture.start({ redis: { appendOnly: true } });
    epochLog = join(fx.dir, 'epochs.jsonl');
  });

  afterEach(async () => {
    await fx?.dispose();
  });

  const startWorker = (id: string, env: Record<string, string> = {}) => fx.startProcess(id, { FERMX_SYNTHETIC_LOG: epochLog, ...env });
  const enqueue = async (spec: TrialSpec, attempts = 5) => {
    await fx.queue.add(spec.trialId, spec, trialJobOptions(spec.trialId, { retry: { attempts, backoffSeconds: 1, jitter: 0 } }));
  };
  const trainedEpochs = (): EpochLogLine[] =>
    existsSync(epochLog)
      ? readFileSync(epochLog, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as EpochLogLine)
      : [];

  it('a trial whose worker is killed with SIGKILL finishes on the other worker, resumed from its checkpoint', async () => {
    const spec = trialSpec(0, 8);
    const files = new TrialFiles(fx.storage, spec);
    // Both workers are ready before the trial is queued, so a slow start cannot let the first finish alone.
    const both = [await startWorker('worker-a', { FERMX_SYNTHETIC_EPOCH_MS: '400' }), await startWorker('worker-b', { FERMX_SYNTHETIC_EPOCH_MS: '400' })];
    await enqueue(spec);
    await waitFor(
      async () => ((await files.readLatest())?.epoch ?? 0) >= 3,
      30_000,
      () => 'no worker checkpointed epoch 3',
    );
    const a = both.find((w) => w.hasLog('starting trial'))!;
    const b = both.find((w) => w !== a)!;
    a.child.kill('SIGKILL');
    await a.exited;
    const checkpointedByA = (await files.readLatest())!.epoch;

    const [job] = await fx.finished([spec.trialId], 60_000);
    expect(await job!.getState()).toBe('completed');
    const result = (await files.readResult())!;
    expect(result.worker).toBe(b.id);
    expect(result.curves.map((c) => c.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    // metrics.jsonl: every epoch once; A's epochs kept, B picked up right after A's last checkpoint
    const lines = await files.readMetrics();
    expect(lines.map((l) => l.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(lines.filter((l) => l.worker === a.id).map((l) => l.epoch)).toEqual(Array.from({ length: checkpointedByA }, (_, i) => i + 1));
    expect(lines.filter((l) => l.worker === b.id).every((l) => l.epoch > checkpointedByA)).toBe(true);

    // the trainer's own log: B's trainer never ran an epoch that A had checkpointed
    const trained = trainedEpochs();
    const pids = [...new Set(trained.map((t) => t.pid))];
    expect(pids).toHaveLength(2);
    const byB = trained.filter((t) => t.pid === pids[1]).map((t) => t.epoch);
    expect(byB[0]).toBe(checkpointedByA + 1);
    expect(byB.at(-1)).toBe(8);
    expect(b.hasLog('resuming trial from checkpoint')).toBe(true);

    const rows = await new LeaderboardIndex(fx.connection).query();
    expect(rows.map((r) => r.trialId)).toEqual([spec.trialId]);
  });

  it('a sweep survives a Redis restart: every trial completes, none is lost', async () => {
    const specs = [0, 1, 2, 3, 4, 5].map((i) => trialSpec(i, 4, 'sweep-restart'));
    for (const spec of specs) await enqueue(spec);
    await startWorker('worker-a', { FERMX_SYNTHETIC_EPOCH_MS: '250' });
    await startWorker('worker-b', { FERMX_SYNTHETIC_EPOCH_MS: '250' });
    await waitFor(
      async () => ((await fx.queue.getJobCounts('completed')).completed ?? 0) >= 1,
      30_000,
      () => 'no trial completed before the restart',
    );
    await fx.redis.restart(1000);

    const jobs = await fx.finished(
      specs.map((s) => s.trialId),
      90_000,
    );
    expect(await Promise.all(jobs.map((j) => j.getState()))).toEqual(specs.map(() => 'completed'));
    for (const spec of specs) expect((await new TrialFiles(fx.storage, spec).readResult())?.epochsRun).toBe(4);
    const rows = await new LeaderboardIndex(fx.connection).query({ sweepId: 'sweep-restart' });
    expect(rows.map((r) => r.trialId).sort()).toEqual(specs.map((s) => s.trialId).sort());
  });

  it('on SIGTERM a worker hands its trial back within 30 s and another worker resumes it', async () => {
    const spec = trialSpec(7, 6);
    const files = new TrialFiles(fx.storage, spec);
    await enqueue(spec);
    const a = await startWorker('worker-a', { FERMX_SYNTHETIC_EPOCH_MS: '400' });
    await waitFor(
      async () => ((await files.readLatest())?.epoch ?? 0) >= 2,
      30_000,
      () => 'worker-a never checkpointed epoch 2',
    );
    const signalled = Date.now();
    a.child.kill('SIGTERM');
    const exit = await a.exited;
    expect(exit.code).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(30_000);
    expect(a.hasLog('trial handed back to the queue')).toBe(true);
    const handedBack = (await fx.queue.getJob(spec.trialId))!;
    expect(['waiting', 'prioritized']).toContain(await handedBack.getState());
    expect(handedBack.attemptsMade).toBe(0);
    const checkpointedByA = (await files.readLatest())!.epoch;

    await startWorker('worker-b', { FERMX_SYNTHETIC_EPOCH_MS: '100' });
    await fx.finished([spec.trialId], 30_000);
    const lines = await files.readMetrics();
    expect(lines.map((l) => l.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(lines.filter((l) => l.worker === 'worker-b')[0]?.epoch).toBe(checkpointedByA + 1);
  });
});

/**
 * The epoch of a trial's checkpoint pointer, 0 before the first. s3rver writes an object by
 * streaming into its file, so a read racing the worker's PUT can find it cut short (real S3 and
 * the file storage replace an object whole); a poll takes that as "not yet".
 */
async function checkpointedEpoch(files: TrialFiles): Promise<number> {
  try {
    return (await files.readLatest())?.epoch ?? 0;
  } catch (error) {
    if (error instanceof CheckpointPointerError) return 0;
    throw error;
  }
}

describe('fermx worker with S3 storage that goes away', () => {
  it('an outage longer than the retry budget loses no trial: trials are handed back without using attempts, the worker backs off, all complete when storage returns', async () => {
    const fx = await WorkerFixture.start({ s3Bucket: 'fermx-int' });
    const s3 = fx.s3!;
    try {
      const specs = [0, 1, 2, 3].map((i) => trialSpec(i, 4, 'sweep-s3'));
      // A retry budget of about one second: two attempts, one second apart.
      for (const spec of specs) await fx.queue.add(spec.trialId, spec, trialJobOptions(spec.trialId, { retry: { attempts: 2, backoffSeconds: 1, jitter: 0 } }));
      const worker = await fx.startProcess('worker-s3', { FERMX_SYNTHETIC_EPOCH_MS: '300' });
      const first = new TrialFiles(fx.storage, specs[0]!);
      await waitFor(
        async () => (await checkpointedEpoch(first)) >= 2,
        30_000,
        () => 'no checkpoint of epoch 2',
      );
      await s3.pause();
      await waitFor(
        () => worker.hasLog('infrastructure fault: worker stops taking trials and backs off'),
        30_000,
        () => `the worker never noticed storage was gone; its last log lines: ${JSON.stringify(worker.logs.slice(-8))}`,
      );
      // Down for several times the retry budget: the old worker failed every queued trial here.
      await new Promise((r) => setTimeout(r, 6_000));
      expect(await fx.queue.getFailedCount()).toBe(0);
      expect(worker.hasLog('service still unavailable; backing off')).toBe(true);
      expect(worker.logs.filter((l) => l.msg === 'trial handed back to the queue')).toHaveLength(1); // it does not drain the queue
      await s3.resume();

      await fx.finished(
        specs.map((s) => s.trialId),
        90_000,
      );
      expect(worker.hasLog('service answers again; worker takes trials again')).toBe(true);
      for (const spec of specs) {
        const job = (await fx.queue.getJob(spec.trialId))!;
        expect(await job.getState()).toBe('completed');
        expect(job.attemptsMade).toBe(1); // BullMQ counts the attempt that completed it; the outage used up none
        const files = new TrialFiles(fx.storage, spec);
        expect((await files.readMetrics()).map((l) => l.epoch)).toEqual([1, 2, 3, 4]);
        expect((await files.readResult())?.epochsRun).toBe(4);
      }
      expect((await new LeaderboardIndex(fx.connection).query()).map((r) => r.trialId).sort()).toEqual(specs.map((s) => s.trialId).sort());
    } finally {
      await fx.dispose();
    }
  });
});
