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
});
