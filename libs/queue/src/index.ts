export { TRIAL_QUEUE_NAME, DEFAULT_PREFIX, resolveKeySpace, type KeySpace } from './names.js';
export { connectProducer, workerConnection, redactUrl, RedisUnavailableError } from './connections.js';
export { trialQueue, trialJobOptions, addTrialJobs, DEFAULT_RETRY, type TrialQueue, type RetryPolicy } from './trial-queue.js';
export { LeaderboardIndex, type LeaderboardQuery, type RebuildReport } from './leaderboard-index.js';
export { SuccessiveHalving, rungDecision, type RungDecision } from './asha.js';
export { WorkerRegistry, type WorkerInfo } from './worker-registry.js';
export { CancelFlags } from './cancel-flags.js';
export { readTrialStates, existingJobIds, type JobState, type TrialJobState } from './trial-states.js';
