import type { WorkerInfo } from '@fermx/queue';

export type WorkerBeat = Omit<WorkerInfo, 'lastSeen'>;

/** The worker registry as this app uses it (libs/queue's WorkerRegistry behind it). */
export interface WorkerPresence {
  heartbeat(info: WorkerBeat, ttlSeconds?: number): Promise<unknown>;
  remove(id: string): Promise<unknown>;
}

/**
 * Beats every `intervalMs` (TTL three beats) until stopped, reading the current state each time
 * so `fermx workers` shows which trial the worker is on. Failures are logged, never fatal.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly presence: WorkerPresence,
    private readonly info: () => WorkerBeat,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.beat();
    this.timer = setInterval(() => this.beat(), this.intervalMs);
    this.timer.unref();
  }

  beat(): void {
    this.inFlight = this.presence.heartbeat(this.info(), (3 * this.intervalMs) / 1000).catch(this.onError);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
    await this.presence.remove(this.info().id).catch(this.onError);
  }
}
