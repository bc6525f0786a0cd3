import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@fermx/cli';
import type { Runtime } from '../runtime.js';
import { createApiHandler, type ApiDeps } from './api.js';
import { EventHub } from './event-hub.js';
import { DispatchLoop } from '../sweeps/dispatch-loop.js';
import { SearchLoop } from '../sweeps/search-loop.js';

export interface RunningServer {
  server: Server;
  /** Where to reach it from this machine (127.0.0.1 when listening on every interface). */
  url: string;
  /** The address it listens on, as bound (`127.0.0.1`, `0.0.0.0`, `::1`, …). */
  host: string;
  port: number;
  close(): Promise<void>;
}

/** `fermx serve` could not listen: the port is taken or not ours to use. One line, no stack. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
}

/**
 * Starts `fermx serve`: the JSON API under /api, live events, and the leaderboard page. Listens on
 * runtime.config.host (loopback unless a token is set, see config.ts) unless `host` is given.
 */
export async function startServer(
  runtime: Runtime,
  options: { port: number; host?: string; log: Logger; serveAsset?: ApiDeps['serveAsset']; dispatchIntervalMs?: number },
): Promise<RunningServer> {
  const { log } = options;
  const host = options.host ?? runtime.config.host;
  const events = new EventHub({
    redisUrl: runtime.config.redisUrl,
    redis: runtime.redis,
    keys: { prefix: runtime.config.prefix },
    log,
    sse: { maxClients: runtime.config.sseMaxClients },
  });
  const deps: ApiDeps = { runtime, events, log };
  if (options.serveAsset) deps.serveAsset = options.serveAsset;
  const handle = createApiHandler(deps);
  const server = createServer((req, res) => {
    const started = Date.now();
    res.on('finish', () => log.debug({ method: req.method, url: req.url, status: res.statusCode, ms: Date.now() - started }, 'http request'));
    void handle(req, res);
  });
  // Listen first: a taken port fails at once, before any Redis connection is opened.
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, host, options.port)));
    server.listen(options.port, host, () => resolve());
  });
  try {
    await events.start();
  } catch (error) {
    await events.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  }
  // Held trials of paused or capped sweeps are dispatched from here (docs/ORCHESTRATOR.md, Steering a sweep).
  const dispatcher = new DispatchLoop(runtime.sweeps, log, options.dispatchIntervalMs);
  dispatcher.start();
  // Model-based (tpe) sweeps propose their next trials here as results arrive (docs/ORCHESTRATOR.md, Search strategies).
  const search = new SearchLoop(runtime.sweeps.search, {
    redisUrl: runtime.config.redisUrl,
    keys: { prefix: runtime.config.prefix },
    log,
    ...(options.dispatchIntervalMs ? { intervalMs: options.dispatchIntervalMs } : {}),
  });
  await search.start();
  const { port } = server.address() as AddressInfo;
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  if (!runtime.config.apiToken)
    log.warn(
      { host, port },
      'writes are open: no FERMX_API_TOKEN is set, so only this machine may connect (loopback) and anyone on it may submit or cancel sweeps',
    );
  let closing: Promise<void> | undefined;
  return {
    server,
    url: `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`,
    host,
    port,
    close: () =>
      (closing ??= (async () => {
        await dispatcher.stop();
        await search.stop();
        await events.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })()),
  };
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE') return new ListenError(`port ${port} is already in use on ${host} (another fermx serve?); pick another with --port or PORT`);
  if (error.code === 'EACCES') return new ListenError(`not allowed to listen on port ${port} on ${host}; use a port above 1023`);
  if (error.code === 'EADDRNOTAVAIL') return new ListenError(`cannot listen on ${host}:${port}: no such local address (FERMX_HOST)`);
  return error;
}
