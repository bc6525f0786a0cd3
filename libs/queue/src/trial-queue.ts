import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { SweepSpec, TrialResult, TrialSpec } from '@fermx/contracts';
import { resolveKeySpace, type KeySpace } from './names.js';

export type TrialQueue = Queue<TrialSpec, TrialResult, string>;

/** The trial queue (producer side). The caller owns the connection and closes the queue. */
export function trialQueue(connection: ConnectionOptions, keys: KeySpace = {}): TrialQueue {
  const { prefix, queueName } = resolveKeySpace(keys);
  return new Queue<TrialSpec, TrialResult, string>(queueName, { connection, prefix });
}

export type RetryPolicy = SweepSpec['retry'];

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, backoffSeconds: 30, jitter: 0.5 };

/**
 * Job options of one trial: jobId = trialId (BullMQ ignores a second add with the same id, so
 * resubmits are no-ops); per-sweep priority; exponential backoff with jitter; finished jobs are
 * kept (completed ones hold the result, failed ones their reason).
 */
export function trialJobOptions(trialId: string, policy: { priority?: number; retry?: RetryPolicy } = {}): JobsOptions {
  const retry = policy.retry ?? DEFAULT_RETRY;
  return {
    jobId: trialId,
    priority: policy.priority ?? 10,
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffSeconds * 1000, jitter: retry.jitter },
    removeOnComplete: false,
    removeOnFail: false,
  };
}
