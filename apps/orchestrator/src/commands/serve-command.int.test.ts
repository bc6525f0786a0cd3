import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, RedisServer, runCliCaptured } from '@fermx/testing';
import { commands } from '../main.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
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
    const port = await freePort();
    const child = spawn(process.execPath, [join(REPO, 'bin/fermx.mjs'), 'serve', '--port', String(port)], {
      cwd: REPO,
      env: { ...process.env, ...env, FERMX_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await expect.poll(() => out, { timeout: 60_000, interval: 200 }).toContain('\n');
      expect(out).toBe(
        `fermx serve: listening on 127.0.0.1:${port} (writes open to this machine: no FERMX_API_TOKEN); leaderboard at http://127.0.0.1:${port}/  API at http://127.0.0.1:${port}/api\n`,
      );
      expect(err).toContain('"msg":"writes are open: no FERMX_API_TOKEN is set');
      expect((await fetch(`http://127.0.0.1:${port}/livez`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
