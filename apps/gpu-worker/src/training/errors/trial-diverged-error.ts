import { TrialError } from './trial-error.js';

/** Training produced a non-finite loss, metric or weight: the trial fails and is never ranked. */
export class TrialDivergedError extends TrialError {
  override readonly name = 'TrialDivergedError';
  readonly kind = 'trial-fault';
  readonly retry = 'fail';

  constructor(
    message: string,
    /** The epoch whose numbers were not finite; undefined when found in the final model or evaluation. */
    readonly epoch?: number,
  ) {
    super(message);
  }
}
