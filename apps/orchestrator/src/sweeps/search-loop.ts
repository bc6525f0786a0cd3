import { QueueEvents } from 'bullmq';
import type { Logger } from '@fermx/cli';
import { resolveKeySpace, workerConnection } from '@fermx/queue';
import type { SearchDispatcher } from './search-dispatcher.js';

/**
 * Who proposes a tpe sweep's next trials: BullMQ's `completed` and `failed` queue events (a
 * finished trial frees a slot and brings a result) start a pass over the searches still
 * proposing; a timer (`intervalMs`) runs one too, so events missed while no orchestrator listened
 * (a restart) are caught up. Passes never overlap in this process; across replicas the search's
 * Redis lock decides (search-log.ts). Runs in `fermx serve`.
 */
export class SearchLoop {
  private events: QueueEvents | undefined;
  private connection: ReturnType<typeof workerConnection> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly search: Pick<SearchDispatcher, 'advanceAll'>,
    private readonly options: { redisUrl: string; keys: { prefix: string; queueName?: string }; log: Logger; intervalMs?: number },
  ) {}

  async start(): Promise<void> {
    const { prefix, queueName } = resolveKeySpace(this.options.keys);
    this.connection = workerConnection(this.options.redisUrl);
    this.events = new QueueEvents(queueName, { connection: this.connection, prefix });
    this.events.on('completed', () => this.kick());
    this.events.on('failed', () => this.kick());
    this.events.on('error', (error) => this.options.log.warn({ err: error.message }, 'search loop: queue events failed'));
    await this.events.waitUntilReady();
    this.timer = setInterval(() => this.kick(), this.options.intervalMs ?? 5_000);
    this.kick();
  }

  /** Starts a pass, or asks the running one for another when it ends. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          const proposed = await this.search.advanceAll();
          if (proposed > 0) this.options.log.info({ proposed }, 'search proposed trials');
        } catch (error) {
          this.options.log.warn({ err: (error as Error).message }, 'search pass failed; retrying on the next event or tick');
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves when no pass is running (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
    await this.events?.close().catch(() => undefined);
    // BullMQ leaves a connection it was given open; this one is ours.
    await this.connection?.quit().catch(() => this.connection?.disconnect());
  }
}
