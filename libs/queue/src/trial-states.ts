import type { Redis } from 'ioredis';
import { TrialProgressSchema, type TrialProgress } from '@fermx/contracts';
import { redisKeys, type KeySpace } from './names.js';

export type JobState = 'waiting' | 'active' | 'completed' | 'failed' | 'missing';

export interface TrialJobState {
  state: JobState;
  progress?: TrialProgress;
  failedReason?: string;
  attemptsMade: number;
}

const CHUNK = 1000;

/**
 * Reads the state of many trial jobs in pipelined batches (a 10,000-trial sweep in a few round
 * trips, where Queue.getJobState would run one script per job). Derived from BullMQ 5's job
 * hash: finishedOn (+failedReason) = finished, a held lock = active, otherwise waiting/delayed.
 */
export async function readTrialStates(redis: Redis, trialIds: readonly string[], keys: KeySpace = {}): Promise<Map<string, TrialJobState>> {
  const out = new Map<string, TrialJobState>();
  for (let i = 0; i < trialIds.length; i += CHUNK) {
    const chunk = trialIds.slice(i, i + CHUNK);
    const pipeline = redis.pipeline();
    for (const id of chunk) {
      pipeline.hmget(redisKeys.trialJob(keys, id), 'finishedOn', 'failedReason', 'progress', 'atm', 'timestamp');
      pipeline.exists(redisKeys.trialJobLock(keys, id));
    }
    const replies = (await pipeline.exec()) ?? [];
    chunk.forEach((id, j) => {
      const [err, fields] = replies[2 * j] ?? [];
      const [, locked] = replies[2 * j + 1] ?? [];
      if (err) throw err;
      const [finishedOn, failedReason, progress, atm, timestamp] = (fields ?? []) as (string | null)[];
      const attemptsMade = Number(atm ?? 0);
      if (!timestamp) return out.set(id, { state: 'missing', attemptsMade });
      const entry: TrialJobState = {
        state: finishedOn ? (failedReason ? 'failed' : 'completed') : locked ? 'active' : 'waiting',
        attemptsMade,
      };
      if (failedReason) entry.failedReason = failedReason;
      const parsed = parseTrialProgress(progress);
      if (parsed) entry.progress = parsed;
      out.set(id, entry);
    });
  }
  return out;
}

/** A job's stored progress (or a remembered one), undefined when absent or not a TrialProgress. */
export function parseTrialProgress(raw: string | null | undefined): TrialProgress | undefined {
  const parsed = raw ? TrialProgressSchema.safeParse(safeJson(raw)) : undefined;
  return parsed?.success ? parsed.data : undefined;
}

/** JSON.parse that answers undefined for text that is not JSON (a hash field written by something else). */
function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Which of these trial ids already have a job (any state), in pipelined batches of EXISTS. */
export async function existingJobIds(redis: Redis, trialIds: readonly string[], keys: KeySpace = {}): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < trialIds.length; i += CHUNK * 5) {
    const chunk = trialIds.slice(i, i + CHUNK * 5);
    const pipeline = redis.pipeline();
    for (const id of chunk) pipeline.exists(redisKeys.trialJob(keys, id));
    const replies = (await pipeline.exec()) ?? [];
    chunk.forEach((id, j) => {
      const [err, n] = replies[j] ?? [];
      if (err) throw err;
      if (n === 1) found.add(id);
    });
  }
  return found;
}

/** The sweep a trial job belongs to, read from the job's data (undefined when there is no job). */
export async function trialJobSweepId(redis: Redis, trialId: string, keys: KeySpace = {}): Promise<string | undefined> {
  const raw = await redis.hget(redisKeys.trialJob(keys, trialId), 'data');
  const data = raw ? safeJson(raw) : undefined;
  const sweepId = typeof data === 'object' && data !== null ? (data as { sweepId?: unknown }).sweepId : undefined;
  return typeof sweepId === 'string' ? sweepId : undefined;
}
