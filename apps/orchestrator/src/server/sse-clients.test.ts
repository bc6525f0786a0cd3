import { createServer, request, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { SseClients } from './sse-clients.js';

// Real connections on loopback: a stalled reader must be dropped, not buffered for ever.

let server: Server | undefined;
const sockets: Socket[] = [];

async function serve(clients: SseClients): Promise<number> {
  server = createServer((_req, res: ServerResponse) => {
    if (!clients.open(res)) {
      res.statusCode = 503;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A client that sends the request and then never reads: its socket is paused from the start. */
function stalledClient(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write('GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      socket.pause();
      resolve(socket);
    });
    socket.on('error', reject);
    sockets.push(socket);
  });
}

function readingClient(port: number): Promise<{ status: number; received: () => number }> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    const req = request({ host: '127.0.0.1', port, path: '/api/events' }, (res) => {
      res.on('data', (d: Buffer) => (bytes += d.length));
      resolve({ status: res.statusCode ?? 0, received: () => bytes });
    });
    req.on('error', reject);
    req.on('socket', (s) => sockets.push(s));
    req.end();
  });
}

describe('SseClients', () => {
  it('drops a client that stops reading once its unsent bytes pass the limit, and keeps feeding the others', async () => {
    const clients = new SseClients(pino({ level: 'silent' }), { maxClients: 10, maxBufferedBytes: 256 * 1024 });
    const port = await serve(clients);
    const stalled = await stalledClient(port);
    const reader = await readingClient(port);
    expect(reader.status).toBe(200);
    await expect.poll(() => clients.size).toBe(2);
    const closed = new Promise<void>((resolve) => stalled.once('close', () => resolve()));
    const event = `event: progress\ndata: ${'x'.repeat(64 * 1024)}\n\n`;
    // 64 MB in all: far more than loopback socket buffers hold, so the stalled stream backs up.
    for (let i = 0; i < 1024 && clients.size === 2; i++) {
      clients.broadcast(event);
      await new Promise((r) => setImmediate(r));
    }
    expect(clients.size).toBe(1);
    stalled.resume();
    await closed;
    clients.broadcast(event);
    await expect.poll(() => reader.received(), { timeout: 5_000 }).toBeGreaterThan(64 * 1024);
  });

  it('refuses streams beyond maxClients until one closes', async () => {
    const clients = new SseClients(pino({ level: 'silent' }), { maxClients: 2 });
    const port = await serve(clients);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await readingClient(port)).status);
    expect(statuses).toEqual([200, 200, 503]);
    sockets[0]!.destroy();
    await expect.poll(() => clients.size).toBe(1);
    expect((await readingClient(port)).status).toBe(200);
  });
});
