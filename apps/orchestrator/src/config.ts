import { z } from 'zod';
import { datasetRootsFrom, DatasetOutsideRootsError } from '@fermx/data';
import { storageEnv } from '@fermx/data/env';
import { queueEnv } from '@fermx/queue/env';

/**
 * The orchestrator's whole configuration from the environment, parsed once at start. Flags with
 * the same meaning (`--port`, `--host`) override the env var.
 */
export const OrchestratorConfigSchema = z.object({
  // REDIS_URL, FERMX_REDIS_PREFIX and FERMX_STORAGE: read exactly as the worker reads them.
  ...queueEnv,
  ...storageEnv,
  /** Bearer token for write operations of the HTTP API; unset = writes open, and `fermx serve` stays on loopback. */
  FERMX_API_TOKEN: z.string().min(8, 'must be at least 8 characters').optional(),
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  /** Address `fermx serve` listens on; default 127.0.0.1 without a token, 0.0.0.0 with one. */
  FERMX_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:_-]+$/, 'must be a host name or IP address')
    .optional(),
  /** Most concurrent `/api/events` streams; more are answered 503. */
  FERMX_SSE_MAX_CLIENTS: z.coerce.number().int().min(1).max(100_000).default(100),
  /** Comma-separated URIs datasets may live under, besides FERMX_STORAGE. */
  FERMX_DATASET_ROOTS: z.string().optional(),
  /** Largest sweep a submit or `sweep extend` accepts, counted before expanding (docs/ORCHESTRATOR.md). */
  FERMX_MAX_TRIALS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
});

export interface OrchestratorConfig {
  redisUrl: string;
  storageUri: string;
  apiToken: string | undefined;
  port: number;
  host: string;
  sseMaxClients: number;
  /** Absolute URIs a sweep's dataset must lie under (storage root first). */
  datasetRoots: string[];
  prefix: string;
  /** FERMX_MAX_TRIALS: the largest sweep a submit or extend accepts. */
  maxTrials: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** 127.0.0.0/8, ::1 and localhost: reachable from this machine only. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

/** Parses env (+ flag overrides); an invalid value throws naming every bad key. */
export function parseConfig(env: NodeJS.ProcessEnv, overrides: { PORT?: string; FERMX_HOST?: string } = {}): OrchestratorConfig {
  const input = Object.fromEntries(
    Object.entries({ ...env, ...overrides }).filter(([key, value]) => key in OrchestratorConfigSchema.shape && value !== undefined && value !== ''),
  );
  const parsed = OrchestratorConfigSchema.safeParse(input);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
  let datasetRoots: string[] = [];
  try {
    datasetRoots = datasetRootsFrom({ FERMX_STORAGE: parsed.data?.FERMX_STORAGE, FERMX_DATASET_ROOTS: parsed.data?.FERMX_DATASET_ROOTS });
  } catch (error) {
    if (!(error instanceof DatasetOutsideRootsError)) throw error;
    problems.push(`FERMX_DATASET_ROOTS: ${error.message}`);
  }
  const c = parsed.data;
  const host = c?.FERMX_HOST ?? (c?.FERMX_API_TOKEN ? '0.0.0.0' : '127.0.0.1');
  // Without a token every write is open, so only this machine may reach it.
  if (c && !c.FERMX_API_TOKEN && !isLoopbackHost(host)) {
    problems.push(`FERMX_HOST: listening on ${host} needs FERMX_API_TOKEN (writes are open without one); set a token or listen on 127.0.0.1`);
  }
  if (!c || problems.length > 0) throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  return {
    redisUrl: c.REDIS_URL,
    storageUri: c.FERMX_STORAGE,
    apiToken: c.FERMX_API_TOKEN,
    port: c.PORT,
    host,
    sseMaxClients: c.FERMX_SSE_MAX_CLIENTS,
    datasetRoots,
    prefix: c.FERMX_REDIS_PREFIX,
    maxTrials: c.FERMX_MAX_TRIALS,
  };
}
