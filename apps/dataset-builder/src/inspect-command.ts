import { defineCommand, terminalText } from '@fermx/cli';
import { openDataset } from '@fermx/data';
import { formatCounts, formatFilters } from './format-counts.js';

export const inspectCommand = defineCommand({
  path: ['dataset', 'inspect'],
  summary: 'Show a FERM dataset: classes, counts per split and class, filters, shards, sources (--verify checks every shard)',
  usage: 'URI [--json] [--verify]',
  args: ['URI'],
  options: { json: { type: 'boolean', default: false }, verify: { type: 'boolean', default: false } },
  async run(ctx) {
    const uri = ctx.positionals[0]!;
    let dataset;
    try {
      dataset = await openDataset(uri, { env: ctx.env });
    } catch (error) {
      ctx.stderr.write(terminalText(`fermx dataset inspect: ${error instanceof Error ? error.message : String(error)}\n`));
      return 1;
    }
    const m = dataset.manifest;
    const verified: Record<string, number> = {};
    if (ctx.values.verify) {
      for (const split of dataset.splits) verified[split] = (await dataset.loadSplit(split)).count;
    }
    if (ctx.values.json) {
      ctx.stdout.write(`${JSON.stringify({ uri: dataset.uri, ...m, ...(ctx.values.verify ? { verified } : {}) })}\n`);
      return 0;
    }
    const lines = [
      `${dataset.uri}  (${m.format}, builder ${m.builder.version}, build ${m.builder.buildKey}${m.builder.builtAt ? `, ${m.builder.builtAt}` : ''})`,
      `profile ${m.builder.config.profile}, labels ${m.labels}, seed ${m.builder.config.seed}, detector ${m.builder.detector}`,
      `sources: ${m.sources.fer2013.file} sha256 ${m.sources.fer2013.sha256.slice(0, 12)}…${m.sources.ferplus ? `, ${m.sources.ferplus.file} sha256 ${m.sources.ferplus.sha256.slice(0, 12)}…` : ''}`,
      '',
    ];
    // Everything below comes from the dataset's manifest: its escape sequences are shown, not obeyed.
    const say = (text: string) => ctx.stdout.write(terminalText(text));
    say(lines.join('\n'));
    say(formatCounts(m));
    say(formatFilters(m));
    const bytes = m.shards.reduce((n, s) => n + s.bytes, 0);
    say(`${m.shards.length} shards, ${(bytes / 1e6).toFixed(1)} MB; preview ${m.preview}\n`);
    if (ctx.values.verify)
      ctx.stdout.write(
        `verified: ${Object.entries(verified)
          .map(([s, n]) => `${s} ${n}`)
          .join(', ')} (every shard matches its sha256)\n`,
      );
    return 0;
  },
});
