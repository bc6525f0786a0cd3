/** The BullMQ queue every trial goes through (docs/ORCHESTRATOR.md). */
export const TRIAL_QUEUE_NAME = 'fermx-trials';

/** Key prefix for BullMQ and fermx's own Redis indexes; tests pass a unique one. */
export const DEFAULT_PREFIX = 'fermx';

export interface KeySpace {
  /** Redis key prefix (BullMQ `prefix` and fermx index keys). Default `fermx`. */
  prefix?: string;
  /** Queue name. Default `fermx-trials`. */
  queueName?: string;
}

export function resolveKeySpace(keys: KeySpace = {}): Required<KeySpace> {
  return { prefix: keys.prefix ?? DEFAULT_PREFIX, queueName: keys.queueName ?? TRIAL_QUEUE_NAME };
}

/**
 * Every Redis key fermx and BullMQ share, built in one place: the apps never spell a key.
 * The job hash is BullMQ 5's layout (`<prefix>:<queue>:<jobId>`, jobId = trialId).
 */
export const redisKeys = {
  /** BullMQ's hash of one trial job (data, progress, finishedOn, failedReason, …). */
  trialJob: (keys: KeySpace, trialId: string): string => {
    const { prefix, queueName } = resolveKeySpace(keys);
    return `${prefix}:${queueName}:${trialId}`;
  },
  /** BullMQ's list of waiting (unprioritised) jobs; KEDA scales workers on its length (infra/k8s). */
  waitList: (keys: KeySpace): string => {
    const { prefix, queueName } = resolveKeySpace(keys);
    return `${prefix}:${queueName}:wait`;
  },
  /** BullMQ's lock of a running trial job (present while a worker holds it). */
  trialJobLock: (keys: KeySpace, trialId: string): string => `${redisKeys.trialJob(keys, trialId)}:lock`,
  /** A sweep's dispatch settings (paused, maxConcurrent, priority, retry): a hash (sweep-gate.ts). */
  sweepControl: (keys: KeySpace, sweepId: string): string => `${resolveKeySpace(keys).prefix}:sweep:${sweepId}:control`,
  /** The ids of the paused sweeps: the dispatcher takes back what their workers hand back. */
  pausedSweeps: (keys: KeySpace): string => `${resolveKeySpace(keys).prefix}:dispatch:paused`,
  /** Set while a sweep is cancelled (`fermx sweep cancel`); workers check it after each epoch. */
  cancelFlag: (keys: KeySpace, sweepId: string): string => `${resolveKeySpace(keys).prefix}:cancelled:${sweepId}`,
} as const;
