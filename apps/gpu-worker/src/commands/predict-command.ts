import { defineCommand, UsageError } from '@fermx/cli';
import { TEST_TIME_AUGMENTATIONS, type TestTimeAugmentation } from '@fermx/contracts';
import { BACKEND_CHOICES, parseWorkerConfig, WorkerConfigError } from '../config.js';
import { CLASS_PRIORS, parseClassPrior } from '../evaluation/class-prior-choice.js';
import { classifyError } from '../training/errors/index.js';

// Listed here so `fermx --help` need not load the prediction code (tfjs, face-api).
const MASK_MODES = ['auto', 'always', 'never'] as const;
const DETECTORS = ['ssd', 'tiny'] as const;

export const predictCommand = defineCommand({
  path: ['predict'],
  summary: "Find every face in photos, frame it like FER2013, and print the model's class probabilities per face",
  usage: `MODEL IMAGE|DIR... [--json] [--annotate DIR] [--mask ${MASK_MODES.join('|')}] [--detector ${DETECTORS.join('|')}] [--min-score 0.5] [--class-prior ${CLASS_PRIORS.join('|')}] [--tta ${TEST_TIME_AUGMENTATIONS.join('|')}] [--backend ${BACKEND_CHOICES.join('|')}]`,
  args: ['MODEL', 'IMAGE...'],
  options: {
    json: { type: 'boolean', default: false },
    annotate: { type: 'string' },
    mask: { type: 'string', default: 'auto' },
    detector: { type: 'string', default: 'ssd' },
    'min-score': { type: 'string', default: '0.5' },
    'class-prior': { type: 'string', default: 'trained' },
    tta: { type: 'string' },
    backend: { type: 'string' },
  },
  async run(ctx) {
    const [model, ...inputs] = ctx.positionals as [string, ...string[]];
    if (inputs.length === 0) throw new UsageError('give at least one IMAGE or DIR after MODEL');
    const mask = ctx.values.mask as string;
    if (!MASK_MODES.includes(mask as (typeof MASK_MODES)[number])) throw new UsageError(`--mask must be one of ${MASK_MODES.join(', ')}, got '${mask}'`);
    const detector = ctx.values.detector as string;
    if (!DETECTORS.includes(detector as (typeof DETECTORS)[number]))
      throw new UsageError(`--detector must be one of ${DETECTORS.join(', ')}, got '${detector}'`);
    const minScore = Number(ctx.values['min-score']);
    if (!(minScore > 0 && minScore < 1)) throw new UsageError(`--min-score must be a number between 0 and 1, got '${String(ctx.values['min-score'])}'`);
    const classPrior = parseClassPrior(ctx.values['class-prior']);
    const tta = ctx.values.tta as string | undefined;
    if (tta !== undefined && !TEST_TIME_AUGMENTATIONS.includes(tta as TestTimeAugmentation))
      throw new UsageError(`--tta must be one of ${TEST_TIME_AUGMENTATIONS.join(', ')}, got '${tta}'`);
    let config;
    try {
      // Inference runs on wasm by default (the detector does too): no GPU probing for a few photos.
      config = parseWorkerConfig(ctx.env, { backend: (ctx.values.backend as string | undefined) ?? 'wasm' });
    } catch (error) {
      if (error instanceof WorkerConfigError) throw new UsageError(error.message);
      throw error;
    }
    const { Predictor } = await import('../prediction/predictor.js');
    const { expandPhotoPaths } = await import('../prediction/photo-files.js');
    const { predictFiles } = await import('../prediction/predict-files.js');
    const { formatFileOutcome, predictionsJson, viewsText } = await import('../prediction/format-predictions.js');
    const { ModelRegistryError } = await import('./model-registry-access.js');
    let predictor;
    try {
      predictor = await Predictor.load({
        model,
        backend: config.backend,
        mask: mask as (typeof MASK_MODES)[number],
        detector: detector as (typeof DETECTORS)[number],
        minScore,
        ...(classPrior ? { classPrior } : {}),
        ...(tta ? { tta: tta as TestTimeAugmentation } : {}),
        env: ctx.env,
      });
    } catch (error) {
      if (!(error instanceof ModelRegistryError) && classifyError(error).retry !== 'fail') throw error;
      ctx.stderr.write(`fermx predict: ${(error as Error).message}\n`);
      return 1;
    }
    try {
      const files = await expandPhotoPaths(inputs);
      const json = ctx.values.json === true;
      if (!json)
        ctx.stdout.write(
          `model ${model} (${predictor.model.uri}), classes ${predictor.classes.join(', ')}${predictor.classPrior === 'trained' ? '' : ` (class prior: ${predictor.classPrior})`}; ${viewsText(predictor.tta)}; mask ${predictor.maskDecision.draw ? 'drawn' : 'not drawn'}: ${predictor.maskDecision.reason}\n`,
        );
      const outcomes = await predictFiles(predictor, files, {
        ...(typeof ctx.values.annotate === 'string' ? { annotateDir: ctx.values.annotate } : {}),
        onFile: (outcome) => {
          if ('error' in outcome) ctx.stderr.write(`fermx predict: ${outcome.error}\n`);
          else if (!json) ctx.stdout.write(formatFileOutcome(outcome));
        },
      });
      if (json) {
        const header = {
          model,
          modelUri: predictor.model.uri,
          classes: predictor.classes,
          classPrior: predictor.classPrior,
          tta: predictor.tta,
          backend: predictor.backend,
          mask: predictor.maskDecision,
        };
        ctx.stdout.write(`${JSON.stringify(predictionsJson(outcomes, header), null, 2)}\n`);
      }
      return outcomes.some((o) => 'error' in o) ? 1 : 0;
    } finally {
      await predictor.dispose();
    }
  },
});
