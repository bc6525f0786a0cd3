import { defineCommand, terminalText, UsageError, type Command, type CommandContext } from '@fermx/cli';
import { ConfigError, parseConfig, type OrchestratorConfig } from '../config.js';
import type { Runtime } from '../runtime.js';
import { HttpSweeps, type SweepOperations } from '../sweeps/sweep-operations.js';

/** Parses config once; a bad env var is a usage problem (exit 2) naming every bad key. */
export function configOf(ctx: CommandContext, overrides: { PORT?: string } = {}): OrchestratorConfig {
  try {
    return parseConfig(ctx.env, overrides);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

/** Runs `fn` with the orchestrator's adapters and always closes them. */
export async function withRuntime<T>(ctx: CommandContext, fn: (runtime: Runtime) => Promise<T>): Promise<T> {
  // Loaded on use: bullmq, ioredis and the AWS SDK stay out of `fermx --help` and other apps' commands.
  const { openRuntime } = await import('../runtime.js');
  const runtime = await openRuntime(configOf(ctx), ctx.env);
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}

/** Sweep operations over HTTP when `--api URL` is given, else straight to Redis and storage. */
export async function withSweeps<T>(ctx: CommandContext, fn: (sweeps: SweepOperations) => Promise<T>): Promise<T> {
  const api = ctx.values.api;
  if (typeof api === 'string' && api !== '') {
    return fn(new HttpSweeps(api, configOf(ctx).apiToken));
  }
  return withRuntime(ctx, (runtime) => fn(runtime.sweeps));
}

export function writeJson(ctx: CommandContext, value: unknown): void {
  ctx.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Failures of a reachable kind (Redis down: RedisUnavailableError, storage down:
 * StorageUnavailableError, API refused: ApiError) carry `operational: true`; checked by that
 * property, not by name, so neither the error classes' libs nor their names are needed here.
 */
export function isOperationalFailure(error: unknown): error is Error & { operational: true } {
  return error instanceof Error && (error as { operational?: unknown }).operational === true;
}

/** defineCommand whose expected operational failures print one clear line instead of a stack. */
export function defineOrchestratorCommand(command: Command): Command {
  return defineCommand({
    ...command,
    async run(ctx) {
      try {
        return await command.run(ctx);
      } catch (error) {
        if (isOperationalFailure(error)) {
          ctx.stderr.write(terminalText(`fermx ${command.path.join(' ')}: ${error.message}\n`));
          return 1;
        }
        throw error;
      }
    },
  });
}
