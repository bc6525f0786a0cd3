/** The BullMQ queue every trial goes through (contracts.md). */
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
