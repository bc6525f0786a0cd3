import type { EpochMetrics } from '@fermx/contracts';
import type { WireError } from './errors/index.js';
import type { EpochDecision, TrainingOutcome, TrainingRequest } from './trainer.js';

/** Worker → trainer child. */
export type ParentMessage = { type: 'start'; request: TrainingRequest } | { type: 'decision'; epoch: number; decision: EpochDecision } | { type: 'abort' };

/** Trainer child → worker. */
export type ChildMessage =
  | { type: 'epoch'; metrics: EpochMetrics; checkpoint: Uint8Array }
  | { type: 'done'; outcome: TrainingOutcome }
  /** The error, classified in the child (it knows the dataset's error classes), with its class named. */
  | { type: 'failed'; error: WireError };
