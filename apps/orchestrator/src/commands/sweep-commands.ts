import { terminalText, UsageError, type CommandContext } from '@fermx/cli';
import { readSpecFile, SpecFileError } from '../sweeps/spec-file.js';
import { applySpecOverrides, SpecOverrideError } from '../sweeps/spec-overrides.js';
import { isSettled } from '../sweeps/sweep-record.js';
import type { SweepOperations } from '../sweeps/sweep-operations.js';
import type { SubmitOutcome, SweepStatus } from '../sweeps/sweep-service.js';
import { formatParams } from '../leaderboard/leaderboard-format.js';
import { formatTable } from '../terminal/table.js';
import { renderSweepStatus, sweepListTable } from '../terminal/sweep-view.js';
import { defineOrchestratorCommand, withSweeps, writeJson } from './session.js';

const API_OPTION = { api: { type: 'string' as const } };

export const sweepSubmitCommand = defineOrchestratorCommand({
  path: ['sweep', 'submit'],
  summary: 'Validate a sweep (YAML/JSON; --set overrides a field), expand it into trials and enqueue one job per trial (--dry-run: list them, enqueue nothing)',
  usage: 'FILE [--set PATH=VALUE …] [--dry-run] [--wait] [--json] [--api URL]',
  args: ['FILE'],
  options: { set: { type: 'string', multiple: true }, 'dry-run': { type: 'boolean' }, wait: { type: 'boolean' }, json: { type: 'boolean' }, ...API_OPTION },
  async run(ctx) {
    const file = ctx.positionals[0]!;
    const dryRun = Boolean(ctx.values['dry-run']);
    if (dryRun && ctx.values.wait) throw new UsageError('--dry-run enqueues nothing: there is nothing to --wait for');
    let input: unknown;
    try {
      input = applySpecOverrides(await readSpecFile(file), (ctx.values.set as string[] | undefined) ?? []);
    } catch (error) {
      if (error instanceof SpecFileError || error instanceof SpecOverrideError) throw new UsageError(error.message);
      throw error;
    }
    return withSweeps(ctx, async (sweeps) => {
      const outcome = await sweeps.submit(input, { dryRun });
      if (!outcome.ok) {
        if (ctx.values.json) writeJson(ctx, { error: outcome.error, issues: outcome.issues });
        ctx.stderr.write(
          terminalText(
            `fermx sweep submit: ${file}: ${outcome.error}; nothing was enqueued\n${outcome.issues.map((i) => `  ${i.path}: ${i.message}\n`).join('')}`,
          ),
        );
        return 1;
      }
      const { ok: _ok, ...summary } = outcome;
      if (dryRun) {
        if (ctx.values.json) writeJson(ctx, summary);
        else ctx.stdout.write(terminalText(dryRunText(outcome)));
        return 0;
      }
      if (!ctx.values.wait) {
        if (ctx.values.json) writeJson(ctx, summary);
        else
          ctx.stdout.write(
            `sweep ${outcome.sweepId}: ${outcome.trials.length} trials, ${outcome.enqueued} enqueued, ${outcome.existing} already known\nfermx sweep status ${outcome.sweepId}\n`,
          );
        return 0;
      }
      if (!ctx.values.json)
        ctx.stdout.write(`sweep ${outcome.sweepId}: ${outcome.trials.length} trials, ${outcome.enqueued} enqueued, ${outcome.existing} already known\n`);
      const final = await watch(ctx, sweeps, outcome.sweepId, { untilSettled: true });
      if (ctx.values.json) writeJson(ctx, { ...summary, status: final });
      return final && final.counts.failed === 0 ? 0 : 1;
    });
  },
});

export const sweepStatusCommand = defineOrchestratorCommand({
  path: ['sweep', 'status'],
  summary: 'Per-trial progress of a sweep (epoch, val accuracy) as bars; --watch refreshes until it settles',
  usage: 'ID [--watch] [--json] [--api URL]',
  args: ['ID'],
  options: { watch: { type: 'boolean' }, json: { type: 'boolean' }, ...API_OPTION },
  async run(ctx) {
    const sweepId = ctx.positionals[0]!;
    return withSweeps(ctx, async (sweeps) => {
      const status = ctx.values.watch
        ? await watch(ctx, sweeps, sweepId, { untilSettled: true, quiet: Boolean(ctx.values.json) })
        : await sweeps.status(sweepId);
      if (!status) {
        ctx.stderr.write(`fermx sweep status: no sweep ${sweepId} (see 'fermx sweep list')\n`);
        return 1;
      }
      if (ctx.values.json) writeJson(ctx, status);
      else if (!ctx.values.watch) ctx.stdout.write(renderSweepStatus(status, { columns: ctx.stdout.columns ?? 160 }));
      return 0;
    });
  },
});

export const sweepCancelCommand = defineOrchestratorCommand({
  path: ['sweep', 'cancel'],
  summary: 'Cancel a sweep: waiting trials are removed, running ones stop after their current epoch',
  usage: 'ID [--json] [--api URL]',
  args: ['ID'],
  options: { json: { type: 'boolean' }, ...API_OPTION },
  async run(ctx) {
    const sweepId = ctx.positionals[0]!;
    return withSweeps(ctx, async (sweeps) => {
      const outcome = await sweeps.cancel(sweepId);
      if (!outcome) {
        ctx.stderr.write(`fermx sweep cancel: no sweep ${sweepId}\n`);
        return 1;
      }
      if (ctx.values.json) writeJson(ctx, outcome);
      else ctx.stdout.write(`sweep ${sweepId}: ${outcome.cancelled} trials cancelled\n`);
      return 0;
    });
  },
});

export const sweepListCommand = defineOrchestratorCommand({
  path: ['sweep', 'list'],
  summary: 'Sweeps, newest first, with trial counts and the best val accuracy',
  usage: '[--json] [--api URL]',
  options: { json: { type: 'boolean' }, ...API_OPTION },
  async run(ctx) {
    return withSweeps(ctx, async (sweeps) => {
      const list = await sweeps.list();
      if (ctx.values.json) writeJson(ctx, { sweeps: list });
      else ctx.stdout.write(sweepListTable(list));
    });
  },
});

/** `sweep submit --dry-run`: the sweep id, the counts a submit would give, and one line per trial. */
function dryRunText(outcome: Extract<SubmitOutcome, { ok: true }>): string {
  const preview = outcome.preview ?? [];
  if (preview.length === 0)
    return `sweep ${outcome.sweepId} (dry run, nothing enqueued): its trials are proposed as results arrive (tpe), none to list before it runs\n`;
  const head = `sweep ${outcome.sweepId} (dry run, nothing enqueued): ${outcome.trials.length} trials, ${outcome.enqueued} would be enqueued, ${outcome.existing} already known\n`;
  return (
    head +
    formatTable(
      ['trial', 'model', 'params', 'submit'],
      preview.map((t) => [t.trialId, t.variant ?? t.model, formatParams(t.params), t.existing ? 'already known' : 'enqueue']),
    )
  );
}

/** Polls a sweep's status, redrawing bars in place on a terminal, until it settles. */
async function watch(
  ctx: CommandContext,
  sweeps: SweepOperations,
  sweepId: string,
  options: { untilSettled: boolean; quiet?: boolean; intervalMs?: number },
): Promise<SweepStatus | undefined> {
  const tty = Boolean(ctx.stdout.isTTY);
  let drawn = 0;
  let lastText = '';
  for (;;) {
    const status = await sweeps.status(sweepId);
    if (!status) return undefined;
    if (!options.quiet && !ctx.values.json) {
      const text = renderSweepStatus(status, { columns: ctx.stdout.columns ?? 160, maxTrials: tty ? Math.max(5, (process.stdout.rows ?? 40) - 6) : 200 });
      if (tty) {
        // Move up over the previous frame and clear it, then draw the new one.
        ctx.stdout.write(`${drawn > 0 ? `\x1b[${drawn}F\x1b[J` : ''}${text}`);
        drawn = text.split('\n').length - 1;
      } else if (text !== lastText) {
        ctx.stdout.write(`${text}\n`);
      }
      lastText = text;
    }
    if (options.untilSettled && isSettled(status.counts)) return status;
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 1_000));
  }
}
