import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname } from 'node:path';
import { runKeys, TrialResultSchema, type TrialResult, type TrialSpec } from '@fermx/contracts';
import { readTrialStates, type LeaderboardQuery } from '@fermx/queue';
import { absoluteDatasetUri } from '../sweeps/dataset-uri.js';
import { aggregatedLeaderboard, rankedLeaderboard } from '../leaderboard/leaderboard-query.js';
import { sweepAnalysis } from '../leaderboard/sweep-analysis-query.js';
import { parseSpecText, SpecFileError } from '../sweeps/spec-file.js';
import { trialStatus } from '../sweeps/sweep-service.js';
import type { Logger } from '@fermx/cli';
import type { Runtime } from '../runtime.js';
import type { EventHub } from './event-hub.js';
import { HttpError, readBody, sendJson } from './http-io.js';
import { modelRoutes } from './model-routes.js';
import { ID_PATTERNS, requestId, type IdKind } from './request-ids.js';
import { runSteering, STEERING_ACTIONS } from './steering-requests.js';
import { readTrialSettings } from './enqueue-request.js';
import { checkLoopbackHost, guardWrite, isReadMethod, type WritePolicy } from './write-guard.js';

export interface ApiDeps {
  runtime: Pick<Runtime, 'sweeps' | 'catalog' | 'index' | 'workers' | 'queue' | 'redis' | 'storage' | 'config' | 'cancelFlags' | 'halving'>;
  events?: EventHub;
  /** Where unexpected errors go (their messages may name storage paths, so answers never carry them). */
  log?: Logger;
  /** Serves the leaderboard page for non-API paths; false when the path is not an asset. */
  serveAsset?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean> | boolean;
}

type Handler = (req: IncomingMessage, res: ServerResponse, params: string[], url: URL) => Promise<void>;
/** Method, path pattern, the id kind of each captured segment (validated before the handler runs), handler. */
type Route = [string, RegExp, IdKind[], Handler];

const PROBE_TIMEOUT_MS = 2_000;
const FILE_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.jsonl': 'application/x-ndjson',
  '.png': 'image/png',
};

/**
 * The JSON HTTP API of `fermx serve` (docs/ORCHESTRATOR.md). Every route declares the id kind of
 * each path segment it captures (checked by requestId before it runs), and every write passes
 * guardWrite (same origin, bearer token, JSON/YAML body) before it runs: routes added to the table
 * inherit both.
 */
export function createApiHandler(deps: ApiDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { runtime } = deps;
  const policy: WritePolicy = { token: runtime.config.apiToken };
  const redisReachable = () =>
    withTimeout(runtime.redis.ping(), PROBE_TIMEOUT_MS).then(
      () => true,
      () => false,
    );
  const routes: Route[] = [
    [
      'GET',
      /^\/api\/health$/,
      [],
      async (_req, res) => {
        const redisOk = await redisReachable();
        sendJson(res, redisOk ? 200 : 503, { ok: redisOk, redis: redisOk });
      },
    ],
    ['GET', /^\/api\/sweeps$/, [], async (_req, res) => sendJson(res, 200, { sweeps: await runtime.sweeps.list() })],
    [
      'POST',
      /^\/api\/sweeps$/,
      [],
      async (req, res, _p, url) => {
        const dryRun = url.searchParams.get('dryRun');
        if (dryRun !== null && dryRun !== 'true' && dryRun !== 'false')
          throw new HttpError(400, 'dryRun must be true or false', [{ path: 'dryRun', message: 'must be true or false' }]);
        const body = await readBody(req);
        let input: unknown;
        try {
          const yaml = /yaml/i.test(req.headers['content-type'] ?? '');
          input = parseSpecText(body, yaml ? 'body.yaml' : 'body.json');
        } catch (error) {
          throw new HttpError(400, error instanceof SpecFileError ? error.message : 'unreadable body');
        }
        const outcome = await runtime.sweeps.submit(input, { dryRun: dryRun === 'true' });
        if (!outcome.ok) throw new HttpError(400, outcome.error, outcome.issues);
        const { ok: _ok, ...created } = outcome;
        // A dry run creates nothing: 200 with what a submit would do.
        sendJson(res, outcome.dryRun ? 200 : 201, created);
      },
    ],
    [
      'GET',
      /^\/api\/sweeps\/([^/]+)$/,
      ['sweepId'],
      async (_req, res, [id]) => {
        const status = await runtime.sweeps.status(id!);
        if (!status) throw new HttpError(404, `no sweep ${id}`);
        sendJson(res, 200, status);
      },
    ],
    [
      'POST',
      /^\/api\/sweeps\/([^/]+)\/cancel$/,
      ['sweepId'],
      async (_req, res, [id]) => {
        const outcome = await runtime.sweeps.cancel(id!);
        if (!outcome) throw new HttpError(404, `no sweep ${id}`);
        sendJson(res, 200, outcome);
      },
    ],
    // One specific trial (`fermx sweep enqueue`): body { set: { name: value }, variant? } -> 201 { sweepId, trialId, enqueued }.
    [
      'POST',
      /^\/api\/sweeps\/([^/]+)\/trials$/,
      ['sweepId'],
      async (req, res, [id]) => {
        const outcome = await runtime.sweeps.enqueue(id!, await readTrialSettings(req));
        if (!outcome) throw new HttpError(404, `no sweep ${id}`);
        if (!outcome.ok) throw new HttpError(400, outcome.error, outcome.issues);
        const { ok: _ok, ...created } = outcome;
        sendJson(res, 201, created);
      },
    ],
    // Steering (docs/ORCHESTRATOR.md): POST /api/sweeps/:id/pause | resume | extend | retry | set.
    ...STEERING_ACTIONS.map((action): Route => [
      'POST',
      new RegExp(`^/api/sweeps/([^/]+)/${action}$`),
      ['sweepId'],
      async (req, res, [id]) => sendJson(res, 200, await runSteering(req, action, runtime.sweeps, id!)),
    ]),
    [
      'GET',
      /^\/api\/sweeps\/([^/]+)\/analysis$/,
      ['sweepId'],
      async (_req, res, [id]) => {
        const analysis = await sweepAnalysis(runtime, id!);
        if (!analysis) throw new HttpError(404, `no sweep ${id}`);
        sendJson(res, 200, analysis);
      },
    ],
    [
      'GET',
      /^\/api\/leaderboard$/,
      [],
      async (_req, res, _p, url) => {
        const query: LeaderboardQuery = {};
        const q = url.searchParams;
        if (q.get('sweep')) query.sweepId = q.get('sweep')!;
        if (q.get('dataset')) query.dataset = absoluteDatasetUri(q.get('dataset')!);
        if (q.get('model')) query.model = q.get('model')!;
        const status = q.get('status');
        if (status) {
          if (status !== 'completed' && status !== 'stopped-early')
            throw new HttpError(400, 'status must be completed or stopped-early', [{ path: 'status', message: 'must be completed or stopped-early' }]);
          query.status = status;
        }
        if (q.get('limit')) query.limit = Math.max(1, Number.parseInt(q.get('limit')!, 10) || 1);
        const aggregate = q.get('aggregate');
        if (aggregate && aggregate !== 'repeats') throw new HttpError(400, 'aggregate must be repeats', [{ path: 'aggregate', message: 'must be repeats' }]);
        sendJson(res, 200, aggregate ? { rows: await aggregatedLeaderboard(runtime, query), aggregate } : { rows: await rankedLeaderboard(runtime, query) });
      },
    ],
    ['GET', /^\/api\/trials\/([^/]+)$/, ['trialId'], async (_req, res, [id]) => sendJson(res, 200, await trialDetail(deps, id!))],
    [
      'GET',
      /^\/api\/trials\/([^/]+)\/files\/([^/]+)$/,
      ['trialId', 'fileName'],
      async (_req, res, [id, name]) => {
        const sweepId = await sweepOfTrial(deps, id!);
        if (!sweepId) throw new HttpError(404, `no trial ${id}`);
        const dir = runKeys.dir(sweepId, id!);
        const bytes = (await runtime.storage.getOptional(`${dir}/model/${name}`)) ?? (await runtime.storage.getOptional(`${dir}/${name}`));
        if (!bytes) throw new HttpError(404, `no file ${name} for trial ${id}`);
        res.statusCode = 200;
        res.setHeader('Content-Type', FILE_TYPES[extname(name!)] ?? 'application/octet-stream');
        res.setHeader('Content-Length', bytes.byteLength);
        res.end(bytes);
      },
    ],
    [
      'GET',
      /^\/api\/events$/,
      [],
      async (_req, res) => {
        if (!deps.events) throw new HttpError(503, 'live events are not available');
        if (!deps.events.attach(res)) throw new HttpError(503, 'too many live event streams; try again later', undefined, { 'Retry-After': '30' });
      },
    ],
    // Queue depth for autoscalers (KEDA metrics-api, infra/k8s/scaledobject.yaml): prioritised
    // trials sit outside BullMQ's plain wait list, so `runnable` counts both.
    [
      'GET',
      /^\/api\/queue$/,
      [],
      async (_req, res) => {
        const counts = await runtime.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'paused', 'completed', 'failed');
        sendJson(res, 200, { queue: runtime.queue.name, runnable: (counts.waiting ?? 0) + (counts.prioritized ?? 0), ...counts });
      },
    ],
    ['GET', /^\/api\/workers$/, [], async (_req, res) => sendJson(res, 200, { workers: await runtime.workers.list() })],
    // Promoted models (docs/PREDICT.md): GET /api/models, GET /api/models/:name, its files, POST /api/models/promote.
    ...modelRoutes(runtime.storage),
  ];

  // Kubernetes probes: alive = the process answers (never Redis: an outage must not restart-loop
  // the orchestrator); ready = Redis answers (infra/k8s/orchestrator.yaml).
  const probes: Record<string, (res: ServerResponse) => Promise<void>> = {
    '/livez': async (res) => sendJson(res, 200, { ok: true }),
    '/readyz': async (res) => {
      const redisOk = await redisReachable();
      sendJson(res, redisOk ? 200 : 503, { ok: redisOk, redis: redisOk });
    },
  };

  return async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const probe = probes[url.pathname];
      if (probe && isReadMethod(req.method)) {
        await probe(res);
        return;
      }
      if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
        checkLoopbackHost(req, policy);
        const matching = routes.filter(([, pattern]) => pattern.test(url.pathname));
        if (matching.length === 0) throw new HttpError(404, `no API route ${url.pathname}`);
        const route = matching.find(([method]) => method === req.method || (method === 'GET' && req.method === 'HEAD'));
        if (!route) {
          res.setHeader('Allow', [...new Set(matching.map(([m]) => m))].join(', '));
          throw new HttpError(405, `${req.method} not allowed on ${url.pathname}`);
        }
        if (!isReadMethod(req.method)) guardWrite(req, policy);
        const kinds = route[2];
        const params = route[1]
          .exec(url.pathname)!
          .slice(1)
          .map((segment, i) => requestId(kinds[i]!, segment));
        await route[3](req, res, params, url);
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
        for (const [name, value] of Object.entries(error.headers ?? {})) res.setHeader(name, value);
        sendJson(res, error.status, { error: error.message, ...(error.issues ? { issues: error.issues } : {}) });
      } else if (error instanceof URIError) {
        sendJson(res, 400, { error: 'malformed URL: bad percent-encoding' });
      } else {
        // Storage and Redis messages name paths and hosts: they go to the log, the client gets a plain line.
        const unavailable = error instanceof Error && (error.name === 'StorageUnavailableError' || error.name === 'RedisUnavailableError');
        deps.log?.error({ err: error instanceof Error ? error.message : String(error), method: req.method, url: req.url }, 'API request failed');
        sendJson(res, unavailable ? 503 : 500, { error: unavailable ? 'storage or Redis is unavailable; try again' : 'internal error (see the server log)' });
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
  const { result, resultError } = await readTrialResult(deps, sweepId, trialId);
  const modelDir = `${runKeys.model(sweepId, trialId)}/`;
  const modelFiles = (await runtime.storage.list(modelDir))
    .map((key) => key.slice(modelDir.length))
    .filter((name) => ID_PATTERNS.fileName.test(name))
    .map((name) => ({ name, url: `/api/trials/${trialId}/files/${name}` }));
  return {
    trial,
    status: trialStatus(state, row, cancelled),
    ...(state?.progress ? { progress: state.progress } : {}),
    ...(state?.failedReason ? { failedReason: state.failedReason } : {}),
    ...(result ? { result } : {}),
    ...(resultError ? { resultError } : {}),
    modelFiles,
  };
}

/** The trial's result.json; a corrupt one is reported for that trial (resultError), never a 500. */
async function readTrialResult(deps: ApiDeps, sweepId: string, trialId: string): Promise<{ result?: TrialResult; resultError?: string }> {
  const bytes = await deps.runtime.storage.getOptional(runKeys.result(sweepId, trialId));
  if (!bytes) return {};
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    deps.log?.warn({ sweepId, trialId }, 'result.json is not valid JSON');
    return { resultError: "this trial's result.json is corrupt (not valid JSON); rerun the trial or restore the file" };
  }
  const parsed = TrialResultSchema.safeParse(json);
  if (parsed.success) return { result: parsed.data };
  const first = parsed.error.issues[0];
  deps.log?.warn({ sweepId, trialId, issues: parsed.error.issues.length }, 'result.json does not match the result schema');
  return {
    resultError: `this trial's result.json does not match the result schema (${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid'})`,
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
