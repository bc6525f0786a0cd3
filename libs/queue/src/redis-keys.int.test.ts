/** The Redis keys libs/queue builds for BullMQ's own data match what BullMQ writes (real redis-server). */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Worker } from 'bullmq';
import { exampleTrialResult, exampleTrialSpec } from '@fermx/contracts/testing';
import {
  CancelFlags,
  cancelledReason,
  isCancelledReason,
  JOB_RETENTION,
  readTrialStates,
  redisKeys,
  trialJobOptions,
  trialJobSummary,
  TRIAL_QUEUE_NAME,
  trialJobSweepId,
  trialQueue,
  workerConnection,
  type TrialJobSummary,
} from './index.js';
import { liveRedis } from './testing/live-redis.js';

const live = liveRedis();
const keys = { prefix: `keys-${randomUUID()}` };

describe('redisKeys', () => {
  it('names the hash BullMQ keeps for a trial job, so its data is read without the queue', async () => {
    const queue = trialQueue(live.redis, keys);
    const spec = exampleTrialSpec({ sweepId: 'sweep-keys' });
    await queue.add(spec.trialId, spec, trialJobOptions(spec.trialId));
    expect(await live.redis.exists(redisKeys.trialJob(keys, spec.trialId))).toBe(1);
    expect(await trialJobSweepId(live.redis, spec.trialId, keys)).toBe('sweep-keys');
    expect(await trialJobSweepId(live.redis, 't-0000000000000000', keys)).toBeUndefined();
    // A job without a priority waits in BullMQ's wait list, the one KEDA watches.
    const plain = exampleTrialSpec({ sweepId: 'sweep-keys', training: { ...spec.training, seed: 99 } });
    await queue.add(plain.trialId, plain, { jobId: plain.trialId });
    expect(await live.redis.lrange(redisKeys.waitList(keys), 0, -1)).toEqual([plain.trialId]);
    await queue.close();
  });

  it('is the key CancelFlags sets', async () => {
    await new CancelFlags(live.redis, keys).cancel('sweep-c');
    expect(await live.redis.exists(redisKeys.cancelFlag(keys, 'sweep-c'))).toBe(1);
    expect(isCancelledReason(cancelledReason('sweep-c'))).toBe(true);
    expect(isCancelledReason('storage unreachable')).toBe(false);
  });
});

describe('a finished trial job', () => {
  it('returns a small summary, not the full result, and is kept only for JOB_RETENTION', async () => {
    const jobKeys = { prefix: `job-${randomUUID()}` };
    const queue = trialQueue(live.redis, jobKeys);
    const spec = exampleTrialSpec({ sweepId: 'sweep-summary' });
    const result = exampleTrialResult({ ...spec, valAccuracy: 0.7 });
    const connection = workerConnection(live.url);
    const worker = new Worker<unknown, TrialJobSummary>(TRIAL_QUEUE_NAME, async () => trialJobSummary(result), { connection, prefix: jobKeys.prefix });
    await queue.add(spec.trialId, spec, trialJobOptions(spec.trialId));
    await new Promise<void>((resolve) => worker.on('completed', () => resolve()));
    await worker.close();
    connection.disconnect();

    const job = (await queue.getJob(spec.trialId))!;
    expect(job.returnvalue).toEqual({
      trialId: spec.trialId,
      sweepId: 'sweep-summary',
      status: 'completed',
      metric: { name: 'val_accuracy', value: 0.7 },
      resultKey: `runs/sweep-summary/${spec.trialId}/result.json`,
    });
    // What Redis holds for the job's return value is a few hundred bytes, not curves and matrices.
    const stored = await live.redis.hget(redisKeys.trialJob(jobKeys, spec.trialId), 'returnvalue');
    expect(stored!.length).toBeLessThan(300);
    expect(stored).not.toContain('curves');
    expect(JSON.stringify(result).length).toBeGreaterThan(stored!.length);
    expect(job.opts.removeOnComplete).toEqual(JOB_RETENTION.completed);
    expect(job.opts.removeOnFail).toEqual(JOB_RETENTION.failed);
    expect((await readTrialStates(live.redis, [spec.trialId], jobKeys)).get(spec.trialId)?.state).toBe('completed');
    await queue.close();
  });
});
