/** The trial cannot succeed as specified (bad spec, missing dataset, bad checkpoint): fail once, no retries. */
export class TrialInputError extends Error {
  override readonly name = 'TrialInputError';
}

/** The trainer child process died or could not be started; the trial can be retried. */
export class TrainerCrashedError extends Error {
  override readonly name = 'TrainerCrashedError';
}

/** Error names that mean "retrying will not help". */
const PERMANENT = new Set(['TrialInputError', 'StorageNotFoundError', 'InvalidStorageUriError', 'ZodError', 'UnrecoverableError', 'DatasetIntegrityError']);

export function isPermanent(error: unknown): boolean {
  return error instanceof Error && PERMANENT.has(error.name);
}
