import { hostname } from 'node:os';
import { z } from 'zod';
import { storageEnv } from '@fermx/data/env';
import { queueEnv } from '@fermx/queue/env';

export const BACKEND_CHOICES = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

const positiveMs = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * The worker's whole configuration, from env vars and flags, parsed once at start (CONTRIBUTING.md "Conventions").
 * Flags win over env; an invalid value fails fast naming every bad key.
 */
export const WorkerConfigSchema = z.object({
  // REDIS_URL, FERMX_REDIS_PREFIX and FERMX_STORAGE: read exactly as the orchestrator reads them.
  ...queueEnv,
  ...storageEnv,
  /** Local dataset shard cache (by sha256); default ~/.cache/fermx/shards. */
  FERMX_CACHE_DIR: z.string().optional(),
  FERMX_GPU: z.coerce.number().int().min(0).optional(),
  FERMX_BACKEND: z.enum(BACKEND_CHOICES).default('auto'),
  /** Data-parallel training replicas (worker threads) per trial on the CPU backends (wasm, cpu). */
  FERMX_REPLICAS: z.coerce.number().int().min(1).max(64).default(1),
  /** BullMQ job lock; a killed worker's trial is picked up again after about this long. */
  FERMX_LOCK_DURATION_MS: positiveMs(30_000),
  FERMX_STALLED_INTERVAL_MS: positiveMs(30_000),
  /** How often a trial may stall (its worker died) before it fails for good. */
  FERMX_MAX_STALLED_COUNT: z.coerce.number().int().min(0).default(3),
  FERMX_HEARTBEAT_MS: positiveMs(5_000),
  /** Shutdown: how long the trainer child may take to stop before it is killed; the whole shutdown stays under 30 s. */
  FERMX_SHUTDOWN_GRACE_MS: positiveMs(10_000),
  /** After a storage fault: first wait before probing storage, doubled per failed probe up to the cap. */
  FERMX_OUTAGE_BACKOFF_MS: positiveMs(1_000),
  FERMX_OUTAGE_BACKOFF_MAX_MS: positiveMs(60_000),
  FERMX_WORKER_ID: z.string().optional(),
});

export interface WorkerConfig {
  redisUrl: string;
  redisPrefix: string;
  storageUri: string;
  /** Undefined: @fermx/data's default shard cache (~/.cache/fermx/shards). */
  cacheDir: string | undefined;
  gpu: number | undefined;
  backend: BackendChoice;
  /** Training replicas per trial; > 1 only takes effect when the trial trains on wasm or cpu. */
  replicas: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
  heartbeatMs: number;
  shutdownGraceMs: number;
  /** Backoff after an infrastructure fault (docs/WORKER.md "Reliability"). */
  outageBackoff: { baseMs: number; capMs: number };
  host: string;
  workerId: string;
}

export class WorkerConfigError extends Error {
  override readonly name = 'WorkerConfigError';
}

export function parseWorkerConfig(env: NodeJS.ProcessEnv, flags: { gpu?: string; backend?: string; replicas?: string } = {}): WorkerConfig {
  const input = {
    ...env,
    ...(flags.gpu !== undefined ? { FERMX_GPU: flags.gpu } : {}),
    ...(flags.backend !== undefined ? { FERMX_BACKEND: flags.backend } : {}),
    ...(flags.replicas !== undefined ? { FERMX_REPLICAS: flags.replicas } : {}),
  };
  const parsed = WorkerConfigSchema.safeParse(input);
  if (!parsed.success) {
    const bad = parsed.error.issues.map((i) => `${flagName(String(i.path[0]))}: ${i.message}`).join('; ');
    throw new WorkerConfigError(`invalid worker configuration: ${bad}`);
  }
  const c = parsed.data;
  // Replicas are CPU threads; a GPU backend named outright cannot use them.
  if (c.FERMX_REPLICAS > 1 && (c.FERMX_BACKEND === 'tensorflow' || c.FERMX_BACKEND === 'webgpu')) {
    throw new WorkerConfigError(
      `invalid worker configuration: ${flagName('FERMX_REPLICAS')}: replicas > 1 trains on CPU threads; use --backend wasm, cpu or auto, not ${c.FERMX_BACKEND}`,
    );
  }
  const host = hostname();
  return {
    redisUrl: c.REDIS_URL,
    redisPrefix: c.FERMX_REDIS_PREFIX,
    storageUri: c.FERMX_STORAGE,
    cacheDir: c.FERMX_CACHE_DIR,
    gpu: c.FERMX_GPU,
    backend: c.FERMX_BACKEND,
    replicas: c.FERMX_REPLICAS,
    lockDurationMs: c.FERMX_LOCK_DURATION_MS,
    stalledIntervalMs: c.FERMX_STALLED_INTERVAL_MS,
    maxStalledCount: c.FERMX_MAX_STALLED_COUNT,
    heartbeatMs: c.FERMX_HEARTBEAT_MS,
    shutdownGraceMs: c.FERMX_SHUTDOWN_GRACE_MS,
    outageBackoff: { baseMs: c.FERMX_OUTAGE_BACKOFF_MS, capMs: Math.max(c.FERMX_OUTAGE_BACKOFF_MS, c.FERMX_OUTAGE_BACKOFF_MAX_MS) },
    host,
    workerId: c.FERMX_WORKER_ID ?? `${host}:${process.pid}${c.FERMX_GPU !== undefined ? `:gpu${c.FERMX_GPU}` : ''}`,
  };
}

function flagName(key: string): string {
  if (key === 'FERMX_GPU') return '--gpu (FERMX_GPU)';
  if (key === 'FERMX_BACKEND') return '--backend (FERMX_BACKEND)';
  if (key === 'FERMX_REPLICAS') return '--replicas (FERMX_REPLICAS)';
  return key;
}
