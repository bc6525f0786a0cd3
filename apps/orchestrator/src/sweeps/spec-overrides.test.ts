import { describe, expect, it } from 'vitest';
import { applySpecOverrides, SpecOverrideError } from './spec-overrides.js';

const spec = {
  name: 'ferm-recipe',
  dataset: 'file://./.fermx/datasets/ferm-paper/v1',
  model: { architecture: 'mxception', dropout: 0.25 },
  parameters: { epochs: 100, seed: { grid: [1, 2, 3] } },
  priority: 1,
};

describe('applySpecOverrides', () => {
  it('sets dotted paths to YAML values, in order, on a copy', () => {
    const out = applySpecOverrides(spec, [
      'dataset=file:///data/ferm-paper-unique/v1',
      'parameters.seed={grid: [4, 5]}',
      'model.dropout=0.5',
      'priority=3',
      'priority=4',
    ]);
    expect(out).toEqual({
      ...spec,
      dataset: 'file:///data/ferm-paper-unique/v1',
      model: { architecture: 'mxception', dropout: 0.5 },
      parameters: { epochs: 100, seed: { grid: [4, 5] } },
      priority: 4,
    });
    expect(spec.parameters.seed).toEqual({ grid: [1, 2, 3] });
  });

  it('creates missing mappings and keeps values with = in them', () => {
    expect(applySpecOverrides(spec, ['parameters.initFrom=ferm-masked-pretrain@v1', 'notes.a.b=x=y'])).toMatchObject({
      parameters: { initFrom: 'ferm-masked-pretrain@v1' },
      notes: { a: { b: 'x=y' } },
    });
  });

  it('returns the spec itself when there is nothing to set', () => {
    expect(applySpecOverrides(spec, [])).toBe(spec);
  });

  it.each([
    ['dataset', /--set dataset: expected PATH=VALUE/],
    ['=1', /--set =1: expected PATH=VALUE/],
    ['parameters..seed=1', /the path has an empty key/],
    ['dataset.uri=x', /--set dataset.uri=x: dataset is a string, not a mapping/],
    ['parameters.seed.grid.first=1', /parameters.seed.grid is a list, not a mapping/],
    ['priority=[1', /--set priority=\[1: the value is not valid YAML/],
    ['__proto__.polluted=1', /__proto__ is not a sweep spec key/],
    ['model.constructor=1', /constructor is not a sweep spec key/],
  ])('refuses --set %s, naming it', (override, message) => {
    expect(() => applySpecOverrides(spec, [override])).toThrow(SpecOverrideError);
    expect(() => applySpecOverrides(spec, [override])).toThrow(message);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a spec that is not a mapping', () => {
    expect(() => applySpecOverrides(['a'], ['priority=1'])).toThrow(/--set needs a sweep spec that is a mapping/);
  });
});
