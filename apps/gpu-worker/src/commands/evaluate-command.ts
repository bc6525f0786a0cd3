import { defineCommand, UsageError } from '@fermx/cli';
import { accuracyInterval } from '@fermx/contracts';
import { BACKEND_CHOICES, parseWorkerConfig, WorkerConfigError } from '../config.js';
import { classifyError } from '../training/errors/index.js';

// The dataset's splits (@fermx/data SPLITS), listed here so `fermx --help` need not load the data lib.
export const SPLITS = ['val', 'test', 'publictest', 'train'] as const;
export type Split = (typeof SPLITS)[number];

export const evaluateCommand = defineCommand({
  path: ['evaluate'],
  summary: 'Accuracy, macro-F1, per-class accuracy and confusion matrix of a saved model on a dataset split',
  usage: `MODEL_URI DATASET_URI [--split ${SPLITS.join('|')}] [--tta none|flip] [--backend ${BACKEND_CHOICES.join('|')}] [--json]`,
  args: ['MODEL_URI', 'DATASET_URI'],
  options: {
    split: { type: 'string', default: 'val' },
    backend: { type: 'string' },
    tta: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
  async run(ctx) {
    const [modelUri, datasetUri] = ctx.positionals as [string, string];
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
    const { evaluateModel } = await import('../evaluation/evaluate-model.js');
    const { formatEvaluation } = await import('../evaluation/format-evaluation.js');
    let outcome;
    try {
      outcome = await evaluateModel({
        modelUri,
        datasetUri,
        split: split as Split,
        backend: config.backend,
        cacheDir: config.cacheDir,
        env: ctx.env,
        ...(tta ? { tta } : {}),
      });
    } catch (error) {
      // Bad input (no model there, no such split, class mismatch) is a message, not a stack trace.
      if (classifyError(error).retry !== 'fail') throw error;
      ctx.stderr.write(`fermx evaluate: ${(error as Error).message}\n`);
      return 1;
    }
    if (ctx.values.json) {
      const interval95 = accuracyInterval(outcome.report.accuracy, outcome.report.count);
      ctx.stdout.write(
        `${JSON.stringify({ model: modelUri, dataset: datasetUri, split, backend: outcome.backend, tta: outcome.tta, ...outcome.report, interval95 }, null, 2)}\n`,
      );
    } else {
      ctx.stdout.write(formatEvaluation(outcome.report, { model: modelUri, dataset: datasetUri, split, count: outcome.report.count, tta: outcome.tta }));
    }
    return 0;
  },
});
