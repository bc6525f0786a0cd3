import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKeys } from '@fermx/contracts';
import { exampleTrialResult } from '@fermx/contracts/testing';
import { openStorage } from '@fermx/data';
import { RedisServer } from '@fermx/testing';
import { parseConfig } from '../config.js';
import { rankedLeaderboard } from '../leaderboard/leaderboard-query.js';
import { openRuntime, type Runtime } from '../runtime.js';

let redis: RedisServer;
let dir: string;
let runtime: Runtime;

beforeAll(async () => {
  redis = await RedisServer.start();
  dir = mkdtempSync(join(tmpdir(), 'fermx-list-'));
  const storageUri = pathToFileURL(join(dir, 'store')).href;
  const env = { REDIS_URL: redis.url, FERMX_STORAGE: storageUri, FERMX_REDIS_PREFIX: `test-${randomUUID()}` };
  await openStorage(`${storageUri}/datasets/ferm/v1`).put('manifest.json', JSON.stringify({ classes: ['a', 'b', 'c', 'd'] }));
  runtime = await openRuntime(parseConfig(env), env);
});

afterAll(async () => {
  await runtime?.close();
  await redis?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe("a sweep's best and ranking (real redis-server, file storage)", () => {
  it("rank by the sweep's metric, and the sweep list's best is its best feasible trial", async () => {
    const dataset = pathToFileURL(join(dir, 'store', 'datasets', 'ferm', 'v1')).href;
    const submitted = await runtime.sweeps.submit({
      name: 'by-loss',
      dataset,
      model: { architecture: 'cnn' },
      parameters: { learningRate: { grid: [1e-3, 3e-3, 1e-2] } },
      metric: 'val_loss',
      constraints: { imagesPerSecond: { min: 100 } },
    });
    if (!submitted.ok) throw new Error(JSON.stringify(submitted.issues));
    const [fast, slow, lossy] = submitted.trials as [string, string, string];
    // slow: best val accuracy and loss but too slow (infeasible); lossy: better accuracy than fast, worse loss.
    const figures: [string, number, number, number][] = [
      [fast, 0.8, 0.4, 400],
      [slow, 0.95, 0.1, 50],
      [lossy, 0.85, 0.9, 400],
    ];
    for (const [trialId, valAccuracy, valLoss, imagesPerSecond] of figures) {
      const base = exampleTrialResult({ valAccuracy, trialId, sweepId: submitted.sweepId, sweepName: 'by-loss' });
      const result = { ...base, metrics: { ...base.metrics, valLoss }, timing: { ...base.timing, imagesPerSecond } };
      await runtime.catalog.storage.put(runKeys.result(submitted.sweepId, trialId), JSON.stringify(result));
      await runtime.index.upsert(result);
    }
    const ranked = await rankedLeaderboard(runtime, { sweepId: submitted.sweepId });
    expect(ranked.map((r) => [r.trialId, r.infeasible !== undefined])).toEqual([
      [fast, false],
      [lossy, false],
      [slow, true],
    ]);
    const listed = (await runtime.sweeps.list()).find((s) => s.sweepId === submitted.sweepId)!;
    expect(listed.best).toEqual({ trialId: fast, valAccuracy: 0.8 });
    // The sweep page orders its trial table by this rank.
    const status = await runtime.sweeps.status(submitted.sweepId);
    expect(Object.fromEntries(status!.trials.map((t) => [t.trialId, t.rank]))).toEqual({ [fast]: 1, [lossy]: 2, [slow]: 3 });
  });
});
