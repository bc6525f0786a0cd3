export { TRIAL_QUEUE_NAME, DEFAULT_PREFIX, resolveKeySpace, type KeySpace } from './names.js';
export { connectProducer, workerConnection, redactUrl, RedisUnavailableError } from './connections.js';
export { trialQueue, trialJobOptions, DEFAULT_RETRY, type TrialQueue, type RetryPolicy } from './trial-queue.js';
