import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UsageError } from '@fermx/cli';
import { modelsCommand } from './models-command.js';

async function run(values: Record<string, string | boolean>): Promise<string> {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  await modelsCommand.run({ values, positionals: [], env: {}, stdout, stderr: new PassThrough() });
  return text;
}

describe('fermx models', () => {
  it('prints stable JSON with parameters and FLOPs for every architecture', async () => {
    const out = JSON.parse(await run({ classes: '7', json: true })) as {
      numClasses: number;
      models: { architecture: string; parameters: number; trainableParameters: number; flopsPerImage: number }[];
    };
    expect(out.numClasses).toBe(7);
    expect(out.models.map((m) => m.architecture)).toEqual(['mxception', 'mini-xception', 'xception', 'cnn', 'rmn', 'rmn-published']);
    // mini_Xception at 7 classes is Arriaga et al.'s published 58,423.
    expect(out.models.find((m) => m.architecture === 'mini-xception')?.parameters).toBe(58423);
    for (const m of out.models) expect(m.flopsPerImage).toBeGreaterThan(m.parameters);
    // Residual Masking Network: the published layout within 15 % of the paper's 142.9 M, the reduced one at 100–250 k.
    const byName = (a: string) => out.models.find((m) => m.architecture === a)!;
    expect(Math.abs(byName('rmn-published').trainableParameters / 142.9e6 - 1)).toBeLessThan(0.15);
    expect(byName('rmn').parameters).toBeGreaterThan(100_000);
    expect(byName('rmn').parameters).toBeLessThan(250_000);
  }, 600_000);

  it('prints a table and rejects a bad --classes', async () => {
    const text = await run({ classes: '4', json: false });
    expect(text).toMatch(/^MODEL\s+PARAMETERS/);
    const { describeModels } = await import('./model-zoo.js');
    const mx = describeModels(4).find((m) => m.architecture === 'mxception')!;
    expect(text).toMatch(new RegExp(`mxception\\s+${mx.parameters.toLocaleString('en-US')}\\s`));
    await expect(run({ classes: 'x', json: false })).rejects.toThrow(UsageError);
  });
});
