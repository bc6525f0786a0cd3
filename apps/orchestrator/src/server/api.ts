import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname } from 'node:path';
import { runKeys, TrialResultSchema, type TrialResult, type TrialSpec } from '@fermx/contracts';
import { readTrialStates, type LeaderboardQuery } from '@fermx/queue';
import { absoluteDatasetUri } from '../sweeps/dataset-uri.js';
import { parseSpecText, SpecFileError } from '../sweeps/spec-file.js';
import { trialStatus } from '../sweeps/sweep-service.js';
import type { Runtime } from '../runtime.js';
import type { EventHub } from './event-hub.js';
import { checkBearer, HttpError, readBody, sendJson } from './http-io.js';

export interface ApiDeps {
  runtime: Pick<Runtime, 'sweeps' | 'catalog' | 'index' | 'workers' | 'queue' | 'redis' | 'storage' | 'config' | 'cancelFlags'>;
  events?: EventHub;
  /** Serves the leaderboard page for non-API paths; false when the path is not an asset. */
  serveAsset?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean> | boolean;
}

type Handler = (req: IncomingMessage, res: ServerResponse, params: string[], url: URL) => Promise<void>;

const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const FILE_TYPES: Record<string, string> = { '.json': 'application/json', '.bin': 'application/octet-stream', '.jsonl': 'application/x-ndjson', '.png': 'image/png' };

/** The JSON HTTP API of `fermx serve` (contracts.md); reads are open, writes need the bearer token. */
export function createApiHandler(deps: ApiDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { runtime } = deps;
  const token = runtime.config.apiToken;
  const routes: [string, RegExp, Handler][] = [
    ['GET', /^\/api\/health$/, async (_req, res) => {
      const redisOk = await runtime.redis.ping().then(() => true, () => false);
      sendJson(res, redisOk ? 200 : 503, { ok: redisOk, redis: redisOk });
    }],
    ['GET', /^\/api\/sweeps$/, async (_req, res) => sendJson(res, 200, { sweeps: await runtime.sweeps.list() })],
    ['POST', /^\/api\/sweeps$/, async (req, res) => {
      checkBearer(req, token);
      const body = await readBody(req);
      let input: unknown;
      try {
        const yaml = /yaml/i.test(req.headers['content-type'] ?? '');
        input = parseSpecText(body, yaml ? 'body.yaml' : 'body.json');
      } catch (error) {
        throw new HttpError(400, error instanceof SpecFileError ? error.message : 'unreadable body');
      }
      const outcome = await runtime.sweeps.submit(input);
      if (!outcome.ok) throw new HttpError(400, outcome.error, outcome.issues);
      const { ok: _ok, ...body201 } = outcome;
      sendJson(res, 201, body201);
    }],
    ['GET', /^\/api\/sweeps\/([^/]+)$/, async (_req, res, [id]) => {
      const status = await runtime.sweeps.status(id!);
      if (!status) throw new HttpError(404, `no sweep ${id}`);
      sendJson(res, 200, status);
    }],
    ['POST', /^\/api\/sweeps\/([^/]+)\/cancel$/, async (req, res, [id]) => {
      checkBearer(req, token);
      const outcome = await runtime.sweeps.cancel(id!);
      if (!outcome) throw new HttpError(404, `no sweep ${id}`);
      sendJson(res, 200, outcome);
    }],
    ['GET', /^\/api\/leaderboard$/, async (_req, res, _p, url) => {
      const query: LeaderboardQuery = {};
      const q = url.searchParams;
      if (q.get('sweep')) query.sweepId = q.get('sweep')!;
      if (q.get('dataset')) query.dataset = absoluteDatasetUri(q.get('dataset')!);
      if (q.get('model')) query.model = q.get('model')!;
      const status = q.get('status');
      if (status) {
        if (status !== 'completed' && status !== 'stopped-early') throw new HttpError(400, 'status must be completed or stopped-early', [{ path: 'status', message: 'must be completed or stopped-early' }]);
        query.status = status;
      }
      if (q.get('limit')) query.limit = Math.max(1, Number.parseInt(q.get('limit')!, 10) || 1);
      sendJson(res, 200, { rows: await runtime.index.query(query) });
    }],
    ['GET', /^\/api\/trials\/([^/]+)$/, async (_req, res, [id]) => sendJson(res, 200, await trialDetail(deps, id!))],
    ['GET', /^\/api\/trials\/([^/]+)\/files\/([^/]+)$/, async (_req, res, [id, name]) => {
      if (!FILE_NAME.test(name!)) throw new HttpError(400, 'bad file name');
      const sweepId = await sweepOfTrial(deps, id!);
      if (!sweepId) throw new HttpError(404, `no trial ${id}`);
      const dir = runKeys.dir(sweepId, id!);
      const bytes = (await runtime.storage.getOptional(`${dir}/model/${name}`)) ?? (await runtime.storage.getOptional(`${dir}/${name}`));
      if (!bytes) throw new HttpError(404, `no file ${name} for trial ${id}`);
      res.statusCode = 200;
      res.setHeader('Content-Type', FILE_TYPES[extname(name!)] ?? 'application/octet-stream');
      res.setHeader('Content-Length', bytes.byteLength);
      res.end(bytes);
    }],
    ['GET', /^\/api\/events$/, async (_req, res) => {
      if (!deps.events) throw new HttpError(503, 'live events are not available');
      deps.events.attach(res);
    }],
    // Queue depth for autoscalers (KEDA metrics-api, infra/k8s/scaledobject.yaml): prioritised
    // trials sit outside BullMQ's plain wait list, so `runnable` counts both.
    ['GET', /^\/api\/queue$/, async (_req, res) => {
      const counts = await runtime.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'paused', 'completed', 'failed');
      sendJson(res, 200, { queue: runtime.queue.name, runnable: (counts.waiting ?? 0) + (counts.prioritized ?? 0), ...counts });
    }],
    ['GET', /^\/api\/workers$/, async (_req, res) => sendJson(res, 200, { workers: await runtime.workers.list() })],
  ];

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
        const matching = routes.filter(([, pattern]) => pattern.test(url.pathname));
        if (matching.length === 0) throw new HttpError(404, `no API route ${url.pathname}`);
        const route = matching.find(([method]) => method === req.method || (method === 'GET' && req.method === 'HEAD'));
        if (!route) {
          res.setHeader('Allow', [...new Set(matching.map(([m]) => m))].join(', '));
          throw new HttpError(405, `${req.method} not allowed on ${url.pathname}`);
        }
        const params = route[1].exec(url.pathname)!.slice(1).map((p) => decodeURIComponent(p));
        await route[2](req, res, params, url);
        return;
      }
      if (deps.serveAsset && (await deps.serveAsset(req, res))) return;
      throw new HttpError(404, `not found: ${url.pathname}`);
    } catch (error) {
      if (res.headersSent) {
        res.end();
        return;
      }
      if (error instanceof HttpError) {
        if (error.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
        sendJson(res, error.status, { error: error.message, ...(error.issues ? { issues: error.issues } : {}) });
      } else {
        sendJson(res, 500, { error: (error as Error).message });
      }
    }
  };
}

async function sweepOfTrial(deps: ApiDeps, trialId: string): Promise<string | undefined> {
  const row = await deps.runtime.index.get(trialId);
  if (row) return row.sweepId;
  const job = await deps.runtime.queue.getJob(trialId);
  return job?.data.sweepId;
}

async function trialDetail(deps: ApiDeps, trialId: string) {
  const { runtime } = deps;
  const [job, row] = await Promise.all([runtime.queue.getJob(trialId), runtime.index.get(trialId)]);
  const sweepId = row?.sweepId ?? job?.data.sweepId;
  if (!sweepId) throw new HttpError(404, `no trial ${trialId}`);
  let trial: TrialSpec | undefined = job?.data;
  if (!trial) trial = (await runtime.catalog.get(sweepId))?.trials.find((t) => t.trialId === trialId);
  const states = await readTrialStates(runtime.redis, [trialId], { prefix: runtime.config.prefix });
  const state = states.get(trialId);
  const cancelled = await runtime.cancelFlags.isCancelled(sweepId);
  let result: TrialResult | undefined;
  const bytes = await runtime.storage.getOptional(runKeys.result(sweepId, trialId));
  if (bytes) {
    const parsed = TrialResultSchema.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
    if (parsed.success) result = parsed.data;
  }
  const modelDir = `${runKeys.model(sweepId, trialId)}/`;
  const modelFiles = (await runtime.storage.list(modelDir)).map((key) => key.slice(modelDir.length)).filter((name) => FILE_NAME.test(name))
    .map((name) => ({ name, url: `/api/trials/${trialId}/files/${name}` }));
  return {
    trial,
    status: trialStatus(state, row, cancelled),
    ...(state?.progress ? { progress: state.progress } : {}),
    ...(state?.failedReason ? { failedReason: state.failedReason } : {}),
    ...(result ? { result } : {}),
    modelFiles,
  };
}
