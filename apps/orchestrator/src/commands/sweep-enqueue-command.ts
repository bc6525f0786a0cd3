import { UsageError } from '@fermx/cli';
import { defineOrchestratorCommand, withSweeps, writeJson } from './session.js';

/** `--set name=value` flags as a map (the value is parsed by the server, against the sweep's schema). */
export function parseSetFlags(flags: unknown): Record<string, string> {
  const list = flags === undefined ? [] : Array.isArray(flags) ? flags : [flags];
  const out: Record<string, string> = {};
  for (const flag of list) {
    const match = /^([A-Za-z][A-Za-z0-9]*)=(.+)$/.exec(String(flag));
    if (!match) throw new UsageError(`--set takes name=value (got '${String(flag)}')`);
    if (match[1]! in out) throw new UsageError(`--set ${match[1]} is given twice`);
    out[match[1]!] = match[2]!;
  }
  return out;
}

export const sweepEnqueueCommand = defineOrchestratorCommand({
  path: ['sweep', 'enqueue'],
  summary: 'Add one specific trial to a sweep (values checked against its parameters); a tpe sweep feeds its result to the model',
  usage: 'ID --set name=value [--set …] [--variant NAME] [--json] [--api URL]',
  args: ['ID'],
  options: { set: { type: 'string', multiple: true }, variant: { type: 'string' }, json: { type: 'boolean' }, api: { type: 'string' } },
  async run(ctx) {
    const sweepId = ctx.positionals[0]!;
    const set = parseSetFlags(ctx.values.set);
    if (Object.keys(set).length === 0) throw new UsageError("give the trial's values with --set name=value");
    const variant = typeof ctx.values.variant === 'string' ? ctx.values.variant : undefined;
    return withSweeps(ctx, async (sweeps) => {
      const outcome = await sweeps.enqueue(sweepId, { set, ...(variant ? { variant } : {}) });
      if (!outcome) {
        ctx.stderr.write(`fermx sweep enqueue: no sweep ${sweepId} (see 'fermx sweep list')\n`);
        return 1;
      }
      if (!outcome.ok) {
        if (ctx.values.json) writeJson(ctx, { error: outcome.error, issues: outcome.issues });
        ctx.stderr.write(`fermx sweep enqueue: ${outcome.error}; nothing was enqueued\n${outcome.issues.map((i) => `  ${i.path}: ${i.message}\n`).join('')}`);
        return 1;
      }
      const { ok: _ok, ...summary } = outcome;
      if (ctx.values.json) writeJson(ctx, summary);
      else ctx.stdout.write(`sweep ${outcome.sweepId}: trial ${outcome.trialId} ${outcome.enqueued ? 'enqueued' : 'already known (not enqueued again)'}\n`);
      return 0;
    });
  },
});
