import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer, runCliCaptured, startFermxServe } from '@fermx/testing';
import { commands } from '../main.js';

let redis: RedisServer;
let dir: string;
let env: NodeJS.ProcessEnv;
let squatter: Server;
let busyPort: number;

beforeAll(async () => {
  redis = await RedisServer.start();
  dir = mkdtempSync(join(tmpdir(), 'fermx-serve-'));
  env = { REDIS_URL: redis.url, FERMX_STORAGE: pathToFileURL(dir).href, FERMX_REDIS_PREFIX: `serve-${randomUUID()}`, FERMX_LOG_LEVEL: 'silent' };
  squatter = createServer();
  await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
  busyPort = (squatter.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise<void>((r) => squatter?.close(() => r()));
  await redis?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('fermx serve', () => {
  it('on a busy port: one line naming the port, exit 1, no stack, no hang', async () => {
    const started = Date.now();
    const { code, out, err } = await runCliCaptured(['serve', '--port', String(busyPort)], commands, env);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toBe(`fermx serve: port ${busyPort} is already in use on 127.0.0.1 (another fermx serve?); pick another with --port or PORT\n`);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('refuses to listen beyond loopback without a token (exit 2, naming the fix)', async () => {
    const { code, err } = await runCliCaptured(['serve', '--port', '0', '--host', '0.0.0.0'], commands, env);
    expect(code).toBe(2);
    expect(err).toContain('FERMX_HOST: listening on 0.0.0.0 needs FERMX_API_TOKEN');
  });

  it('without a token listens on 127.0.0.1 and its banner says so; SIGTERM stops it', async () => {
    const server = await startFermxServe({ env: { ...process.env, ...env, FERMX_LOG_LEVEL: 'warn' } });
    const { port } = server;
    let code: number | null;
    try {
      await expect.poll(() => server.stdout(), { timeout: 10_000, interval: 200 }).toContain('\n');
      expect(server.stdout()).toBe(
        `fermx serve: listening on 127.0.0.1:${port} (writes open to this machine: no FERMX_API_TOKEN); leaderboard at http://127.0.0.1:${port}/  API at http://127.0.0.1:${port}/api\n`,
      );
      expect(server.stderr()).toContain('"msg":"writes are open: no FERMX_API_TOKEN is set');
      expect((await fetch(`${server.base}/livez`)).status).toBe(200);
    } finally {
      code = await server.stop();
    }
    // SIGTERM alone stopped it, cleanly (stop() sends SIGKILL only after 5 s, and then the code is null).
    expect(code).toBe(0);
  });
});
