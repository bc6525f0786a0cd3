// A trial attempt's errors: one class per file, each with its kind and retry policy (docs/WORKER.md "Reliability").
export { TrialError, type RetryPolicy, type TrialErrorKind } from './trial-error.js';
export { TrialInputError } from './trial-input-error.js';
export { TrialDivergedError } from './trial-diverged-error.js';
export { InfrastructureError, type InfrastructureService } from './infrastructure-error.js';
export { TrainerCrashedError } from './trainer-crashed-error.js';
export { UnexpectedTrialError } from './unexpected-trial-error.js';
export { classifyError } from './classify-error.js';
export { toWire, fromWire, type WireError } from './wire-error.js';
