/** What a finished trial leaves in Redis vs storage: the job returns a summary, result.json is the full result. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runKeys } from '@fermx/contracts';
import { exampleTrialSpec } from '@fermx/contracts/testing';
import { LeaderboardIndex, redisKeys, trialJobOptions } from '@fermx/queue';
import { SyntheticTrainer } from '../testing/synthetic-trainer.js';
import { WorkerFixture } from '../testing/worker-fixture.js';
import { TrialFiles } from '../trial/trial-files.js';

describe('a trial finished by the worker (in-process, real Redis)', () => {
  let fx: WorkerFixture;

  beforeEach(async () => {
    fx = await WorkerFixture.start();
  });
  afterEach(async () => {
    await fx?.dispose();
  });

  it('returns a summary to BullMQ; curves and matrices live only in result.json; the worker indexes the row', async () => {
    await fx.startWorker('w-summary', { trainer: new SyntheticTrainer({ epochMs: 5 }) });
    const spec = exampleTrialSpec({
      sweepId: 'sweep-summary',
      model: { architecture: 'cnn', numClasses: 4 },
      training: { epochs: 3, batchSize: 8, learningRate: 0.001, seed: 1, augmentation: false },
    });
    await fx.queue.add(spec.trialId, spec, trialJobOptions(spec.trialId));
    const [job] = await fx.finished([spec.trialId], 20_000);

    const result = (await new TrialFiles(fx.storage, spec).readResult())!;
    expect(result.curves).toHaveLength(3);
    expect(job!.returnvalue).toEqual({
      trialId: spec.trialId,
      sweepId: 'sweep-summary',
      status: result.status,
      metric: { name: 'val_accuracy', value: result.metrics.valAccuracy },
      resultKey: runKeys.result('sweep-summary', spec.trialId),
    });
    const stored = (await fx.connection.hget(redisKeys.trialJob({}, spec.trialId), 'returnvalue'))!;
    expect(stored).not.toMatch(/curves|confusionMatrix/);
    expect(stored.length).toBeLessThan(300);
    expect((await new LeaderboardIndex(fx.connection).get(spec.trialId))?.valAccuracy).toBe(result.metrics.valAccuracy);
  });
});
