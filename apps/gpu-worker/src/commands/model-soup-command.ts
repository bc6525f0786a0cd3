import { defineCommand, UsageError } from '@fermx/cli';
import { classifyError } from '../training/errors/index.js';

export const modelSoupCommand = defineCommand({
  path: ['model', 'soup'],
  summary:
    'Average the weights of models of one architecture and classes (a uniform model soup) into a new model folder, optionally re-estimating its batch-norm statistics',
  usage: 'MODEL MODEL [MODEL...] --out DIR|URI [--recalibrate DATASET_URI] [--note TEXT] [--json]',
  args: ['MODEL', 'MODEL...'],
  options: { out: { type: 'string' }, recalibrate: { type: 'string' }, note: { type: 'string' }, json: { type: 'boolean', default: false } },
  async run(ctx) {
    const members = ctx.positionals;
    const out = ctx.values.out;
    if (typeof out !== 'string' || out === '') throw new UsageError('--out DIR|URI is required: where the soup is written');
    const { makeSoup, SoupMismatchError } = await import('../soup/make-soup.js');
    try {
      const { uri, metadata } = await makeSoup({
        members,
        out,
        ...(typeof ctx.values.note === 'string' ? { note: ctx.values.note } : {}),
        ...(typeof ctx.values.recalibrate === 'string' ? { recalibrateOn: ctx.values.recalibrate } : {}),
        env: ctx.env,
      });
      const recalibrated = metadata.soup?.recalibrated;
      if (ctx.values.json)
        ctx.stdout.write(`${JSON.stringify({ uri, members, parameters: metadata.parameters, tta: metadata.evaluation?.tta, recalibrated }, null, 2)}\n`);
      else
        ctx.stdout.write(
          `soup of ${members.length} models (${metadata.parameters} parameters each), read with ${metadata.evaluation?.tta}${recalibrated ? `, batch-norm statistics re-estimated on ${recalibrated.images} train images` : ''}: ${uri}\n`,
        );
      return 0;
    } catch (error) {
      if (!(error instanceof SoupMismatchError) && classifyError(error).retry !== 'fail') throw error;
      ctx.stderr.write(`fermx model soup: ${(error as Error).message}\n`);
      return 1;
    }
  },
});
