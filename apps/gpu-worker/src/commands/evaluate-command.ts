import { defineCommand } from '@fermx/cli';
import { accuracyInterval } from '@fermx/contracts';
import { EVALUATION_OPTIONS, EVALUATION_USAGE, parseEvaluationInput, reportBadInput } from './evaluation-options.js';

export const evaluateCommand = defineCommand({
  path: ['evaluate'],
  summary: 'Accuracy, macro-F1, per-class accuracy and confusion matrix of a saved model (--with: the mean of several) on a dataset split',
  usage: `MODEL_URI DATASET_URI [--with MODEL_URI …] ${EVALUATION_USAGE}`,
  args: ['MODEL_URI', 'DATASET_URI'],
  options: { ...EVALUATION_OPTIONS, with: { type: 'string', multiple: true } },
  async run(ctx) {
    const [modelUri, datasetUri] = ctx.positionals as [string, string];
    const input = parseEvaluationInput(ctx, datasetUri);
    const withUris = (ctx.values.with as string[] | undefined) ?? [];
    // The ensemble as it is named in the report: MODEL_URI + each --with model.
    const model = [modelUri, ...withUris].join(' + ');
    // Heavy (tfjs): loaded only when this command runs.
    const { evaluateModel } = await import('../evaluation/evaluate-model.js');
    const { formatEvaluation } = await import('../evaluation/format-evaluation.js');
    const outcome = await reportBadInput('evaluate', ctx, () => evaluateModel({ ...input, modelUri, withUris }));
    if (!outcome) return 1;
    const { split } = input;
    if (ctx.values.json) {
      const interval95 = accuracyInterval(outcome.report.accuracy, outcome.report.count);
      ctx.stdout.write(
        `${JSON.stringify({ model: modelUri, ...(withUris.length ? { ensemble: [modelUri, ...withUris] } : {}), dataset: datasetUri, split, backend: outcome.backend, tta: outcome.tta, classPrior: outcome.classPrior, ...outcome.report, interval95 }, null, 2)}\n`,
      );
    } else {
      ctx.stdout.write(
        formatEvaluation(outcome.report, {
          model,
          dataset: datasetUri,
          split,
          count: outcome.report.count,
          tta: outcome.tta,
          classPrior: outcome.classPrior,
        }),
      );
    }
    return 0;
  },
});
