import { z } from 'zod';

/**
 * The orchestrator's whole configuration from the environment, parsed once at start
 * (STYLE.md 4). Flags with the same meaning (`--port`) override the env var.
 */
export const OrchestratorConfigSchema = z.object({
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').default('redis://127.0.0.1:6379'),
  FERMX_STORAGE: z.string().regex(/^(file|s3):\/\//, 'must be a file:// or s3:// URI').default('file://./.fermx'),
  /** Bearer token for write operations of the HTTP API; unset = writes open (one-machine use). */
  FERMX_API_TOKEN: z.string().min(8, 'must be at least 8 characters').optional(),
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  /** Redis key prefix of the queue and indexes (tests and side-by-side deployments). */
  FERMX_REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]+$/, 'letters, digits, : _ - only').default('fermx'),
});

export interface OrchestratorConfig {
  redisUrl: string;
  storageUri: string;
  apiToken: string | undefined;
  port: number;
  prefix: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses env (+ flag overrides); an invalid value throws naming every bad key. */
export function parseConfig(env: NodeJS.ProcessEnv, overrides: { PORT?: string } = {}): OrchestratorConfig {
  const input = Object.fromEntries(
    Object.entries({ ...env, ...overrides }).filter(([key, value]) => key in OrchestratorConfigSchema.shape && value !== undefined && value !== ''),
  );
  const parsed = OrchestratorConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(`invalid configuration: ${parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; ')}`);
  }
  const c = parsed.data;
  return { redisUrl: c.REDIS_URL, storageUri: c.FERMX_STORAGE, apiToken: c.FERMX_API_TOKEN, port: c.PORT, prefix: c.FERMX_REDIS_PREFIX };
}
