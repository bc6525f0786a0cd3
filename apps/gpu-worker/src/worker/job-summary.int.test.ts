/** What a finished trial leaves in Redis vs storage: the job returns a summary, result.json is the full result. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Redis } from 'ioredis';
import { runKeys } from '@fermx/contracts';
import { exampleTrialSpec } from '@fermx/contracts/testing';
import { openStorage, type Storage } from '@fermx/data';
import { LeaderboardIndex, redisKeys, trialJobOptions, trialQueue, workerConnection, type TrialQueue } from '@fermx/queue';
import { RedisServer } from '@fermx/testing';
import { parseWorkerConfig } from '../config.js';
import { SyntheticTrainer } from '../testing/synthetic-trainer.js';
import { TrialFiles } from '../trial/trial-files.js';
import { waitFor } from '../testing/worker-process.js';
import { startWorker, type RunningWorker } from './start-worker.js';

describe('a trial finished by the worker (in-process, real Redis)', () => {
  let redis: RedisServer;
  let connection: Redis;
  let queue: TrialQueue;
  let dir: string;
  let storage: Storage;
  let worker: RunningWorker | undefined;

  beforeEach(async () => {
    redis = await RedisServer.start();
    connection = workerConnection(redis.url);
    queue = trialQueue(connection);
    dir = mkdtempSync(join(tmpdir(), 'fermx-summary-'));
    storage = openStorage(`file://${dir}`);
  });
  afterEach(async () => {
    await worker?.stop();
    await queue.close();
    connection.disconnect();
    await redis.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns a summary to BullMQ; curves and matrices live only in result.json; the worker indexes the row', async () => {
    const env = { REDIS_URL: redis.url, FERMX_STORAGE: `file://${dir}`, FERMX_WORKER_ID: 'w-summary' };
    worker = await startWorker(parseWorkerConfig(env), pino({ level: 'silent' }), env, { trainer: new SyntheticTrainer({ epochMs: 5 }) });
    const spec = exampleTrialSpec({
      sweepId: 'sweep-summary',
      model: { architecture: 'cnn', numClasses: 4 },
      training: { epochs: 3, batchSize: 8, learningRate: 0.001, seed: 1, augmentation: false },
    });
    await queue.add(spec.trialId, spec, trialJobOptions(spec.trialId));
    await waitFor(
      async () => Boolean((await queue.getJob(spec.trialId))?.finishedOn),
      20_000,
      () => 'trial never finished',
    );

    const job = (await queue.getJob(spec.trialId))!;
    const result = (await new TrialFiles(storage, spec).readResult())!;
    expect(result.curves).toHaveLength(3);
    expect(job.returnvalue).toEqual({
      trialId: spec.trialId,
      sweepId: 'sweep-summary',
      status: result.status,
      metric: { name: 'val_accuracy', value: result.metrics.valAccuracy },
      resultKey: runKeys.result('sweep-summary', spec.trialId),
    });
    const stored = (await connection.hget(redisKeys.trialJob({}, spec.trialId), 'returnvalue'))!;
    expect(stored).not.toMatch(/curves|confusionMatrix/);
    expect(stored.length).toBeLessThan(300);
    expect((await new LeaderboardIndex(connection).get(spec.trialId))?.valAccuracy).toBe(result.metrics.valAccuracy);
  });
});
