import { z } from 'zod';
import { runKeys, TRIAL_RESULT_STATUSES, type TrialResult } from '@fermx/contracts';

/**
 * A finished trial job's return value: who, how it ended, its metric, and where the full result
 * lives. The full TrialResult (curves, confusion matrix) stays in storage only (`result.json`),
 * so Redis does not carry every trial's curves for as long as the job is kept. Readers that need
 * the result read storage (`resultKey`), never the job.
 */
export const TrialJobSummarySchema = z.object({
  trialId: z.string(),
  sweepId: z.string(),
  status: z.enum(TRIAL_RESULT_STATUSES),
  /** The metric the leaderboard ranks by (today val_accuracy) and its value. */
  metric: z.object({ name: z.string(), value: z.number() }),
  /** Storage key of the full result (`runs/<sweepId>/<trialId>/result.json`). */
  resultKey: z.string(),
});
export type TrialJobSummary = z.infer<typeof TrialJobSummarySchema>;

export function trialJobSummary(result: TrialResult): TrialJobSummary {
  return {
    trialId: result.trialId,
    sweepId: result.sweepId,
    status: result.status,
    metric: { name: 'val_accuracy', value: result.metrics.valAccuracy },
    resultKey: runKeys.result(result.sweepId, result.trialId),
  };
}

/** Parses a job's return value as BullMQ hands it over (an object, or JSON text in queue events). */
export function parseTrialJobSummary(returnvalue: unknown): TrialJobSummary | undefined {
  let value = returnvalue;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  const parsed = TrialJobSummarySchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
