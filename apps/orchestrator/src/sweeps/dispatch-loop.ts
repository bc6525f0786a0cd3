import type { Logger } from '@fermx/cli';
import type { SweepService } from './sweep-service.js';

/**
 * `fermx serve`'s dispatcher: every `intervalMs`, one dispatch pass over the sweeps with held
 * trials (paused or capped sweeps), so a capped sweep's next trial is queued within a tick of a
 * slot freeing up, and a paused sweep's trial that came back to the queue is held within a
 * tick. Passes never overlap; a failed pass (Redis down) is logged and retried on the next tick.
 * Steering commands and submits run a pass themselves, so the loop only adds latency bounds,
 * never correctness.
 */
export class DispatchLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly sweeps: Pick<SweepService, 'dispatchPending'>,
    private readonly log: Logger,
    private readonly intervalMs = 1_000,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pass().finally(() => this.schedule());
    }, this.intervalMs);
  }

  private async pass(): Promise<void> {
    try {
      const { queued, heldBack } = await this.sweeps.dispatchPending();
      if (queued > 0) this.log.info({ queued }, 'dispatched held trials');
      if (heldBack > 0) this.log.info({ heldBack }, 'trials back on the queue of a paused sweep held again');
    } catch (error) {
      this.log.warn({ err: (error as Error).message }, 'dispatch pass failed; retrying on the next tick');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
