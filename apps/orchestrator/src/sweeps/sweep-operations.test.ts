import { describe, expect, it } from 'vitest';
import { SteeringError } from './steering-error.js';
import { ApiError, HttpSweeps } from './sweep-operations.js';

function fakeFetch(answers: Record<string, [number, unknown]>) {
  const calls: { url: string; method: string; auth: string | undefined; body?: unknown }[] = [];
  const impl = (async (url: string, init: RequestInit) => {
    const headers = init.headers as Record<string, string>;
    calls.push({ url, method: init.method ?? 'GET', auth: headers.Authorization, ...(init.body ? { body: JSON.parse(String(init.body)) } : {}) });
    const [status, body] = answers[`${init.method} ${new URL(url).pathname}`] ?? [404, { error: 'nope' }];
    return new Response(JSON.stringify(body), { status });
  }) as unknown as typeof fetch;
  return { impl, calls };
}

describe('HttpSweeps (fermx … --api URL)', () => {
  it('sends the bearer token on writes only and maps answers', async () => {
    const { impl, calls } = fakeFetch({
      'POST /api/sweeps': [201, { sweepId: 's-1', trials: ['t-1'], enqueued: 1, existing: 0 }],
      'GET /api/sweeps': [200, { sweeps: [] }],
    });
    const api = new HttpSweeps('http://host:8080/', 'secret-token', impl);
    expect(await api.submit({ name: 'x' })).toEqual({ ok: true, sweepId: 's-1', trials: ['t-1'], enqueued: 1, existing: 0 });
    expect(await api.list()).toEqual([]);
    expect(await api.status('nope')).toBeUndefined();
    expect(calls.map((c) => [c.method, c.url, c.auth])).toEqual([
      ['POST', 'http://host:8080/api/sweeps', 'Bearer secret-token'],
      ['GET', 'http://host:8080/api/sweeps', undefined],
      ['GET', 'http://host:8080/api/sweeps/nope', undefined],
    ]);
  });

  it('returns validation issues and throws ApiError on 401', async () => {
    const { impl } = fakeFetch({
      'POST /api/sweeps': [400, { error: 'invalid sweep spec', issues: [{ path: 'parameters.dropout', message: 'dropout must be in [0, 1)' }] }],
      'POST /api/sweeps/s-1/cancel': [401, { error: 'invalid API token' }],
    });
    const api = new HttpSweeps('http://host', undefined, impl);
    expect(await api.submit({})).toEqual({
      ok: false,
      error: 'invalid sweep spec',
      issues: [{ path: 'parameters.dropout', message: 'dropout must be in [0, 1)' }],
    });
    await expect(api.cancel('s-1')).rejects.toEqual(new ApiError(401, '401: invalid API token'));
  });

  it('steers through POST /api/sweeps/:id/<action> with the body; 404/409/400 come back as SteeringError', async () => {
    const outcome = {
      sweepId: 's-1',
      transition: { at: '2026-01-01T00:00:00.000Z', action: 'extended', n: 2, added: 2, total: 6 },
      dispatch: { paused: false, priority: 10, held: 0 },
    };
    const { impl, calls } = fakeFetch({
      'POST /api/sweeps/s-1/extend': [200, outcome],
      'POST /api/sweeps/s-1/set': [200, outcome],
      'POST /api/sweeps/s-1/pause': [409, { error: 'sweep s-1 is already paused' }],
      'POST /api/sweeps/s-1/retry': [404, { error: 'no trial t-1 in sweep s-1' }],
    });
    const api = new HttpSweeps('http://host', 'secret-token', impl);
    expect(await api.extend('s-1', 2)).toEqual(outcome);
    await api.set('s-1', { maxConcurrent: null, priority: 3 });
    await expect(api.pause('s-1')).rejects.toEqual(new SteeringError(409, 'sweep s-1 is already paused'));
    await expect(api.retry('s-1', { trialId: 't-1' })).rejects.toMatchObject({ status: 404, message: 'no trial t-1 in sweep s-1' });
    expect(calls.map((c) => [c.url, c.auth, c.body])).toEqual([
      ['http://host/api/sweeps/s-1/extend', 'Bearer secret-token', { n: 2 }],
      ['http://host/api/sweeps/s-1/set', 'Bearer secret-token', { maxConcurrent: null, priority: 3 }],
      ['http://host/api/sweeps/s-1/pause', 'Bearer secret-token', {}],
      ['http://host/api/sweeps/s-1/retry', 'Bearer secret-token', { trialId: 't-1' }],
    ]);
  });
});
