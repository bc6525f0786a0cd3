import { defineCommand, UsageError } from '@fermx/cli';

/** `fermx models`: the model zoo with parameter counts and FLOPs per 48×48×1 image. */
export const modelsCommand = defineCommand({
  path: ['models'],
  summary: 'List the model zoo: parameters and FLOPs (multiply-accumulates of conv/dense layers) per image',
  usage: '[--classes N] [--json]',
  options: {
    classes: { type: 'string', default: '4' },
    json: { type: 'boolean', default: false },
  },
  async run(ctx) {
    const classes = Number(ctx.values.classes);
    if (!Number.isInteger(classes) || classes < 2) throw new UsageError(`--classes must be an integer >= 2, got '${String(ctx.values.classes)}'`);
    // Heavy (tfjs): loaded only when this command runs. Building needs a backend; cpu is enough.
    const { describeModels, initBackend } = await import('./model-zoo.js');
    await initBackend('cpu');
    const models = describeModels(classes);
    if (ctx.values.json) {
      const flops =
        'multiply-accumulates of conv, depthwise, separable and dense layers for one 48x48x1 image; bias, batch norm, activations, pooling and additions not counted';
      ctx.stdout.write(`${JSON.stringify({ numClasses: classes, flopsConvention: flops, models }, null, 2)}\n`);
      return 0;
    }
    const rows = models.map((m) => [
      m.architecture,
      m.parameters.toLocaleString('en-US'),
      m.trainableParameters.toLocaleString('en-US'),
      `${(m.flopsPerImage / 1e6).toFixed(2)} M`,
    ]);
    const header = ['MODEL', 'PARAMETERS', 'TRAINABLE', 'FLOPS/IMAGE (MAC)'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
    ctx.stdout.write(
      `${[line(header), ...rows.map(line)].join('\n')}\n\n${classes} classes, input 48x48x1 (rmn-published resizes it to 224x224x3 inside the model, as the paper's layout takes); FLOPs = multiply-accumulates of conv/dense layers.\n`,
    );
    return 0;
  },
});
