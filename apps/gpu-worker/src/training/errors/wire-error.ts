import { InfrastructureError, type InfrastructureService } from './infrastructure-error.js';
import { TrainerCrashedError } from './trainer-crashed-error.js';
import { TrialDivergedError } from './trial-diverged-error.js';
import type { TrialError } from './trial-error.js';
import { TrialInputError } from './trial-input-error.js';
import { UnexpectedTrialError } from './unexpected-trial-error.js';

/**
 * A TrialError as plain data, for the trainer child's IPC channel: `type` names the class
 * explicitly (an Error crossing IPC keeps neither its prototype nor its own fields).
 */
export type WireError = { message: string; stack?: string } & (
  | { type: 'TrialInputError' }
  | { type: 'TrialDivergedError'; epoch?: number }
  | { type: 'InfrastructureError'; service: InfrastructureService }
  | { type: 'TrainerCrashedError' }
  | { type: 'UnexpectedTrialError'; originalName: string }
);

export function toWire(error: TrialError): WireError {
  const base = { message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  if (error instanceof TrialInputError) return { ...base, type: 'TrialInputError' };
  if (error instanceof TrialDivergedError) return { ...base, type: 'TrialDivergedError', ...(error.epoch !== undefined ? { epoch: error.epoch } : {}) };
  if (error instanceof InfrastructureError) return { ...base, type: 'InfrastructureError', service: error.service };
  if (error instanceof TrainerCrashedError) return { ...base, type: 'TrainerCrashedError' };
  if (error instanceof UnexpectedTrialError) return { ...base, type: 'UnexpectedTrialError', originalName: error.originalName };
  return { ...base, type: 'UnexpectedTrialError', originalName: error.name };
}

/** The same class again on the worker's side of the channel. */
export function fromWire(wire: WireError): TrialError {
  const error = build(wire);
  if (wire.stack) error.stack = wire.stack;
  return error;
}

function build(wire: WireError): TrialError {
  switch (wire.type) {
    case 'TrialInputError':
      return new TrialInputError(wire.message);
    case 'TrialDivergedError':
      return new TrialDivergedError(wire.message, wire.epoch);
    case 'InfrastructureError':
      return new InfrastructureError(wire.service, wire.message);
    case 'TrainerCrashedError':
      return new TrainerCrashedError(wire.message);
    case 'UnexpectedTrialError':
      return new UnexpectedTrialError(wire.originalName, wire.message);
  }
}
