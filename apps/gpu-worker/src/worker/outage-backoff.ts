import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@fermx/cli';
import type { InfrastructureError, InfrastructureService } from '../training/errors/index.js';

export interface OutageBackoffOptions {
  /** Resolves when the service answers again (e.g. a storage write/read/delete); throws while it does not. */
  probe(service: InfrastructureService): Promise<void>;
  /** Stop taking trials (called before the faulted trial is handed back). */
  pause(): Promise<void>;
  /** Take trials again. */
  resume(): void;
  log: Logger;
  /** First wait before probing; doubled after every failed probe and every fault in a row. */
  baseMs: number;
  /** The longest wait between probes. */
  capMs: number;
}

/**
 * After an infrastructure fault the worker stops taking trials (instead of draining the queue by
 * failing each trial in milliseconds), probes the service with exponential backoff up to a cap,
 * and takes trials again once it answers. Faults in a row (the service answers the probe but
 * trials keep failing on it) lengthen the first wait, so the worker never spins.
 */
export class OutageBackoff {
  private outage: Promise<void> | undefined;
  private faultsInARow = 0;
  private readonly stopped = new AbortController();

  constructor(private readonly options: OutageBackoffOptions) {}

  /** True while the worker waits for a service to come back. */
  get backingOff(): boolean {
    return this.outage !== undefined;
  }

  /** Pauses the worker and starts probing (once per outage; later faults only count). */
  async enter(fault: InfrastructureError): Promise<void> {
    this.faultsInARow++;
    if (this.outage || this.stopped.signal.aborted) return;
    await this.options.pause();
    this.outage = this.waitForService(fault).finally(() => {
      this.outage = undefined;
    });
  }

  /** A trial finished (or failed for its own reasons): the services work, the next fault starts from the base wait. */
  succeeded(): void {
    this.faultsInARow = 0;
  }

  /** Stops probing for good (shutdown); the worker is not resumed. */
  stop(): void {
    this.stopped.abort();
  }

  private async waitForService(fault: InfrastructureError): Promise<void> {
    const { log, baseMs, capMs } = this.options;
    const service = fault.service;
    const began = Date.now();
    let waitMs = Math.min(capMs, baseMs * 2 ** Math.min(this.faultsInARow - 1, 30));
    log.warn(
      { service, err: fault.message, faultsInARow: this.faultsInARow, retryInMs: waitMs },
      'infrastructure fault: worker stops taking trials and backs off',
    );
    for (let probe = 1; ; probe++) {
      try {
        await sleep(waitMs, undefined, { signal: this.stopped.signal });
      } catch {
        return; // shutting down
      }
      try {
        await this.options.probe(service);
        log.info({ service, probes: probe, downForMs: Date.now() - began }, 'service answers again; worker takes trials again');
        if (!this.stopped.signal.aborted) this.options.resume();
        return;
      } catch (error) {
        waitMs = Math.min(capMs, waitMs * 2);
        log.warn({ service, probe, err: (error as Error).message, downForMs: Date.now() - began, retryInMs: waitMs }, 'service still unavailable; backing off');
      }
    }
  }
}
