import { pino, destination, type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs (CONTRIBUTING.md "Conventions"): a constant message plus fields. JSON lines on stderr so that
 * stdout stays for command output (`--json`, tables). `FERMX_LOG_LEVEL` sets the level.
 */
export function createLogger(name: string, env: NodeJS.ProcessEnv = process.env): Logger {
  return pino({ name, level: env.FERMX_LOG_LEVEL ?? 'info', base: { name } }, destination(2));
}
