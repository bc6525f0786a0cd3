import { defineCommand, UsageError } from '@fermx/cli';
import { BACKEND_CHOICES, parseWorkerConfig, WorkerConfigError } from '../config.js';
import { classifyError } from '../training/errors/index.js';
import { SPLITS, type Split } from './evaluate-command.js';

export const compareCommand = defineCommand({
  path: ['compare'],
  summary:
    'Two saved models on the same dataset split, image by image: both accuracies, the paired 95 % interval of their difference and an exact McNemar test',
  usage: `MODEL_A MODEL_B DATASET_URI [--split ${SPLITS.join('|')}] [--tta none|flip] [--backend ${BACKEND_CHOICES.join('|')}] [--json]`,
  args: ['MODEL_A', 'MODEL_B', 'DATASET_URI'],
  options: {
    split: { type: 'string', default: 'val' },
    backend: { type: 'string' },
    tta: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
  async run(ctx) {
    const [modelA, modelB, datasetUri] = ctx.positionals as [string, string, string];
    const split = ctx.values.split as string;
    if (!SPLITS.includes(split as Split)) throw new UsageError(`--split must be one of ${SPLITS.join(', ')}, got '${split}'`);
    const tta = ctx.values.tta as string | undefined;
    if (tta !== undefined && tta !== 'none' && tta !== 'flip') throw new UsageError(`--tta must be none or flip, got '${tta}'`);
    let config;
    try {
      config = parseWorkerConfig(ctx.env, { backend: ctx.values.backend as string | undefined });
    } catch (error) {
      if (error instanceof WorkerConfigError) throw new UsageError(error.message);
      throw error;
    }
    // Heavy (tfjs): loaded only when this command runs.
    const { compareModels } = await import('../evaluation/compare-models.js');
    const { formatComparison } = await import('../evaluation/format-comparison.js');
    let comparison;
    try {
      comparison = await compareModels({
        modelUris: [modelA, modelB],
        datasetUri,
        split: split as Split,
        backend: config.backend,
        cacheDir: config.cacheDir,
        env: ctx.env,
        ...(tta ? { tta } : {}),
      });
    } catch (error) {
      if (classifyError(error).retry !== 'fail') throw error;
      ctx.stderr.write(`fermx compare: ${(error as Error).message}\n`);
      return 1;
    }
    if (ctx.values.json) {
      const models = comparison.models.map((m) => ({ model: m.modelUri, tta: m.tta, accuracy: m.report.accuracy, macroF1: m.report.macroF1 }));
      ctx.stdout.write(`${JSON.stringify({ dataset: datasetUri, split, backend: comparison.backend, models, ...comparison.paired }, null, 2)}\n`);
    } else {
      ctx.stdout.write(formatComparison(comparison, { dataset: datasetUri, split }));
    }
    return 0;
  },
});
