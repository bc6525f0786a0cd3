import type { ServerResponse } from 'node:http';
import type { Logger } from '@fermx/cli';

export interface SseLimits {
  /** Most concurrent streams; open() refuses more. */
  maxClients: number;
  /** Bytes a stream may have waiting unsent; a client that stops reading is dropped beyond it. */
  maxBufferedBytes: number;
}

export const DEFAULT_SSE_LIMITS: SseLimits = { maxClients: 100, maxBufferedBytes: 1024 * 1024 };

/**
 * The open server-sent-event streams of `/api/events`: capped at maxClients, and a stream whose
 * client does not drain is closed once maxBufferedBytes wait unsent, so a stalled client never
 * makes the server buffer without bound.
 */
export class SseClients {
  private readonly clients = new Set<ServerResponse>();
  readonly limits: SseLimits;

  constructor(
    private readonly log: Logger,
    limits: Partial<SseLimits> = {},
  ) {
    this.limits = { ...DEFAULT_SSE_LIMITS, ...limits };
  }

  get size(): number {
    return this.clients.size;
  }

  /** Starts a stream on `res`; false (nothing written) when maxClients streams are open. */
  open(res: ServerResponse): boolean {
    if (this.clients.size >= this.limits.maxClients) {
      this.log.warn({ clients: this.clients.size, maxClients: this.limits.maxClients }, 'event stream refused: too many clients');
      return false;
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write(': connected\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    return true;
  }

  broadcast(text: string): void {
    for (const client of this.clients) {
      if (client.writableLength + Buffer.byteLength(text) > this.limits.maxBufferedBytes) {
        this.clients.delete(client);
        this.log.warn(
          { bufferedBytes: client.writableLength, maxBufferedBytes: this.limits.maxBufferedBytes },
          'event stream dropped: the client is not reading',
        );
        client.destroy();
        continue;
      }
      client.write(text);
    }
  }

  closeAll(): void {
    for (const client of this.clients) client.end();
    this.clients.clear();
  }
}
