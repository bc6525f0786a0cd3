import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKeys, type TrialSpec } from '@fermx/contracts';
import { exampleTrialResult } from '@fermx/contracts/testing';
import { createLogger } from '@fermx/cli';
import { openStorage } from '@fermx/data';
import { trialJobSummary, workerConnection, type TrialJobSummary } from '@fermx/queue';
import { RedisServer } from '@fermx/testing';
import { parseConfig } from '../config.js';
import { openRuntime, type Runtime } from '../runtime.js';
import { startServer, type RunningServer } from './serve.js';

const TOKEN = 'test-token-123456';
let redis: RedisServer;
let dir: string;
let runtime: Runtime;
let server: RunningServer;
let datasetUri: string;

const spec = () => ({
  name: 'api-test',
  dataset: datasetUri,
  model: { architecture: 'cnn', width: 0.25 },
  parameters: { learningRate: { grid: [0.001, 0.01] }, seed: { grid: [1, 2] }, epochs: 2 },
  retry: { attempts: 1 },
});

async function api(method: string, path: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`${server.url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test reads arbitrary JSON shapes
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

beforeAll(async () => {
  redis = await RedisServer.start();
  dir = mkdtempSync(join(tmpdir(), 'fermx-api-'));
  const storageUri = pathToFileURL(dir).href;
  datasetUri = `${storageUri}/datasets/ferm/v1`;
  await openStorage(datasetUri).put('manifest.json', JSON.stringify({ classes: ['neutral', 'sad', 'surprise', 'angry'] }));
  const config = parseConfig({ REDIS_URL: redis.url, FERMX_STORAGE: storageUri, FERMX_API_TOKEN: TOKEN, FERMX_REDIS_PREFIX: `test-${randomUUID()}` });
  runtime = await openRuntime(config, process.env);
  server = await startServer(runtime, { port: 0, host: '127.0.0.1', log: createLogger('test', { FERMX_LOG_LEVEL: 'silent' }) });
});

afterAll(async () => {
  await server?.close();
  await runtime?.queue.obliterate({ force: true });
  await runtime?.index.clear();
  await runtime?.close();
  await redis?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('HTTP API', () => {
  it('answers health and refuses writes without the bearer token', async () => {
    expect(await api('GET', '/api/health')).toEqual({ status: 200, json: { ok: true, redis: true } });
    expect((await api('POST', '/api/sweeps', spec())).status).toBe(401);
    expect((await api('POST', '/api/sweeps', spec(), 'wrong-token-123456')).status).toBe(401);
    expect((await api('POST', '/api/sweeps/x/cancel')).status).toBe(401);
    expect(await runtime.queue.count()).toBe(0);
  });

  it('rejects an invalid spec with field paths and an unreachable dataset, enqueuing nothing', async () => {
    const bad = await api('POST', '/api/sweeps', { ...spec(), parameters: { dropout: { grid: [0.2, 1] }, batchSize: 0 }, colour: 1 }, TOKEN);
    expect(bad.status).toBe(400);
    expect(bad.json.issues.map((i: { path: string }) => i.path).sort()).toEqual(['colour', 'parameters.batchSize', 'parameters.dropout.grid[1]']);
    const missing = await api('POST', '/api/sweeps', { ...spec(), dataset: `${datasetUri}-missing` }, TOKEN);
    expect(missing.status).toBe(400);
    expect(missing.json.issues).toEqual([{ path: 'dataset', message: expect.stringContaining('has no manifest.json') }]);
    expect(await runtime.queue.count()).toBe(0);
    expect((await api('GET', '/api/sweeps')).json).toEqual({ sweeps: [] });
  });

  it('?dryRun=true answers 200 with the trials a submit would enqueue, and creates nothing', async () => {
    const dry = await api('POST', '/api/sweeps?dryRun=true', spec(), TOKEN);
    expect(dry.status).toBe(200);
    expect(dry.json).toMatchObject({ dryRun: true, enqueued: 4, existing: 0 });
    expect(dry.json.preview).toHaveLength(4);
    expect(dry.json.preview[0]).toMatchObject({ trialId: dry.json.trials[0], model: 'cnn', params: { learningRate: 0.001, seed: 1 }, existing: false });
    expect((await api('POST', '/api/sweeps?dryRun=yes', spec(), TOKEN)).json.issues).toEqual([{ path: 'dryRun', message: 'must be true or false' }]);
    expect((await api('POST', '/api/sweeps?dryRun=true', spec())).status).toBe(401);
    expect(await runtime.queue.count()).toBe(0);
    expect((await api('GET', '/api/sweeps')).json).toEqual({ sweeps: [] });
    expect((await api('GET', `/api/sweeps/${dry.json.sweepId}`)).status).toBe(404);
  });

  it('submits idempotently: a resubmit enqueues nothing new', async () => {
    const first = await api('POST', '/api/sweeps', spec(), TOKEN);
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ enqueued: 4, existing: 0 });
    expect(first.json.trials).toHaveLength(4);
    const again = await api('POST', '/api/sweeps', spec(), TOKEN);
    expect(again.json).toEqual({ ...first.json, enqueued: 0, existing: 4 });
    expect(await runtime.queue.count()).toBe(4);
    expect((await api('GET', '/api/queue')).json).toMatchObject({ queue: 'fermx-trials', runnable: 4, active: 0 });
    const list = await api('GET', '/api/sweeps');
    expect(list.json.sweeps).toHaveLength(1);
    expect(list.json.sweeps[0]).toMatchObject({ sweepId: first.json.sweepId, name: 'api-test', trials: { total: 4, waiting: 4, active: 0, completed: 0 } });
  });

  it('streams progress, indexes completed trials, serves trial details and files, and rebuilds the leaderboard', async () => {
    const sweepId = (await api('GET', '/api/sweeps')).json.sweeps[0].sweepId as string;
    const events: string[] = [];
    const sse = await fetch(`${server.url}/api/events`);
    const reader = sse.body!.getReader();
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        events.push(new TextDecoder().decode(value));
      }
    })().catch(() => undefined);

    // A stand-in worker that behaves as fermx's: reports progress, writes result.json, upserts the
    // leaderboard row (the worker is its one writer) and returns a summary as the job's return value.
    const storage = runtime.storage;
    let n = 0;
    const worker = new Worker<TrialSpec, TrialJobSummary>(
      'fermx-trials',
      async (job) => {
        await job.updateProgress({ epoch: 1, epochs: 2, loss: 1, accuracy: 0.5, valLoss: 1, valAccuracy: 0.5, seconds: 1, imagesPerSecond: 100 });
        if (n++ === 3) throw new Error('simulated out of memory');
        const result = exampleTrialResult({ ...job.data, valAccuracy: 0.5 + n / 10, status: n === 2 ? 'stopped-early' : 'completed' });
        await storage.put(runKeys.result(result.sweepId, result.trialId), JSON.stringify(result));
        await storage.put(runKeys.modelFile(result.sweepId, result.trialId, 'model.json'), '{"format":"layers-model"}');
        await runtime.index.upsert(result);
        return trialJobSummary(result);
      },
      { connection: workerConnection(redis.url), prefix: runtime.config.prefix, concurrency: 1 },
    );
    try {
      const deadline = Date.now() + 20_000;
      let status;
      do {
        await new Promise((r) => setTimeout(r, 200));
        status = (await api('GET', `/api/sweeps/${sweepId}`)).json;
      } while ((status.counts.waiting > 0 || status.counts.active > 0 || status.counts.completed + status.counts.stoppedEarly < 3) && Date.now() < deadline);
      expect(status.counts).toEqual({ total: 4, waiting: 0, active: 0, completed: 2, failed: 1, stoppedEarly: 1, cancelled: 0 });
      const failed = status.trials.find((t: { status: string }) => t.status === 'failed');
      expect(failed.failedReason).toBe('simulated out of memory');
    } finally {
      await worker.close();
    }
    const board = (await api('GET', `/api/leaderboard?sweep=${sweepId}`)).json.rows;
    expect(board.map((r: { rank: number; valAccuracy: number }) => [r.rank, r.valAccuracy])).toEqual([
      [1, 0.8],
      [2, 0.7],
      [3, 0.6],
    ]);
    expect((await api('GET', '/api/leaderboard?status=stopped-early')).json.rows).toHaveLength(1);
    expect(events.join('')).toMatch(/event: progress\ndata: \{"trialId":"t-[0-9a-f]{16}","sweepId":"api-test-[0-9a-f]{8}","progress":\{"epoch":1/);
    expect(events.join('')).toContain('event: trial');
    // The trial event's status comes from the job's summary (stopped-early is not BullMQ's own state).
    expect(events.join('')).toMatch(/event: trial\ndata: \{[^}]*"status":"stopped-early"/);

    const best = board[0].trialId as string;
    const detail = await api('GET', `/api/trials/${best}`);
    expect(detail.json).toMatchObject({
      status: 'completed',
      trial: { trialId: best, sweepId },
      result: { trialId: best },
      modelFiles: [{ name: 'model.json', url: `/api/trials/${best}/files/model.json` }],
    });
    const file = await fetch(`${server.url}/api/trials/${best}/files/model.json`);
    expect(await file.text()).toBe('{"format":"layers-model"}');
    expect((await fetch(`${server.url}/api/trials/${best}/files/..%2Fresult.json`)).status).toBe(400);
    expect((await api('GET', '/api/trials/t-0000000000000000')).status).toBe(404);

    await runtime.index.clear();
    expect((await api('GET', '/api/leaderboard')).json.rows).toEqual([]);
    const report = await runtime.index.rebuild(runtime.storage);
    expect(report).toEqual({ indexed: 3, skipped: [] });
    expect((await api('GET', '/api/leaderboard')).json.rows).toEqual(board);
    void reader.cancel();
  });

  it('cancels waiting trials with the token', async () => {
    // Other seeds: trial ids hash the config, not the sweep name, so the same config would be deduplicated.
    const other = { ...spec(), name: 'to-cancel', parameters: { ...spec().parameters, seed: { grid: [3, 4] } } };
    const submitted = await api('POST', '/api/sweeps', other, TOKEN);
    expect(submitted.json.enqueued).toBe(4);
    const cancelled = await api('POST', `/api/sweeps/${submitted.json.sweepId}/cancel`, undefined, TOKEN);
    expect(cancelled.json).toEqual({ cancelled: 4 });
    const status = await api('GET', `/api/sweeps/${submitted.json.sweepId}`);
    expect(status.json.counts).toMatchObject({ total: 4, cancelled: 4, waiting: 0 });
    expect((await api('POST', '/api/sweeps/nope-0a1b2c3d/cancel', undefined, TOKEN)).status).toBe(404);
    expect((await api('POST', '/api/sweeps/nope/cancel', undefined, TOKEN)).status).toBe(400);
    // Resubmitting a cancelled sweep puts its trials back.
    expect((await api('POST', '/api/sweeps', other, TOKEN)).json.enqueued).toBe(4);
  });

  it('answers unknown routes and methods with JSON errors', async () => {
    expect(await api('GET', '/api/nothing')).toEqual({ status: 404, json: { error: 'no API route /api/nothing' } });
    expect((await api('DELETE', '/api/sweeps')).status).toBe(405);
  });
});
