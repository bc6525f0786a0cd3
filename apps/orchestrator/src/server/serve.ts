import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@fermx/cli';
import type { Runtime } from '../runtime.js';
import { createApiHandler, type ApiDeps } from './api.js';
import { EventHub } from './event-hub.js';

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Starts `fermx serve`: the JSON API under /api, live events, and the leaderboard page. */
export async function startServer(runtime: Runtime, options: { port: number; host?: string; log: Logger; serveAsset?: ApiDeps['serveAsset'] }): Promise<RunningServer> {
  const events = new EventHub({ redisUrl: runtime.config.redisUrl, redis: runtime.redis, keys: { prefix: runtime.config.prefix }, log: options.log });
  await events.start();
  const deps: ApiDeps = { runtime, events };
  if (options.serveAsset) deps.serveAsset = options.serveAsset;
  const handle = createApiHandler(deps);
  const server = createServer((req, res) => {
    const started = Date.now();
    res.on('finish', () => options.log.debug({ method: req.method, url: req.url, status: res.statusCode, ms: Date.now() - started }, 'http request'));
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      (closing ??= (async () => {
        await events.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })()),
  };
}
