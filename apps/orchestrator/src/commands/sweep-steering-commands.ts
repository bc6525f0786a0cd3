import { UsageError, type CommandContext } from '@fermx/cli';
import { SteeringError } from '../sweeps/steering-error.js';
import type { SweepOperations } from '../sweeps/sweep-operations.js';
import type { SteerOutcome } from '../sweeps/sweep-service.js';
import { dispatchText, transitionText } from '../terminal/sweep-history.js';
import { defineOrchestratorCommand, withSweeps, writeJson } from './session.js';

const COMMON = { json: { type: 'boolean' as const }, api: { type: 'string' as const } };

/** Runs one steering operation; a refusal (unknown sweep, wrong state) is one line and exit 1. */
async function steer(ctx: CommandContext, verb: string, run: (sweeps: SweepOperations, sweepId: string) => Promise<SteerOutcome>): Promise<number> {
  const sweepId = ctx.positionals[0]!;
  return withSweeps(ctx, async (sweeps) => {
    let outcome: SteerOutcome;
    try {
      outcome = await run(sweeps, sweepId);
    } catch (error) {
      if (!(error instanceof SteeringError)) throw error;
      if (ctx.values.json) writeJson(ctx, { error: error.message, status: error.status });
      ctx.stderr.write(`fermx sweep ${verb}: ${error.message}\n`);
      return 1;
    }
    if (ctx.values.json) writeJson(ctx, outcome);
    else ctx.stdout.write(`sweep ${outcome.sweepId}: ${transitionText(outcome.transition)}\n  ${dispatchText(outcome.dispatch)}\n`);
    return 0;
  });
}

/** A whole number from a flag, or a usage error naming the flag. */
function wholeNumber(value: unknown, flag: string, min: number): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} must be a whole number >= ${min} (got ${String(value)})`);
  return n;
}

export const sweepPauseCommand = defineOrchestratorCommand({
  path: ['sweep', 'pause'],
  summary: 'Stop dispatching a sweep: running trials finish; queued ones, and a running one whose worker stops, are held until resume',
  usage: 'ID [--json] [--api URL]',
  args: ['ID'],
  options: COMMON,
  run: (ctx) => steer(ctx, 'pause', (sweeps, id) => sweeps.pause(id)),
});

export const sweepResumeCommand = defineOrchestratorCommand({
  path: ['sweep', 'resume'],
  summary: 'Dispatch a paused sweep again (up to its concurrency cap)',
  usage: 'ID [--json] [--api URL]',
  args: ['ID'],
  options: COMMON,
  run: (ctx) => steer(ctx, 'resume', (sweeps, id) => sweeps.resume(id)),
});

export const sweepExtendCommand = defineOrchestratorCommand({
  path: ['sweep', 'extend'],
  summary: 'Add trials from the same seeded stream, same sweep id: K per grid point (random) or K more proposals (tpe)',
  usage: 'ID --n K [--json] [--api URL]',
  args: ['ID'],
  options: { n: { type: 'string' }, ...COMMON },
  run: (ctx) => {
    if (ctx.values.n === undefined) throw new UsageError('give --n K (how many more trials per grid point)');
    const n = wholeNumber(ctx.values.n, '--n', 1);
    return steer(ctx, 'extend', (sweeps, id) => sweeps.extend(id, n));
  },
});

export const sweepRetryCommand = defineOrchestratorCommand({
  path: ['sweep', 'retry'],
  summary: 'Run failed trials again with fresh attempts, from their last checkpoint',
  usage: 'ID (--failed | --trial TRIAL_ID) [--json] [--api URL]',
  args: ['ID'],
  options: { failed: { type: 'boolean' }, trial: { type: 'string' }, ...COMMON },
  run: (ctx) => {
    const trial = ctx.values.trial;
    if (Boolean(ctx.values.failed) === (typeof trial === 'string')) throw new UsageError('give either --failed (every failed trial) or --trial TRIAL_ID');
    const target = typeof trial === 'string' ? { trialId: trial } : { failed: true as const };
    return steer(ctx, 'retry', (sweeps, id) => sweeps.retry(id, target));
  },
});

export const sweepSetCommand = defineOrchestratorCommand({
  path: ['sweep', 'set'],
  summary: "Change a sweep's concurrency cap (none removes it) and its jobs' priority (1 = first)",
  usage: 'ID [--max-concurrent N|none] [--priority P] [--json] [--api URL]',
  args: ['ID'],
  options: { 'max-concurrent': { type: 'string' }, priority: { type: 'string' }, ...COMMON },
  run: (ctx) => {
    const cap = ctx.values['max-concurrent'];
    const priority = ctx.values.priority;
    if (cap === undefined && priority === undefined) throw new UsageError('give --max-concurrent N (or none) and/or --priority P');
    const change: { maxConcurrent?: number | null; priority?: number } = {};
    if (cap !== undefined) change.maxConcurrent = cap === 'none' ? null : wholeNumber(cap, '--max-concurrent', 1);
    if (priority !== undefined) change.priority = wholeNumber(priority, '--priority', 1);
    return steer(ctx, 'set', (sweeps, id) => sweeps.set(id, change));
  },
});
