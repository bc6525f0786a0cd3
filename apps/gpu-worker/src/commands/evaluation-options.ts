import { UsageError, type CommandContext, type OptionSpecs } from '@fermx/cli';
import { TEST_TIME_AUGMENTATIONS, type TestTimeAugmentation } from '@fermx/contracts';
import { BACKEND_CHOICES, parseWorkerConfig, WorkerConfigError } from '../config.js';
import { classifyError } from '../training/errors/index.js';
import { CLASS_PRIORS, parseClassPrior } from '../evaluation/class-prior-choice.js';
import type { EvaluationInput } from '../evaluation/evaluation-input.js';

// The dataset's splits (@fermx/data SPLITS), listed here so `fermx --help` need not load the data lib.
export const SPLITS = ['val', 'test', 'publictest', 'train'] as const;
export type Split = (typeof SPLITS)[number];

/** The flags `fermx evaluate` and `fermx compare` share, and their synopsis. */
export const EVALUATION_OPTIONS = {
  split: { type: 'string', default: 'val' },
  backend: { type: 'string' },
  tta: { type: 'string' },
  'class-prior': { type: 'string' },
  json: { type: 'boolean', default: false },
} satisfies OptionSpecs;
export const EVALUATION_USAGE = `[--split ${SPLITS.join('|')}] [--tta ${TEST_TIME_AUGMENTATIONS.join('|')}] [--class-prior ${CLASS_PRIORS.join('|')}] [--backend ${BACKEND_CHOICES.join('|')}] [--json]`;

/** --split, --tta, --class-prior and --backend (with the environment) as one EvaluationInput; a bad value is a usage error. */
export function parseEvaluationInput(ctx: CommandContext, datasetUri: string): EvaluationInput {
  const split = ctx.values.split as string;
  if (!SPLITS.includes(split as Split)) throw new UsageError(`--split must be one of ${SPLITS.join(', ')}, got '${split}'`);
  const tta = ctx.values.tta as string | undefined;
  if (tta !== undefined && !TEST_TIME_AUGMENTATIONS.includes(tta as TestTimeAugmentation)) {
    throw new UsageError(`--tta must be one of ${TEST_TIME_AUGMENTATIONS.join(', ')}, got '${tta}'`);
  }
  const classPrior = parseClassPrior(ctx.values['class-prior']);
  let config;
  try {
    config = parseWorkerConfig(ctx.env, { backend: ctx.values.backend as string | undefined });
  } catch (error) {
    if (error instanceof WorkerConfigError) throw new UsageError(error.message);
    throw error;
  }
  return {
    datasetUri,
    split: split as Split,
    backend: config.backend,
    cacheDir: config.cacheDir,
    env: ctx.env,
    ...(tta ? { tta: tta as TestTimeAugmentation } : {}),
    ...(classPrior ? { classPrior } : {}),
  };
}

/**
 * Runs `score`; bad input (no model there, no such split, class mismatch) is written as
 * `fermx <command>: <message>` and gives undefined (exit code 1), not a stack trace.
 */
export async function reportBadInput<T>(command: string, ctx: CommandContext, score: () => Promise<T>): Promise<T | undefined> {
  try {
    return await score();
  } catch (error) {
    if (classifyError(error).retry !== 'fail') throw error;
    ctx.stderr.write(`fermx ${command}: ${(error as Error).message}\n`);
    return undefined;
  }
}
