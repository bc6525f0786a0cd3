import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKeys } from '@fermx/contracts';
import { exampleTrialResult } from '@fermx/contracts/testing';
import { openStorage, type Storage } from '@fermx/data';
import { RedisServer } from '@fermx/testing';
import { parseConfig } from '../config.js';
import { openRuntime, type Runtime } from '../runtime.js';
import { startServer, type RunningServer } from './serve.js';

// The promoted-model routes of `fermx serve` with a token: reads open, promotion only with the
// bearer token (through the server's write gate). Real redis-server, file:// storage.

const TOKEN = 'model-routes-token';
let redis: RedisServer;
let dir: string;
let storage: Storage;
let runtime: Runtime;
let server: RunningServer;
const trial = exampleTrialResult({ valAccuracy: 0.71 });

const call = (method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
  fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });

beforeAll(async () => {
  redis = await RedisServer.start();
  dir = mkdtempSync(join(tmpdir(), 'fermx-model-routes-'));
  const storageUri = pathToFileURL(dir).href;
  storage = openStorage(storageUri);
  await storage.put(runKeys.result(trial.sweepId, trial.trialId), JSON.stringify(trial));
  for (const file of ['model.json', 'weights.bin']) await storage.put(`${runKeys.model(trial.sweepId, trial.trialId)}/${file}`, `${file} bytes`);
  await storage.put(`${runKeys.model(trial.sweepId, trial.trialId)}/metadata.json`, JSON.stringify({ classes: trial.metrics.classes, format: 'fermx-model' }));
  const config = parseConfig({ REDIS_URL: redis.url, FERMX_STORAGE: storageUri, FERMX_REDIS_PREFIX: `models-${randomUUID()}`, FERMX_API_TOKEN: TOKEN });
  runtime = await openRuntime(config, process.env);
  server = await startServer(runtime, { port: 0, host: '127.0.0.1', log: pino({ level: 'silent' }) });
});

afterAll(async () => {
  await server?.close();
  await runtime?.close();
  await redis?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('promoted models over HTTP', () => {
  it('lists nothing before a promotion', async () => {
    expect(await (await call('GET', '/api/models')).json()).toEqual({ models: [] });
    expect((await call('GET', '/api/models/smiles')).status).toBe(404);
  });

  it('refuses a promotion without the token (401) or from another site (403), and promotes with it', async () => {
    const body = { trialId: trial.trialId, name: 'smiles', alias: 'production' };
    expect((await call('POST', '/api/models/promote', { body })).status).toBe(401);
    expect((await call('POST', '/api/models/promote', { body, token: 'wrong' })).status).toBe(401);
    expect((await call('POST', '/api/models/promote', { body, token: TOKEN, headers: { Origin: 'http://evil.example' } })).status).toBe(403);
    expect(await storage.list('models/')).toEqual([]);
    const res = await call('POST', '/api/models/promote', { body, token: TOKEN });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      name: 'smiles',
      version: 'v1',
      alias: 'production',
      trial: { trialId: trial.trialId },
      metrics: { valAccuracy: 0.71 },
      filesUrl: '/api/models/smiles/v1/files/',
    });
  });

  it('lists the promoted model with its aliases, versions, history and files', async () => {
    const second = await call('POST', '/api/models/promote', { body: { trialId: trial.trialId, name: 'smiles', alias: 'candidate' }, token: TOKEN });
    expect(second.status).toBe(201);
    const { models } = (await (await call('GET', '/api/models')).json()) as {
      models: { name: string; aliases: Record<string, string>; latest: string; versions: { version: string }[] }[];
    };
    expect(models).toHaveLength(1);
    expect(models[0]).toMatchObject({ name: 'smiles', aliases: { production: 'v1', candidate: 'v2' }, latest: 'v2' });
    expect(models[0]!.versions.map((v) => v.version)).toEqual(['v1', 'v2']);
    const detail = (await (await call('GET', '/api/models/smiles')).json()) as {
      history: unknown[];
      versions: { metadata: { classes: string[]; masked: unknown } }[];
    };
    expect(detail.history).toEqual([
      expect.objectContaining({ alias: 'production', from: null, to: 'v1' }),
      expect.objectContaining({ alias: 'candidate', from: null, to: 'v2' }),
    ]);
    expect(detail.versions[0]!.metadata).toEqual({ classes: trial.metrics.classes, format: 'fermx-model', masked: null });
    const file = await call('GET', '/api/models/smiles/v1/files/weights.bin');
    expect(file.status).toBe(200);
    expect(await file.text()).toBe('weights.bin bytes');
    expect((await call('GET', '/api/models/smiles/v1/files/lineage.json')).status).toBe(404);
    expect((await call('GET', '/api/models/smiles/v9/files/model.json')).status).toBe(404);
  });

  it('answers bad promotions with 400/404 and no storage path', async () => {
    const missing = await call('POST', '/api/models/promote', { body: { trialId: 't-0000000000000000', name: 'x' }, token: TOKEN });
    expect(missing.status).toBe(404);
    const text = await missing.text();
    expect(text).toContain('no finished trial t-0000000000000000');
    expect(text).not.toContain(dir);
    const badName = await call('POST', '/api/models/promote', { body: { trialId: trial.trialId, name: 'Bad Name' }, token: TOKEN });
    expect(badName.status).toBe(400);
    const badBody = await call('POST', '/api/models/promote', { body: { trialId: 'x', name: 'ok', extra: 1 }, token: TOKEN });
    expect(badBody.status).toBe(400);
    expect(((await badBody.json()) as { issues: { path: string }[] }).issues.map((i) => i.path).sort()).toEqual(['', 'trialId']);
    expect((await call('GET', '/api/models/Bad%20Name')).status).toBe(400);
  });
});
