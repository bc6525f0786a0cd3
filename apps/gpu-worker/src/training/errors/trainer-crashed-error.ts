import { TrialError } from './trial-error.js';

/** The trainer child process died or could not be started: retried, using up an attempt. */
export class TrainerCrashedError extends TrialError {
  override readonly name = 'TrainerCrashedError';
  readonly kind = 'crash';
  readonly retry = 'retry';
}
