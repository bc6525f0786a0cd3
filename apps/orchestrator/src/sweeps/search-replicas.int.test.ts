import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from '@fermx/data';
import { RedisServer } from '@fermx/testing';
import { parseConfig } from '../config.js';
import { openRuntime, type Runtime } from '../runtime.js';

let redis: RedisServer;
let dir: string;
let replicas: Runtime[] = [];
let dataset: string;

beforeAll(async () => {
  redis = await RedisServer.start();
  dir = mkdtempSync(join(tmpdir(), 'fermx-replicas-'));
  const storageUri = pathToFileURL(dir).href;
  dataset = `${storageUri}/datasets/ferm/v1`;
  await openStorage(dataset).put('manifest.json', JSON.stringify({ classes: ['a', 'b'] }));
  const env = { REDIS_URL: redis.url, FERMX_STORAGE: storageUri, FERMX_REDIS_PREFIX: `test-${randomUUID()}` };
  replicas = await Promise.all([openRuntime(parseConfig(env), env), openRuntime(parseConfig(env), env)]);
});

afterAll(async () => {
  await replicas[0]?.queue.obliterate({ force: true });
  for (const r of replicas) await r.close();
  await redis?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('two orchestrator replicas on one tpe sweep', () => {
  it('fill the freed slots once between them (the search lock), with distinct trials', async () => {
    const [a, b] = replicas as [Runtime, Runtime];
    const submitted = await a.sweeps.submit({
      name: 'replicas',
      dataset,
      model: { architecture: 'cnn' },
      parameters: { learningRate: { loguniform: [1e-4, 1e-2] }, epochs: 1 },
      strategy: { type: 'tpe', n: 10, maxConcurrent: 3, seed: 2 },
    });
    if (!submitted.ok) throw new Error(JSON.stringify(submitted.issues));
    const { sweepId } = submitted;
    const asks = async () => (await a.sweeps.search.log.read(sweepId)).filter((e) => e.type === 'ask');
    expect(await asks()).toHaveLength(3);
    for (let round = 0; round < 5; round++) {
      // The running trials end (as failures, no workers here): three slots free; both replicas react at once.
      const running = (await asks()).map((e) => e.trialId);
      await a.sweeps.search.log.append(
        sweepId,
        running.map((trialId) => ({ type: 'end' as const, trialId, status: 'failed' as const })),
      );
      await Promise.all([a.sweeps.search.advance(sweepId), b.sweeps.search.advance(sweepId), b.sweeps.search.advance(sweepId)]);
    }
    const all = await asks();
    expect(all).toHaveLength(10);
    expect(new Set(all.map((e) => e.trialId)).size).toBe(10);
    expect(await a.sweeps.search.replay(sweepId)).toMatchObject({ mismatches: [] });
  });
});
