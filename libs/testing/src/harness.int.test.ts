import { request, Agent } from 'node:http';
import { createConnection } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '@fermx/cli';
import { S3Server } from './s3-server.js';

function redisCommand(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => socket.write(command));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString());
    });
    socket.once('error', reject);
  });
}

describe('integration harness', () => {
  let redis: RedisServer;
  let s3: S3Server;
  beforeAll(async () => {
    redis = await RedisServer.start({ appendOnly: true });
    s3 = await S3Server.start({ buckets: ['harness'] });
  });
  afterAll(async () => {
    await redis?.dispose();
    await s3?.dispose();
  });

  it('runs a real redis-server whose AOF survives a restart', async () => {
    expect(await redisCommand(redis.port, 'SET k v\r\n')).toBe('+OK\r\n');
    await redis.restart();
    expect(await redisCommand(redis.port, 'GET k\r\n')).toBe('$1\r\nv\r\n');
  });

  it('runs a real S3 server that lists its bucket and goes away when paused', async () => {
    const list = await fetch(`${s3.endpoint}/`);
    expect(await list.text()).toContain('<Name>harness</Name>');
    await s3.pause();
    await expect(fetch(`${s3.endpoint}/`)).rejects.toThrow();
    await s3.resume();
    expect((await fetch(`${s3.endpoint}/harness`)).status).toBe(200);
  });

  it('pausing cuts a keep-alive connection in the middle of a request, as an outage would', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const put = request(`${s3.endpoint}/harness/slow-object`, { method: 'PUT', agent, headers: { 'content-length': '2048' } });
      const outcome = new Promise<string>((resolve) => {
        put.once('response', (res) => resolve(`answered ${res.statusCode}`));
        put.once('error', (error) => resolve(`cut: ${error.message}`));
      });
      put.write(Buffer.alloc(1024)); // half the body: the server is busy with this request
      await new Promise((r) => setTimeout(r, 300));
      // Closing the listener alone would wait for this connection as long as the client keeps it.
      const paused = await Promise.race([s3.pause().then(() => 'paused'), new Promise((r) => setTimeout(() => r('still waiting after 5 s'), 5_000))]);
      expect(paused).toBe('paused');
      expect(await outcome).toMatch(/^cut: /);
    } finally {
      agent.destroy();
      await s3.resume();
    }
  });
});
