import { TrialError } from './trial-error.js';

/** The trial cannot succeed as specified (bad spec, missing or bad dataset): fail once, no retries. */
export class TrialInputError extends TrialError {
  override readonly name = 'TrialInputError';
  readonly kind = 'trial-fault';
  readonly retry = 'fail';
}
