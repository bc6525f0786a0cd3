import type { ServerResponse } from 'node:http';
import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { TrialProgress } from '@fermx/contracts';
import { parseTrialJobSummary, resolveKeySpace, trialJobSweepId, workerConnection } from '@fermx/queue';
import type { Logger } from '@fermx/cli';
import { SseClients, type SseLimits } from './sse-clients.js';

export type TrialEvent =
  | { event: 'progress'; data: { trialId: string; sweepId: string | undefined; progress: TrialProgress } }
  | { event: 'trial'; data: { trialId: string; sweepId: string | undefined; status: string; failedReason?: string } };

/**
 * Fans BullMQ queue events out to server-sent-event clients. It writes nothing: the worker that
 * finished a trial is the one writer of its leaderboard row (libs/queue LeaderboardIndex).
 */
export class EventHub {
  private readonly clients: SseClients;
  private readonly sweepOf = new Map<string, string>();
  private events: QueueEvents | undefined;
  private connection: ReturnType<typeof workerConnection> | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly deps: { redisUrl: string; redis: Redis; keys: { prefix: string; queueName?: string }; log: Logger; sse?: Partial<SseLimits> }) {
    this.clients = new SseClients(deps.log, deps.sse);
  }

  async start(): Promise<void> {
    const { prefix, queueName } = resolveKeySpace(this.deps.keys);
    this.connection = workerConnection(this.deps.redisUrl);
    const events = new QueueEvents(queueName, { connection: this.connection, prefix });
    this.events = events;
    events.on('error', (error) => this.deps.log.warn({ err: error.message }, 'queue events error'));
    events.on('progress', ({ jobId, data }) => void this.progress(jobId, data));
    events.on('active', ({ jobId }) => void this.status(jobId, 'active'));
    events.on('waiting', ({ jobId }) => void this.status(jobId, 'waiting'));
    events.on('failed', ({ jobId, failedReason }) => void this.status(jobId, 'failed', failedReason));
    events.on('completed', ({ jobId, returnvalue }) => void this.completed(jobId, returnvalue));
    await events.waitUntilReady();
    // Comments keep idle SSE connections open through proxies.
    this.heartbeat = setInterval(() => this.broadcast(': keep-alive\n\n'), 15_000);
  }

  /** Starts an event stream on `res`; false when the stream cap is reached (see SseClients). */
  attach(res: ServerResponse): boolean {
    return this.clients.open(res);
  }

  emit(message: TrialEvent): void {
    this.broadcast(`event: ${message.event}\ndata: ${JSON.stringify(message.data)}\n\n`);
  }

  close(): Promise<void> {
    return (this.closing ??= (async () => {
      clearInterval(this.heartbeat);
      this.clients.closeAll();
      await this.events?.close().catch(() => undefined);
      // BullMQ leaves a connection it was given open; this one is ours.
      await this.connection?.quit().catch(() => this.connection?.disconnect());
    })());
  }

  private broadcast(text: string): void {
    this.clients.broadcast(text);
  }

  private async sweepIdOf(trialId: string): Promise<string | undefined> {
    const known = this.sweepOf.get(trialId);
    if (known) return known;
    const sweepId = await trialJobSweepId(this.deps.redis, trialId, this.deps.keys).catch(() => undefined);
    if (sweepId) {
      if (this.sweepOf.size > 50_000) this.sweepOf.clear();
      this.sweepOf.set(trialId, sweepId);
    }
    return sweepId;
  }

  private async progress(trialId: string, data: unknown): Promise<void> {
    if (typeof data !== 'object' || data === null) return;
    this.emit({ event: 'progress', data: { trialId, sweepId: await this.sweepIdOf(trialId), progress: data as TrialProgress } });
  }

  private async status(trialId: string, status: string, failedReason?: string): Promise<void> {
    const data = { trialId, sweepId: await this.sweepIdOf(trialId), status, ...(failedReason ? { failedReason } : {}) };
    this.emit({ event: 'trial', data });
  }

  /** The job's return value is a summary (libs/queue trial-summary.ts); only its status is used. */
  private async completed(trialId: string, returnvalue: unknown): Promise<void> {
    await this.status(trialId, parseTrialJobSummary(returnvalue)?.status ?? 'completed');
  }
}
