/**
 * A steering command that cannot run: 404 unknown sweep or trial, 409 the sweep's state forbids it
 * (cancelled, already paused, a grid sweep cannot be extended), 400 bad arguments. The API answers
 * with `status`; the CLI prints the message and exits 1.
 */
export class SteeringError extends Error {
  override readonly name = 'SteeringError';
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}
