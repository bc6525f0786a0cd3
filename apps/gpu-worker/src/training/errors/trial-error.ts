/**
 * What the worker does with a trial whose attempt ended with an error:
 * - `fail`: the trial's own fault (bad input, a diverging model); it fails once, no retries;
 * - `hand-back`: an infrastructure fault (storage, Redis); the trial goes back to the queue
 *   without using up an attempt and the worker backs off until the service answers again;
 * - `retry`: anything else (the trainer process died, an unexpected error); BullMQ retries it
 *   with the job's backoff, using up one attempt.
 */
export type RetryPolicy = 'fail' | 'hand-back' | 'retry';

/** Who is at fault, for logs and the chaos benchmark's counts. */
export type TrialErrorKind = 'trial-fault' | 'infrastructure' | 'crash';

/**
 * Base of every error that ends a trial attempt. Each subclass (one per file) fixes its kind and
 * retry policy; the worker decides by type (`classifyError`), never by an error's name.
 */
export abstract class TrialError extends Error {
  abstract readonly kind: TrialErrorKind;
  abstract readonly retry: RetryPolicy;
}
