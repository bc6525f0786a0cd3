import { DelayedError, UnrecoverableError, WaitingError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { TrialSpecSchema } from '@fermx/contracts';
import { cancelledReason, trialJobSummary, type SweepPauses, type TrialJobSummary } from '@fermx/queue';
import type { Logger } from '@fermx/cli';
import { classifyError, InfrastructureError, type InfrastructureService } from '../training/errors/index.js';
import type { TrialRunner } from '../trial/trial-runner.js';
import { OutageBackoff } from './outage-backoff.js';

export interface TrialWorkerOptions {
  queueName: string;
  /** BullMQ key prefix; must match the producers' (libs/queue). */
  prefix: string;
  connection: ConnectionOptions;
  runner: TrialRunner;
  /** Whether a trial's sweep is paused (the trial then waits for the sweep's held set, not a worker). */
  pauses: Pick<SweepPauses, 'holdsBack'>;
  log: Logger;
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
  /** Called when the worker takes or leaves a trial (for the registry heartbeat). */
  onCurrentTrial?: (trialId: string | undefined) => void;
  /** Resolves once a service that faulted answers again (storage: write, read, delete a probe object). */
  probe(service: InfrastructureService): Promise<void>;
  /** Backoff after an infrastructure fault: first wait and cap, in ms. */
  outageBackoff: { baseMs: number; capMs: number };
}

/** How long a trial of a paused sweep waits before a worker looks at it again (if no dispatcher took it back). */
const PAUSED_RECHECK_MS = 30_000;

/**
 * The BullMQ side of a worker: concurrency 1, one trial at a time. Invalid job data and the
 * trial's own faults (bad input, a diverged model) fail once (UnrecoverableError); an
 * infrastructure fault (storage) hands the trial back without using an attempt and backs the
 * worker off until storage answers; a crashed trainer or an unexpected error throws so BullMQ
 * retries with backoff. On shutdown the running trial is handed back to the wait list (no
 * attempt is used up) and resumes elsewhere from its last epoch checkpoint.
 */
export class TrialWorker {
  private readonly worker: Worker<unknown, TrialJobSummary>;
  private current: { jobId: string | undefined; trialId: string; abort: AbortController; lockLost: boolean } | undefined;
  private closing: Promise<void> | undefined;
  private readonly backoff: OutageBackoff;

  constructor(private readonly options: TrialWorkerOptions) {
    this.worker = new Worker<unknown, TrialJobSummary>(options.queueName, (job, token) => this.process(job, token), {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: 1,
      autorun: false,
      lockDuration: options.lockDurationMs,
      stalledInterval: options.stalledIntervalMs,
      maxStalledCount: options.maxStalledCount,
    });
    const { log } = options;
    this.backoff = new OutageBackoff({
      ...options.outageBackoff,
      probe: (service) => options.probe(service),
      pause: () => this.worker.pause(true),
      resume: () => this.worker.resume(),
      log,
    });
    this.worker.on('error', (error) => log.warn({ err: error }, 'queue connection error'));
    this.worker.on('failed', (job, error) => log.warn({ jobId: job?.id, attempt: job?.attemptsMade, err: error }, 'trial attempt failed'));
    this.worker.on('stalled', (jobId) => log.warn({ jobId }, 'stalled trial moved back to wait'));
    // The job's lock expired (this worker's event loop stalled, or Redis lost it in a restart):
    // another worker may already be resuming the trial, so this one stops instead of training it twice.
    this.worker.on('lockRenewalFailed', (jobIds) => {
      const current = this.current;
      if (!current || !jobIds.includes(current.jobId ?? '')) return;
      log.warn({ jobId: current.jobId, trialId: current.trialId }, 'lost the lock of the running trial; stopping it here (another worker resumes it)');
      current.lockLost = true;
      current.abort.abort();
    });
  }

  get currentTrial(): string | undefined {
    return this.current?.trialId;
  }

  /** Starts taking trials; resolves once the worker is connected. */
  async start(): Promise<void> {
    void this.worker.run().catch((error: unknown) => this.options.log.error({ err: error }, 'worker stopped with an error'));
    await this.worker.waitUntilReady();
  }

  private async process(job: Job<unknown, TrialJobSummary>, token: string | undefined): Promise<TrialJobSummary> {
    const parsed = TrialSpecSchema.safeParse(job.data);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new UnrecoverableError(`invalid trial job ${job.id}: ${issues}`);
    }
    const spec = parsed.data;
    const fields = { jobId: job.id, sweepId: spec.sweepId, trialId: spec.trialId, attempt: job.attemptsMade + 1 };
    if (await this.options.pauses.holdsBack(spec.sweepId, spec.trialId)) {
      // Back on the queue while its sweep is paused (handed back by a stopping worker, retried):
      // the dispatcher takes it into the sweep's held set within a pass; until then it waits
      // delayed, started by no worker. No attempt is used up.
      await job.moveToDelayed(Date.now() + PAUSED_RECHECK_MS, token);
      this.options.log.info(fields, 'trial of a paused sweep left for its held set');
      throw new DelayedError();
    }
    const abort = new AbortController();
    const current = { jobId: job.id, trialId: spec.trialId, abort, lockLost: false };
    this.current = current;
    this.options.onCurrentTrial?.(spec.trialId);
    if (this.closing) abort.abort();
    try {
      const outcome = await this.options.runner.run(spec, {
        attempt: job.attemptsMade + 1,
        signal: abort.signal,
        reportProgress: (progress) => job.updateProgress(progress),
      });
      // The job returns a summary; the full result is in storage (result.json), not in Redis.
      if (outcome.kind === 'finished') {
        this.backoff.succeeded();
        return trialJobSummary(outcome.result);
      }
      if (outcome.kind === 'cancelled') {
        this.options.log.info({ ...fields, epochsDone: outcome.epochsDone }, 'trial cancelled with its sweep');
        throw new UnrecoverableError(cancelledReason(spec.sweepId));
      }
      return await this.handBack(job, token, fields, outcome.epochsDone, current.lockLost);
    } catch (error) {
      if (error instanceof UnrecoverableError || error instanceof WaitingError) throw error;
      // Decided by the error's class (docs/WORKER.md "Reliability"), never by its name.
      const fault = classifyError(error);
      if (fault.retry === 'fail') {
        this.backoff.succeeded();
        this.options.log.warn({ ...fields, kind: fault.kind, error: fault.name, err: fault.message }, 'trial failed for good: its own fault, no retries');
        throw new UnrecoverableError(`trial ${spec.trialId} cannot run: ${fault.message}`);
      }
      if (abort.signal.aborted) return await this.handBack(job, token, fields, undefined, current.lockLost);
      if (fault instanceof InfrastructureError) {
        // Not the trial's fault: back to the queue without using an attempt; the worker waits
        // for the service instead of failing every queued trial in turn.
        await this.backoff.enter(fault);
        return await this.handBack(job, token, { ...fields, kind: fault.kind, err: fault.message }, undefined);
      }
      throw fault;
    } finally {
      this.current = undefined;
      this.options.onCurrentTrial?.(undefined);
    }
  }

  /**
   * Moves the job back to wait without using up an attempt, so another worker resumes it. A job
   * whose lock was lost is no longer this worker's to move: the stalled check has put it back.
   */
  private async handBack(job: Job, token: string | undefined, fields: object, epochsDone: number | undefined, lockLost = false): Promise<never> {
    if (lockLost) {
      this.options.log.info({ ...fields, epochsDone }, 'trial left to the queue after its lock was lost');
      throw new WaitingError();
    }
    await job.moveToWait(token);
    this.options.log.info({ ...fields, epochsDone }, 'trial handed back to the queue');
    throw new WaitingError();
  }

  /**
   * Stops taking trials, asks the running trial to stop at its next safe point (it keeps its last
   * epoch checkpoint) and hands it back. Idempotent: every call returns the same promise.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.backoff.stop();
      this.current?.abort.abort();
      await this.worker.close();
    })();
    return this.closing;
  }
}
