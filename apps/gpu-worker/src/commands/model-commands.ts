import { execFileSync } from 'node:child_process';
import { defineCommand, UsageError } from '@fermx/cli';

// Listed here so `fermx --help` need not load the data lib.
const ALIASES = ['production', 'candidate'] as const;

/** The commit of the checkout fermx runs from, when it is a git checkout. */
function checkoutCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const pct = (x: number | undefined) => (x === undefined ? '–' : `${(x * 100).toFixed(2)} %`);

export const modelPromoteCommand = defineCommand({
  path: ['model', 'promote'],
  summary: "Copy a trial's model to models/<name>/v<N>/ in storage with its lineage, optionally moving an alias to it",
  usage: `TRIAL_ID --name NAME [--alias ${ALIASES.join('|')}] [--json]`,
  args: ['TRIAL_ID'],
  options: { name: { type: 'string' }, alias: { type: 'string' }, json: { type: 'boolean', default: false } },
  async run(ctx) {
    const [trialId] = ctx.positionals as [string];
    const name = ctx.values.name;
    if (typeof name !== 'string') throw new UsageError('--name NAME is required');
    const alias = ctx.values.alias as string | undefined;
    if (alias !== undefined && !ALIASES.includes(alias as (typeof ALIASES)[number]))
      throw new UsageError(`--alias must be one of ${ALIASES.join(', ')}, got '${alias}'`);
    const { ModelRegistry, ModelRegistryError } = await import('./model-registry-access.js');
    const commit = checkoutCommit();
    try {
      const registry = ModelRegistry.fromEnv(ctx.env);
      const lineage = await registry.promote({
        trialId,
        name,
        ...(alias ? { alias: alias as (typeof ALIASES)[number] } : {}),
        ...(commit ? { commit } : {}),
        env: ctx.env,
      });
      const uri = registry.storage.uriOf(`models/${lineage.name}/v${lineage.version}`);
      if (ctx.values.json) ctx.stdout.write(`${JSON.stringify({ ...lineage, uri, ...(alias ? { alias } : {}) }, null, 2)}\n`);
      else
        ctx.stdout.write(
          `promoted ${trialId} as ${lineage.name} v${lineage.version}${alias ? ` (${alias})` : ''}: val accuracy ${pct(lineage.metrics.valAccuracy)}, macro-F1 ${lineage.metrics.macroF1.toFixed(3)} → ${uri}\n`,
        );
      return 0;
    } catch (error) {
      if (!(error instanceof ModelRegistryError)) throw error;
      ctx.stderr.write(`fermx model promote: ${error.message}\n`);
      return 1;
    }
  },
});

export const modelAliasCommand = defineCommand({
  path: ['model', 'alias'],
  summary: 'Point an alias of a promoted model at one of its versions (the move is recorded)',
  usage: `NAME VERSION --alias ${ALIASES.join('|')}`,
  args: ['NAME', 'VERSION'],
  options: { alias: { type: 'string' } },
  async run(ctx) {
    const [name, versionText] = ctx.positionals as [string, string];
    const alias = ctx.values.alias as string | undefined;
    if (!alias || !ALIASES.includes(alias as (typeof ALIASES)[number])) throw new UsageError(`--alias must be one of ${ALIASES.join(', ')}`);
    const version = Number(versionText.replace(/^v/, ''));
    if (!Number.isInteger(version) || version < 1) throw new UsageError(`VERSION must look like v3 or 3, got '${versionText}'`);
    const { ModelRegistry, ModelRegistryError } = await import('./model-registry-access.js');
    try {
      await ModelRegistry.fromEnv(ctx.env).moveAlias(name, alias as (typeof ALIASES)[number], version);
      ctx.stdout.write(`${name}@${alias} → v${version}\n`);
      return 0;
    } catch (error) {
      if (!(error instanceof ModelRegistryError)) throw error;
      ctx.stderr.write(`fermx model alias: ${error.message}\n`);
      return 1;
    }
  },
});

export const modelListCommand = defineCommand({
  path: ['model', 'list'],
  summary: 'Promoted models: versions, aliases, lineage and metrics',
  usage: '[--json]',
  options: { json: { type: 'boolean', default: false } },
  async run(ctx) {
    const { ModelRegistry } = await import('./model-registry-access.js');
    const models = await ModelRegistry.fromEnv(ctx.env).list();
    if (ctx.values.json) {
      ctx.stdout.write(`${JSON.stringify({ models }, null, 2)}\n`);
      return 0;
    }
    if (models.length === 0) {
      ctx.stdout.write('no promoted models (fermx model promote TRIAL_ID --name NAME)\n');
      return 0;
    }
    for (const model of models) {
      ctx.stdout.write(`${model.name}\n`);
      for (const v of model.versions) {
        const aliases = Object.entries(model.aliases)
          .filter(([, n]) => n === v.version)
          .map(([a]) => `@${a}`)
          .join(' ');
        ctx.stdout.write(
          `  v${v.version} ${aliases.padEnd(22)} ${v.model && typeof v.model === 'object' ? String((v.model as { architecture?: unknown }).architecture) : ''}  val ${pct(v.metrics.valAccuracy)}  macro-F1 ${v.metrics.macroF1.toFixed(3)}  trial ${v.trial.trialId} (${v.trial.sweepName})  dataset ${v.dataset.version}${v.dataset.masked === true ? ' masked' : v.dataset.masked === false ? ' unmasked' : ''}  ${v.promotedAt}\n`,
        );
      }
      for (const move of model.history) ctx.stdout.write(`  ${move.at}  @${move.alias}: ${move.from === null ? '(new)' : `v${move.from}`} → v${move.to}\n`);
    }
    return 0;
  },
});
