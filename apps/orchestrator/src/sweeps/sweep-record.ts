import type { DatasetRef, TrialSpec } from '@fermx/contracts';

/** `sweeps/<sweepId>/sweep.json` in storage: the submitted spec and its expansion. */
export interface SweepRecord {
  sweepId: string;
  name: string;
  description?: string;
  dataset: DatasetRef;
  /** The spec as submitted (before defaults). */
  spec: unknown;
  strategy: string;
  priority: number;
  createdAt: string;
  trials: TrialSpec[];
  /** Classes in the dataset's manifest at submit (expands `extend`ed trials the same way). */
  datasetClasses?: number;
  /** `fermx sweep extend --n K`: the K of each extension, in order (random strategy). */
  extensions?: number[];
  /** Every transition (submit, pause, resume, extend, retry, set, cancel), oldest first. */
  history?: SweepTransition[];
}

/** One entry of a sweep's history: what changed, when, and what it did. */
export type SweepTransition = { at: string } & (
  | { action: 'submitted' | 'resubmitted'; enqueued: number; existing: number }
  | { action: 'paused'; heldBack: number }
  | { action: 'resumed'; dispatched: number }
  | { action: 'extended'; n: number; added: number; total: number }
  | { action: 'retried'; trialIds: string[] }
  | { action: 'set'; maxConcurrent?: number | null; priority?: number; reprioritised: number }
  | { action: 'cancelled'; cancelled: number }
);

/** How the sweep's trials reach the workers now (`fermx sweep pause | resume | set`). */
export interface DispatchView {
  paused: boolean;
  /** At most this many trials of the sweep queued or running at once; absent = no cap. */
  maxConcurrent?: number;
  priority: number;
  /** Trials waiting for dispatch (paused, or over the cap). */
  held: number;
}

/** The Redis copy used for listings: the record without the trial specs. */
export interface SweepSummary {
  sweepId: string;
  name: string;
  dataset: DatasetRef;
  createdAt: string;
  trialIds: string[];
}

export type TrialStatus = 'waiting' | 'active' | 'completed' | 'stopped-early' | 'failed' | 'cancelled' | 'missing';

export interface TrialCounts {
  total: number;
  waiting: number;
  active: number;
  completed: number;
  failed: number;
  stoppedEarly: number;
  cancelled: number;
}

export function countTrials(statuses: Iterable<TrialStatus>): TrialCounts {
  const counts: TrialCounts = { total: 0, waiting: 0, active: 0, completed: 0, failed: 0, stoppedEarly: 0, cancelled: 0 };
  for (const status of statuses) {
    counts.total++;
    if (status === 'stopped-early') counts.stoppedEarly++;
    else if (status !== 'missing') counts[status]++;
  }
  return counts;
}

/** A sweep is over when no trial waits or runs. */
export function isSettled(counts: TrialCounts): boolean {
  return counts.waiting === 0 && counts.active === 0;
}
