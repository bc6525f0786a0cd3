import { describe, expect, it } from 'vitest';
import { ApiError, HttpSweeps } from './sweep-operations.js';

function fakeFetch(answers: Record<string, [number, unknown]>) {
  const calls: { url: string; method: string; auth: string | undefined }[] = [];
  const impl = (async (url: string, init: RequestInit) => {
    const headers = init.headers as Record<string, string>;
    calls.push({ url, method: init.method ?? 'GET', auth: headers.Authorization });
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
    expect(await api.submit({})).toEqual({ ok: false, error: 'invalid sweep spec', issues: [{ path: 'parameters.dropout', message: 'dropout must be in [0, 1)' }] });
    await expect(api.cancel('s-1')).rejects.toEqual(new ApiError(401, '401: invalid API token'));
  });
});
