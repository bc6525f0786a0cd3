export { TRIAL_QUEUE_NAME, DEFAULT_PREFIX, resolveKeySpace, redisKeys, type KeySpace } from './names.js';
export { connectProducer, workerConnection, redactUrl, RedisUnavailableError } from './connections.js';
export { trialQueue, trialJobOptions, addTrialJobs, DEFAULT_RETRY, JOB_RETENTION, type TrialQueue, type RetryPolicy } from './trial-queue.js';
export { trialJobSummary, parseTrialJobSummary, TrialJobSummarySchema, type TrialJobSummary } from './trial-summary.js';
export { LeaderboardIndex, type LeaderboardQuery, type RebuildReport } from './leaderboard-index.js';
export { SuccessiveHalving, rungDecision, type RungDecision } from './asha.js';
export { WorkerRegistry, type WorkerInfo } from './worker-registry.js';
export { CancelFlags, CANCELLED_REASON_PREFIX, cancelledReason, isCancelledReason } from './cancel-flags.js';
export { readTrialStates, existingJobIds, trialJobSweepId, type JobState, type TrialJobState } from './trial-states.js';
