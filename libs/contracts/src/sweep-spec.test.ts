import { describe, expect, it } from 'vitest';
import { parseSweepSpec } from './sweep-spec.js';

const base = { name: 'smoke', dataset: 'file:///tmp/ferm', model: { architecture: 'cnn' } };

function issuesOf(input: unknown) {
  const parsed = parseSweepSpec(input);
  if (parsed.ok) throw new Error('expected the spec to be rejected');
  return parsed.issues;
}

describe('parseSweepSpec', () => {
  it('accepts a minimal spec and fills the paper defaults', () => {
    const parsed = parseSweepSpec(base);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.spec.strategy).toEqual({ type: 'grid' });
    expect(parsed.spec.metric).toEqual({ name: 'val_accuracy', goal: 'max', summary: 'last' });
    expect(parsed.spec.priority).toBe(10);
    expect(parsed.spec.retry).toEqual({ attempts: 3, backoffSeconds: 30, jitter: 0.5 });
  });

  it('names an unknown key by its path', () => {
    expect(issuesOf({ ...base, lr: 0.1 })).toEqual([{ path: 'lr', message: "unknown key 'lr'" }]);
    expect(issuesOf({ ...base, parameters: { dropuot: 0.1 } })).toEqual([{ path: 'parameters.dropuot', message: "unknown key 'dropuot'" }]);
    expect(issuesOf({ ...base, model: { architecture: 'cnn', widht: 2 } })[0]!.path).toBe('model.widht');
  });

  it('rejects dropout outside [0, 1) wherever it appears', () => {
    expect(issuesOf({ ...base, parameters: { dropout: 1 } })).toEqual([{ path: 'parameters.dropout', message: 'dropout must be in [0, 1)' }]);
    expect(issuesOf({ ...base, parameters: { dropout: { grid: [0.1, -0.2] } } })).toEqual([
      { path: 'parameters.dropout.grid[1]', message: 'dropout must be in [0, 1)' },
    ]);
    expect(issuesOf({ ...base, strategy: 'random', parameters: { dropout: { uniform: [0, 1.5] } } })[0]!.path).toBe('parameters.dropout.uniform[1]');
    expect(issuesOf({ ...base, model: { architecture: 'mxception', dropout: 1.2 } })[0]!.path).toBe('model.dropout');
  });

  it('rejects negative repeats and non-positive batch sizes', () => {
    expect(issuesOf({ ...base, parameters: { middleFlowRepeats: { choice: [3, -1] } } })).toEqual([
      { path: 'parameters.middleFlowRepeats.choice[1]', message: 'middleFlowRepeats must be >= 0' },
    ]);
    expect(issuesOf({ ...base, parameters: { batchSize: 0 } })).toEqual([{ path: 'parameters.batchSize', message: 'batchSize must be > 0' }]);
  });

  it('reports every bad field at once', () => {
    const paths = issuesOf({ ...base, parameters: { batchSize: -4, dropout: 2 }, colour: 'red' })
      .map((i) => i.path)
      .sort();
    expect(paths).toEqual(['colour', 'parameters.batchSize', 'parameters.dropout']);
  });

  it('refuses continuous ranges under strategy grid and a fixed-and-searched parameter', () => {
    expect(issuesOf({ ...base, parameters: { learningRate: { loguniform: [1e-4, 1e-2] } } })[0]!.path).toBe('parameters.learningRate.loguniform');
    expect(issuesOf({ ...base, model: { architecture: 'mxception', dropout: 0.5 }, parameters: { dropout: { grid: [0, 0.5] } } })[0]!.path).toBe(
      'model.dropout',
    );
  });

  it('needs exactly one of model and models, and rungs below the epoch budget', () => {
    expect(issuesOf({ name: 'x', dataset: 'file:///d' })[0]!.path).toBe('model');
    expect(issuesOf({ ...base, parameters: { epochs: 10 }, halving: { rungs: [2, 10], reductionFactor: 3 } })[0]!.path).toBe('halving.rungs');
    expect(issuesOf({ ...base, halving: { rungs: [5, 2], reductionFactor: 3 } })[0]!.path).toBe('halving.rungs');
  });

  it('accepts augmentation presets and explicit configs, rejecting unknown fields inside', () => {
    const parsed = parseSweepSpec({ ...base, parameters: { augmentation: { grid: ['paper', 'none'] } } });
    expect(parsed.ok && parsed.spec.parameters.augmentation).toEqual({
      kind: 'grid',
      values: [{ rotation: 10, widthShift: 0.1, heightShift: 0.1, zoom: 0.1, horizontalFlip: true }, false],
    });
    expect(
      issuesOf({ ...base, parameters: { augmentation: { rotation: 10, widthShift: 0.1, heightShift: 0.1, zoom: 0.1, horizontalFlip: true, shear: 1 } } })[0]!
        .path,
    ).toBe('parameters.augmentation.shear');
  });
});
