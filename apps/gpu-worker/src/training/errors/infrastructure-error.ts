import { TrialError } from './trial-error.js';

/**
 * The service that failed: where the worker probes before it takes trials again. (Redis has no
 * entry: the worker's connection queues commands while it reconnects, so Redis outages delay
 * a trial instead of failing it.)
 */
export type InfrastructureService = 'storage';

/**
 * Storage did not answer: the trial is not at fault. It is handed back to the queue
 * without using up an attempt, and the worker backs off until the service answers again.
 */
export class InfrastructureError extends TrialError {
  override readonly name = 'InfrastructureError';
  readonly kind = 'infrastructure';
  readonly retry = 'hand-back';

  constructor(
    readonly service: InfrastructureService,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
