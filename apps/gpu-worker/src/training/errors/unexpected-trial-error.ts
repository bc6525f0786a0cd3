import { TrialError } from './trial-error.js';

/**
 * An error no class above claims (a bug, a library failure): retried with the job's backoff,
 * using up an attempt, so a trial that always hits it fails after its attempts.
 */
export class UnexpectedTrialError extends TrialError {
  override readonly name = 'UnexpectedTrialError';
  readonly kind = 'crash';
  readonly retry = 'retry';

  constructor(
    /** Name of the original error (e.g. TypeError), kept for logs. */
    readonly originalName: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
