import type { Halving, TrialResult } from '@fermx/contracts';

/** The parts of libs/queue a trial needs, as the runner sees them (unit tests pass fakes). */
export interface RungJudge {
  /** `metric` is the sweep's objective at this epoch; `goal` says whether higher or lower is better. */
  reportRung(sweepId: string, trialId: string, epoch: number, metric: number, halving?: Halving, goal?: 'max' | 'min'): Promise<'continue' | 'stop'>;
}

export interface CancelCheck {
  /** With the trial id: true only when every sweep owning the trial is cancelled (a shared trial runs on). */
  isCancelled(sweepId: string, trialId?: string): Promise<boolean>;
}

export interface LeaderboardWriter {
  upsert(result: TrialResult): Promise<unknown>;
}
