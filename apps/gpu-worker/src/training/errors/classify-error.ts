import { ZodError } from 'zod';
import {
  CorruptRecordError,
  DatasetIntegrityError,
  DatasetOutsideRootsError,
  InvalidStorageUriError,
  StorageNotFoundError,
  StorageUnavailableError,
} from '@fermx/data';
// The light entry point (zod schemas, no tfjs): the worker's parent process classifies errors too.
import { InvalidModelConfigError } from '@fermx/models/model-config';
import { InfrastructureError } from './infrastructure-error.js';
import { TrialError } from './trial-error.js';
import { TrialInputError } from './trial-input-error.js';
import { UnexpectedTrialError } from './unexpected-trial-error.js';

/**
 * Any error that ended a trial attempt, as a TrialError, decided by type: fermx's own classes
 * keep theirs; the storage and dataset errors of @fermx/data and the model-config error of
 * @fermx/models (a spec the factory refuses: the trial's input) are mapped here (the only place);
 * everything else is unexpected and retried with attempts.
 */
export function classifyError(error: unknown): TrialError {
  if (error instanceof TrialError) return error;
  // zod 4's ZodError need not be an `instanceof Error`: it is checked first.
  if (error instanceof ZodError) return new TrialInputError(error.message, { cause: error });
  if (!(error instanceof Error)) return new UnexpectedTrialError('non-error', String(error));
  const options = { cause: error };
  if (error instanceof StorageUnavailableError) return new InfrastructureError('storage', error.message, options);
  if (
    error instanceof StorageNotFoundError ||
    error instanceof InvalidStorageUriError ||
    error instanceof DatasetIntegrityError ||
    error instanceof DatasetOutsideRootsError ||
    error instanceof CorruptRecordError ||
    error instanceof InvalidModelConfigError
  ) {
    const input = new TrialInputError(error.message, options);
    input.stack = error.stack;
    return input;
  }
  const unexpected = new UnexpectedTrialError(error.name, error.message, options);
  unexpected.stack = error.stack;
  return unexpected;
}
