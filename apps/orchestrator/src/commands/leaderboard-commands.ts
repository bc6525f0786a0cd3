import { terminalText, UsageError } from '@fermx/cli';
import type { LeaderboardQuery } from '@fermx/queue';
import { absoluteDatasetUri } from '../sweeps/dataset-uri.js';
import { aggregatedCsv, aggregatedTable, leaderboardCsv, leaderboardTable } from '../leaderboard/leaderboard-format.js';
import { aggregatedLeaderboard, rankedLeaderboard } from '../leaderboard/leaderboard-query.js';
import { defineOrchestratorCommand, withRuntime, writeJson } from './session.js';

export const leaderboardCommand = defineOrchestratorCommand({
  path: ['leaderboard'],
  summary:
    'Finished trials sorted by val accuracy (95 % interval, ties with the best, Pareto front), per sweep or dataset: table, JSON or CSV; --aggregate joins seed replicates',
  usage: '[--sweep ID] [--dataset URI] [--model ARCH] [--limit N] [--aggregate] [--json | --csv]',
  options: {
    sweep: { type: 'string' },
    dataset: { type: 'string' },
    model: { type: 'string' },
    limit: { type: 'string' },
    aggregate: { type: 'boolean' },
    json: { type: 'boolean' },
    csv: { type: 'boolean' },
  },
  async run(ctx) {
    if (ctx.values.json && ctx.values.csv) throw new UsageError('give --json or --csv, not both');
    const query: LeaderboardQuery = {};
    if (typeof ctx.values.sweep === 'string') query.sweepId = ctx.values.sweep;
    // Rows hold absolute dataset URIs; `file://./rel` on the command line means the same folder.
    if (typeof ctx.values.dataset === 'string') query.dataset = absoluteDatasetUri(ctx.values.dataset);
    if (typeof ctx.values.model === 'string') query.model = ctx.values.model;
    if (typeof ctx.values.limit === 'string') {
      const limit = Number(ctx.values.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive integer, got '${ctx.values.limit}'`);
      query.limit = limit;
    }
    if (ctx.values.aggregate) {
      const rows = await withRuntime(ctx, (runtime) => aggregatedLeaderboard(runtime, query));
      if (ctx.values.json) writeJson(ctx, { rows, aggregate: 'repeats' });
      else if (ctx.values.csv) ctx.stdout.write(aggregatedCsv(rows));
      else ctx.stdout.write(aggregatedTable(rows));
      return;
    }
    const rows = await withRuntime(ctx, (runtime) => rankedLeaderboard(runtime, query));
    if (ctx.values.json) writeJson(ctx, { rows });
    else if (ctx.values.csv) ctx.stdout.write(leaderboardCsv(rows));
    else ctx.stdout.write(leaderboardTable(rows));
  },
});

export const leaderboardRebuildCommand = defineOrchestratorCommand({
  path: ['leaderboard', 'rebuild'],
  summary: 'Rebuild the Redis leaderboard and sweep index from storage (runs/*/*/result.json, sweeps/*/sweep.json)',
  usage: '[--json]',
  options: { json: { type: 'boolean' } },
  async run(ctx) {
    const report = await withRuntime(ctx, async (runtime) => {
      // Sweeps first: they restore which sweeps own each trial, so every owner lists its rows.
      const sweeps = await runtime.catalog.rebuild();
      const results = await runtime.index.rebuild(runtime.storage);
      return { ...results, sweeps };
    });
    if (ctx.values.json) writeJson(ctx, report);
    else {
      ctx.stdout.write(`indexed ${report.indexed} results and ${report.sweeps} sweeps from storage\n`);
      for (const s of report.skipped) ctx.stdout.write(terminalText(`  skipped ${s.key}: ${s.reason}\n`));
    }
  },
});
