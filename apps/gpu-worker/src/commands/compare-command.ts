import { defineCommand } from '@fermx/cli';
import { EVALUATION_OPTIONS, EVALUATION_USAGE, parseEvaluationInput, reportBadInput } from './evaluation-options.js';

export const compareCommand = defineCommand({
  path: ['compare'],
  summary:
    'Two saved models on the same dataset split, image by image: both accuracies, the paired 95 % interval of their difference and an exact McNemar test',
  usage: `MODEL_A MODEL_B DATASET_URI ${EVALUATION_USAGE}`,
  args: ['MODEL_A', 'MODEL_B', 'DATASET_URI'],
  options: EVALUATION_OPTIONS,
  async run(ctx) {
    const [modelA, modelB, datasetUri] = ctx.positionals as [string, string, string];
    const input = parseEvaluationInput(ctx, datasetUri);
    // Heavy (tfjs): loaded only when this command runs.
    const { compareModels } = await import('../evaluation/compare-models.js');
    const { formatComparison } = await import('../evaluation/format-comparison.js');
    const comparison = await reportBadInput('compare', ctx, () => compareModels({ ...input, modelUris: [modelA, modelB] }));
    if (!comparison) return 1;
    const { split } = input;
    if (ctx.values.json) {
      const models = comparison.models.map((m) => ({
        model: m.modelUri,
        tta: m.tta,
        classPrior: m.classPrior,
        accuracy: m.report.accuracy,
        macroF1: m.report.macroF1,
      }));
      ctx.stdout.write(`${JSON.stringify({ dataset: datasetUri, split, backend: comparison.backend, models, ...comparison.paired }, null, 2)}\n`);
    } else {
      ctx.stdout.write(formatComparison(comparison, { dataset: datasetUri, split }));
    }
    return 0;
  },
});
