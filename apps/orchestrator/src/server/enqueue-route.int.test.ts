import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@fermx/cli';
import { openStorage } from '@fermx/data';
import { RedisServer, runCliCaptured } from '@fermx/testing';
import { commands } from '../main.js';
import { parseConfig } from '../config.js';
import { openRuntime, type Runtime } from '../runtime.js';
import { startServer, type RunningServer } from './serve.js';

const TOKEN = 'test-token-123456';
let redis: RedisServer;
let dir: string;
let runtime: Runtime;
let server: RunningServer;
let env: NodeJS.ProcessEnv;
let sweepId: string;

beforeAll(async () => {
  redis = await RedisServer.start();
  dir = mkdtempSync(join(tmpdir(), 'fermx-enqueue-'));
  const storageUri = pathToFileURL(dir).href;
  const dataset = `${storageUri}/datasets/ferm/v1`;
  await openStorage(dataset).put('manifest.json', JSON.stringify({ classes: ['a', 'b', 'c', 'd'] }));
  env = { REDIS_URL: redis.url, FERMX_STORAGE: storageUri, FERMX_API_TOKEN: TOKEN, FERMX_REDIS_PREFIX: `test-${randomUUID()}`, FERMX_LOG_LEVEL: 'silent' };
  runtime = await openRuntime(parseConfig(env), process.env);
  server = await startServer(runtime, { port: 0, host: '127.0.0.1', log: createLogger('test', { FERMX_LOG_LEVEL: 'silent' }) });
  const outcome = await runtime.sweeps.submit({
    name: 'enqueue-api',
    dataset,
    model: { architecture: 'cnn' },
    strategy: { type: 'random', n: 2, seed: 3 },
    parameters: { learningRate: { loguniform: [1e-4, 1e-2] }, epochs: 2 },
  });
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.issues));
  sweepId = outcome.sweepId;
});

afterAll(async () => {
  await server?.close();
  await runtime?.queue.obliterate({ force: true });
  await runtime?.close();
  await redis?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function post(path: string, body: unknown, token?: string) {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) };
  const res = await fetch(`${server.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('POST /api/sweeps/:id/trials and fermx sweep enqueue --api', () => {
  it('needs the token, checks the body and the values, and adds the trial once', async () => {
    expect((await post(`/api/sweeps/${sweepId}/trials`, { set: { learningRate: 0.003 } })).status).toBe(401);
    expect(await post(`/api/sweeps/${sweepId}/trials`, { sets: {} }, TOKEN)).toMatchObject({ status: 400 });
    expect(await post(`/api/sweeps/${sweepId}/trials`, { set: { learningRate: 0 } }, TOKEN)).toMatchObject({
      status: 400,
      json: { issues: [{ path: 'set.learningRate', message: 'learningRate must be > 0' }] },
    });
    expect(await post(`/api/sweeps/${sweepId}/trials`, { set: { learningRate: 0.003, initFrom: 'pretrained@v1' } }, TOKEN)).toMatchObject({
      status: 400,
      json: { issues: [{ path: 'set.initFrom', message: expect.stringContaining('model pretrained has no version v1') }] },
    });
    expect(await runtime.queue.count()).toBe(2);
    expect((await post('/api/sweeps/nope-0000aaaa/trials', { set: { learningRate: 0.003 } }, TOKEN)).status).toBe(404);
    const created = await post(`/api/sweeps/${sweepId}/trials`, { set: { learningRate: 0.003 } }, TOKEN);
    expect(created).toMatchObject({ status: 201, json: { sweepId, enqueued: true } });
    expect(await runtime.queue.count()).toBe(3);

    const cli = await runCliCaptured(['sweep', 'enqueue', sweepId, '--set', 'learningRate=3e-3', '--json', '--api', server.url], commands, env);
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.out)).toEqual({ sweepId, trialId: created.json.trialId, enqueued: false });
    const status = (await runtime.sweeps.status(sweepId))!;
    expect(status.trials.map((t) => t.trialId)).toContain(created.json.trialId);

    const bad = await runCliCaptured(['sweep', 'enqueue', sweepId, '--set', 'learningRate=-1', '--api', server.url], commands, env);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('set.learningRate: learningRate must be > 0');
  });
});
