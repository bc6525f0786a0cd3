import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKeys } from '@fermx/contracts';
import { openStorage } from '@fermx/data';
import { RedisServer } from '@fermx/testing';
import { parseConfig } from '../config.js';
import { openRuntime, type Runtime } from '../runtime.js';
import { startServer, type RunningServer } from './serve.js';

// `fermx serve` as it starts with no FERMX_API_TOKEN: what a browser page on another site, a
// DNS-rebinding page, a bad id or a corrupt file can (not) do to it. Real redis-server, file:// storage.

let redis: RedisServer;
let dir: string;
let runtime: Runtime;
let server: RunningServer;
let datasetUri: string;
const logLines: { level: number; msg: string; [k: string]: unknown }[] = [];

const spec = (name = 'sec-test', seed = 1) => ({
  name,
  dataset: datasetUri,
  model: { architecture: 'cnn', width: 0.25 },
  parameters: { seed: { grid: [seed] }, epochs: 1 },
});

/** A raw request (fetch would not let the test set Host, Origin or Sec-Fetch-Site). */
function raw(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  const { port } = server;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, headers: { ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}), ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  redis = await RedisServer.start();
  dir = mkdtempSync(join(tmpdir(), 'fermx-api-sec-'));
  const storageUri = pathToFileURL(dir).href;
  datasetUri = `${storageUri}/datasets/ferm/v1`;
  await openStorage(datasetUri).put('manifest.json', JSON.stringify({ classes: ['neutral', 'sad', 'surprise', 'angry'] }));
  const config = parseConfig({ REDIS_URL: redis.url, FERMX_STORAGE: storageUri, FERMX_REDIS_PREFIX: `sec-${randomUUID()}`, FERMX_SSE_MAX_CLIENTS: '3' });
  runtime = await openRuntime(config, process.env);
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  // No host given: the server picks it from the config (no token → loopback).
  server = await startServer(runtime, { port: 0, log: pino({ level: 'info' }, sink) });
});

afterAll(async () => {
  await server?.close();
  await runtime?.queue.obliterate({ force: true }).catch(() => undefined);
  await runtime?.close();
  await redis?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('fermx serve without a token', () => {
  it('listens on loopback only, says so, and logs that writes are open', () => {
    expect(server.host).toBe('127.0.0.1');
    expect((server.server.address() as { address: string }).address).toBe('127.0.0.1');
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(logLines).toContainEqual(
      expect.objectContaining({ level: 40, msg: expect.stringContaining('writes are open'), host: '127.0.0.1', port: server.port }),
    );
  });

  it('refuses writes that are not JSON or YAML (415), enqueuing nothing', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await raw('POST', '/api/sweeps', { 'Content-Type': type }, JSON.stringify(spec()));
      expect(res.status, type).toBe(415);
    }
    expect((await raw('POST', '/api/sweeps', {}, JSON.stringify(spec()))).status).toBe(415);
    expect(await runtime.queue.count()).toBe(0);
  });

  it('refuses cross-site writes by Origin and Sec-Fetch-Site (403), and DNS-rebinding Host names', async () => {
    const json = { 'Content-Type': 'application/json' };
    const own = `127.0.0.1:${server.port}`;
    const refused = [
      { ...json, Origin: 'http://evil.example' },
      { ...json, Origin: `http://127.0.0.1:${server.port + 1}` },
      { ...json, Origin: 'null' },
      { ...json, 'Sec-Fetch-Site': 'cross-site' },
      { ...json, 'Sec-Fetch-Site': 'same-site', Origin: `http://${own}` },
      { ...json, Host: `evil.example:${server.port}`, Origin: `http://evil.example:${server.port}` },
    ];
    for (const headers of refused) {
      const res = await raw('POST', '/api/sweeps', headers, JSON.stringify(spec()));
      expect(res.status, JSON.stringify(headers)).toBe(403);
    }
    expect((await raw('GET', '/api/sweeps', { Host: 'rebound.example' })).status).toBe(403);
    expect(await runtime.queue.count()).toBe(0);
    // The page's own origin (and clients that send no Origin, like curl and the CLI) may write.
    const same = await raw('POST', '/api/sweeps', { ...json, Origin: `http://${own}`, 'Sec-Fetch-Site': 'same-origin' }, JSON.stringify(spec()));
    expect(same.status).toBe(201);
    const yaml = await raw(
      'POST',
      '/api/sweeps',
      { 'Content-Type': 'application/yaml' },
      `name: yaml-sweep\ndataset: ${datasetUri}\nmodel: { architecture: cnn, width: 0.25 }\nparameters: { seed: { grid: [2] }, epochs: 1 }\n`,
    );
    expect(yaml.status).toBe(201);
    // Behind a reverse proxy that keeps the page's host in X-Forwarded-Host.
    const proxied = await raw(
      'POST',
      '/api/sweeps',
      { ...json, Origin: 'https://fermx.example', 'X-Forwarded-Host': 'fermx.example' },
      JSON.stringify(spec('proxied', 3)),
    );
    expect(proxied.status).toBe(201);
    const sweepId = JSON.parse(same.text).sweepId as string;
    expect((await raw('POST', `/api/sweeps/${sweepId}/cancel`, { 'Content-Type': 'text/plain', Origin: `http://${own}` }, '{}')).status).toBe(415);
    expect((await raw('POST', `/api/sweeps/${sweepId}/cancel`, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await raw('GET', `/api/sweeps/${sweepId}`)).text).toContain('"waiting":1');
    expect((await raw('POST', `/api/sweeps/${sweepId}/cancel`)).status).toBe(200);
  });

  it('answers bad ids with 400/404, never a 500, and no storage path in any error', async () => {
    for (const path of [
      '/api/sweeps/%E0%A4',
      '/api/sweeps/..%2F..',
      '/api/sweeps/x%00',
      '/api/sweeps/%2e%2e',
      '/api/trials/%E0%A4',
      '/api/trials/..%2F..%2Fetc',
      '/api/trials/x%00',
      '/api/trials/t-0123456789abcdef/files/%E0%A4',
      '/api/sweeps/..%2F../cancel',
      '/%E0%A4',
    ]) {
      const method = path.endsWith('/cancel') ? 'POST' : 'GET';
      const res = await raw(method, path);
      expect([400, 404], `${method} ${path}: ${res.status} ${res.text}`).toContain(res.status);
      expect(res.text).not.toContain(dir);
      expect(JSON.parse(res.text).error).toBeTruthy();
    }
    expect((await raw('GET', '/api/sweeps/nope-0a1b2c3d')).status).toBe(404);
    expect((await raw('GET', '/api/trials/t-0123456789abcdef')).status).toBe(404);
  });

  it('serves a trial whose result.json is corrupt, saying so for that trial only', async () => {
    const list = JSON.parse((await raw('GET', '/api/sweeps')).text) as { sweeps: { sweepId: string }[] };
    const status = JSON.parse((await raw('GET', `/api/sweeps/${list.sweeps[0]!.sweepId}`)).text) as {
      trials: { trialId: string; sweepId: string }[];
      sweep: { sweepId: string };
    };
    const trialId = status.trials[0]!.trialId;
    const sweepId = status.sweep.sweepId;
    const file = join(dir, runKeys.result(sweepId, trialId));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '{"trialId": "t-trunc');
    const corrupt = await raw('GET', `/api/trials/${trialId}`);
    expect(corrupt.status).toBe(200);
    const body = JSON.parse(corrupt.text);
    expect(body.resultError).toMatch(/result\.json is corrupt/);
    expect(body.result).toBeUndefined();
    expect(body.trial.trialId).toBe(trialId);
    expect(body.resultError).not.toContain(dir);
    // Valid JSON of the wrong shape: named, still no 500.
    writeFileSync(file, JSON.stringify({ trialId, sweepId, metrics: 'lost' }));
    const wrong = await raw('GET', `/api/trials/${trialId}`);
    expect(wrong.status).toBe(200);
    expect(JSON.parse(wrong.text).resultError).toMatch(/does not match the result schema \(\w+/);
  });

  it('caps live event streams (503 beyond FERMX_SSE_MAX_CLIENTS) and frees a slot when one closes', async () => {
    const streams = await Promise.all([0, 1, 2].map(() => openStream()));
    expect(streams.map((s) => s.status)).toEqual([200, 200, 200]);
    const refused = await openStream();
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('30');
    streams[0]!.close();
    await expect
      .poll(
        async () => {
          const s = await openStream();
          s.close();
          return s.status;
        },
        { timeout: 5_000 },
      )
      .toBe(200);
    for (const s of streams) s.close();
  });

  it('keeps liveness on /livez without Redis; readiness (/readyz) follows Redis', async () => {
    expect((await raw('GET', '/livez')).status).toBe(200);
    expect(JSON.parse((await raw('GET', '/readyz')).text)).toEqual({ ok: true, redis: true });
    await redis.stop();
    try {
      const started = Date.now();
      expect((await raw('GET', '/livez')).status).toBe(200);
      const ready = await raw('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(JSON.parse(ready.text)).toEqual({ ok: false, redis: false });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await redis.restart();
    }
  });
});

/** Opens /api/events over a real connection; resolves with the status once headers arrive. */
function openStream(): Promise<{ status: number; headers: Record<string, unknown>; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path: '/api/events' }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, close: () => req.destroy() });
    });
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    req.end();
  });
}
