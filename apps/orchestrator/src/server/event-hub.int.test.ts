/** The event hub relays queue events and writes nothing: the worker is the leaderboard's one writer (real redis-server). */
import { randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { exampleTrialResult, exampleTrialSpec } from '@fermx/contracts/testing';
import { createLogger } from '@fermx/cli';
import { LeaderboardIndex, TRIAL_QUEUE_NAME, trialJobOptions, trialJobSummary, trialQueue, workerConnection } from '@fermx/queue';
import { liveRedis } from '@fermx/queue/testing';
import { EventHub, type TrialEvent } from './event-hub.js';

const live = liveRedis();

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('EventHub', () => {
  it('relays a completed trial with its status from the job summary, and leaves the leaderboard to the worker', async () => {
    const keys = { prefix: `hub-${randomUUID()}` };
    const hub = new EventHub({ redisUrl: live.url, redis: live.redis, keys, log: createLogger('event-hub-test', { FERMX_LOG_LEVEL: 'silent' }) });
    const seen: TrialEvent[] = [];
    hub.emit = (message) => void seen.push(message);
    await hub.start();
    const queue = trialQueue(live.redis, keys);
    const connection = workerConnection(live.url);
    // A worker that returns the full result (as fermx's once did) and a summary; neither upserts.
    const full = exampleTrialSpec({ sweepId: 'sweep-hub', training: { epochs: 2, batchSize: 8, learningRate: 0.001, seed: 1, augmentation: false } });
    const summary = exampleTrialSpec({ sweepId: 'sweep-hub', training: { epochs: 2, batchSize: 8, learningRate: 0.001, seed: 2, augmentation: false } });
    const worker = new Worker(
      TRIAL_QUEUE_NAME,
      async (job) => {
        const result = exampleTrialResult({ ...job.data, status: 'stopped-early' });
        return job.id === full.trialId ? result : trialJobSummary(result);
      },
      { connection, prefix: keys.prefix },
    );
    try {
      for (const spec of [full, summary]) await queue.add(spec.trialId, spec, trialJobOptions(spec.trialId));
      const finished = (id: string) =>
        seen.find((e) => e.event === 'trial' && e.data.trialId === id && e.data.status !== 'active' && e.data.status !== 'waiting');
      await until(() => Boolean(finished(full.trialId) && finished(summary.trialId)), 'both trials to be relayed');
      expect(finished(summary.trialId)?.data).toMatchObject({ sweepId: 'sweep-hub', status: 'stopped-early' });
      expect(finished(full.trialId)?.data).toMatchObject({ sweepId: 'sweep-hub', status: 'completed' });
      // The hub used to upsert whatever a job returned: a second writer of the index.
      expect(await new LeaderboardIndex(live.redis, keys).query()).toEqual([]);
    } finally {
      await worker.close();
      connection.disconnect();
      await queue.close();
      await hub.close();
    }
  });
});
