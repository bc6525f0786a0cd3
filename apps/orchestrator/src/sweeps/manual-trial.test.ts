import { describe, expect, it } from 'vitest';
import { parseSweepSpec, PAPER_AUGMENTATION } from '@fermx/contracts';
import { manualTrial } from './manual-trial.js';
import { parseSetFlags } from '../commands/sweep-enqueue-command.js';

function specOf(input: Record<string, unknown>) {
  const parsed = parseSweepSpec({ name: 's', dataset: 'file:///d', model: { architecture: 'cnn' }, ...input });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.spec;
}

describe('manualTrial', () => {
  const spec = specOf({
    strategy: { type: 'tpe' },
    parameters: { learningRate: { loguniform: [1e-4, 1e-2] }, augmentation: { choice: ['paper', 'none'] }, epochs: 5 },
  });

  it('parses CLI strings by the parameter schema and fills the fixed parameters', () => {
    expect(manualTrial(spec, { set: { learningRate: '3e-3', augmentation: 'paper' } })).toEqual({
      ok: true,
      variant: { architecture: 'cnn' },
      point: { learningRate: 0.003, augmentation: PAPER_AUGMENTATION, epochs: 5 },
    });
  });

  it('names every bad, missing, unknown or fixed value at set.<name>', () => {
    const checked = manualTrial(spec, { set: { learningRate: '-1', epochs: '7', lr: '1' } });
    expect(checked).toEqual({
      ok: false,
      issues: [
        { path: 'set.learningRate', message: 'learningRate must be > 0' },
        { path: 'set.epochs', message: 'epochs is fixed at 5 by the sweep' },
        { path: 'set.lr', message: expect.stringContaining("unknown parameter 'lr'") },
        { path: 'set.augmentation', message: 'augmentation is searched by the sweep; give it with --set augmentation=VALUE' },
      ],
    });
  });

  it('needs the variant when the sweep has several', () => {
    const two = specOf({
      model: undefined,
      models: [
        { name: 'A', architecture: 'cnn' },
        { name: 'B', architecture: 'mxception', dropout: 0.5 },
      ],
      parameters: { learningRate: { uniform: [0.001, 0.01] } },
      strategy: 'random',
    });
    expect(manualTrial(two, { set: { learningRate: '0.002' } })).toMatchObject({ ok: false, issues: [{ path: 'variant' }] });
    expect(manualTrial(two, { set: { learningRate: '0.002' }, variant: 'B' })).toMatchObject({ ok: true, variant: { name: 'B' } });
    expect(manualTrial(two, { set: { learningRate: '0.002', dropout: '0.1' }, variant: 'B' })).toMatchObject({
      ok: false,
      issues: [{ path: 'set.dropout', message: 'dropout is fixed by the model variant' }],
    });
  });
});

describe('parseSetFlags', () => {
  it('reads name=value pairs and refuses malformed or repeated ones', () => {
    expect(parseSetFlags(['learningRate=3e-3', 'augmentation=none'])).toEqual({ learningRate: '3e-3', augmentation: 'none' });
    expect(() => parseSetFlags(['learningRate'])).toThrow(/name=value/);
    expect(() => parseSetFlags(['a=1', 'a=2'])).toThrow(/twice/);
  });
});
