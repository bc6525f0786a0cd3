import { PassThrough } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '@fermx/cli';
import { compareCommand } from './compare-command.js';

const dir = mkdtempSync(join(tmpdir(), 'fermx-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(values: Record<string, string | boolean>, positionals = ['file:///a', 'file:///b', `file://${dir}/dataset`]) {
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await compareCommand.run({
    values: { split: 'val', json: false, ...values },
    positionals,
    env: { FERMX_STORAGE: `file://${dir}` },
    stdout: new PassThrough(),
    stderr,
  });
  return { code, err };
}

describe('fermx compare', () => {
  it('rejects a split, a test-time augmentation or a class prior it does not know, as usage errors', async () => {
    await expect(run({ split: 'holdout' })).rejects.toThrow(new UsageError("--split must be one of val, test, publictest, train, got 'holdout'"));
    await expect(run({ tta: 'crop' })).rejects.toThrow(new UsageError("--tta must be one of none, flip, flip-shift, got 'crop'"));
    await expect(run({ 'class-prior': 'balanced' })).rejects.toThrow(new UsageError("--class-prior must be one of trained, uncapped, got 'balanced'"));
  });

  it('names the missing model folder and exits 1', async () => {
    const { code, err } = await run({ backend: 'cpu' }, [`file://${dir}/no-model`, `file://${dir}/no-model`, `file://${dir}/no-dataset`]);
    expect(code).toBe(1);
    expect(err).toMatch(/^fermx compare: .*no-(model|dataset)/);
  });
});
