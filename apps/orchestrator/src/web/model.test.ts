import { describe, expect, it } from 'vitest';
import { constantKeys, datasetLabel, filterRows, paramKeys, paramValue, parseRoute, sortRows } from './public/lib/model.js';

const rows = [
  {
    trialId: 't-a',
    sweepId: 's1',
    sweepName: 'table3',
    dataset: 'file:///x/datasets/ferm/v1',
    model: 'cnn',
    status: 'completed',
    backend: 'wasm',
    host: 'gpu-1',
    valAccuracy: 0.8,
    params: { learningRate: 0.001, batchSize: 64, seed: 1 },
  },
  {
    trialId: 't-b',
    sweepId: 's1',
    sweepName: 'table3',
    dataset: 'file:///x/datasets/ferm/v1',
    model: 'mxception',
    status: 'stopped-early',
    backend: 'tensorflow',
    host: 'gpu-2',
    valAccuracy: 0.9,
    params: { learningRate: 0.01, batchSize: 64, dropout: 0.2, seed: 1 },
  },
  {
    trialId: 't-c',
    sweepId: 's2',
    sweepName: 'other',
    dataset: 'file:///x/datasets/ferm/v2',
    model: 'mxception',
    status: 'completed',
    backend: 'tensorflow',
    host: 'gpu-1',
    valAccuracy: undefined,
    params: { learningRate: 0.0001, batchSize: 32, seed: 1 },
  },
];

describe('leaderboard model', () => {
  it('filters by each field and by free text', () => {
    expect(filterRows(rows, { model: 'mxception' }).map((r) => r.trialId)).toEqual(['t-b', 't-c']);
    expect(filterRows(rows, { sweep: 's1', status: 'completed' }).map((r) => r.trialId)).toEqual(['t-a']);
    expect(filterRows(rows, { dataset: 'file:///x/datasets/ferm/v2' }).map((r) => r.trialId)).toEqual(['t-c']);
    expect(filterRows(rows, { q: 'GPU-2' }).map((r) => r.trialId)).toEqual(['t-b']);
    expect(filterRows(rows, { q: '  ' })).toHaveLength(3);
  });

  it('sorts both ways and keeps missing values last', () => {
    const get = (r: (typeof rows)[number]) => r.valAccuracy;
    expect(sortRows(rows, get, 'descending').map((r) => r.trialId)).toEqual(['t-b', 't-a', 't-c']);
    expect(sortRows(rows, get, 'ascending').map((r) => r.trialId)).toEqual(['t-a', 't-b', 't-c']);
    expect(sortRows(rows, (r) => r.sweepName, 'ascending').map((r) => r.trialId)).toEqual(['t-c', 't-a', 't-b']);
  });

  it('orders parameter columns and finds the constant ones', () => {
    const keys = paramKeys(rows);
    expect(keys).toEqual(['learningRate', 'batchSize', 'dropout', 'seed']);
    // dropout is set in one row only: not constant, even though it has a single value.
    expect(constantKeys(rows, keys, (r, k) => r.params[k as keyof typeof r.params])).toEqual(['seed']);
    expect(constantKeys(rows.slice(0, 1), keys, () => 1)).toEqual([]);
  });

  it('shows augmentation settings as on/off and datasets by their last path parts', () => {
    expect(paramValue({ rotation: 10 })).toBe('on');
    expect(paramValue(false)).toBe('off');
    expect(paramValue('none')).toBe('off');
    expect(paramValue(0.5)).toBe(0.5);
    expect(paramValue(['ferm-paper@v1', 't-0123'])).toBe('ferm-paper@v1, t-0123');
    expect(datasetLabel('s3://bucket/datasets/ferm/v1/')).toBe('ferm/v1');
    expect(datasetLabel({ uri: 'file:///d/ferm/v2', version: '0123456789abcdef' })).toBe('ferm/v2 @ 01234567');
  });

  it('parses hash routes', () => {
    expect(parseRoute('#/trial/t-0123')).toMatchObject({ view: 'trial', id: 't-0123' });
    const sweep = parseRoute('#/sweep/table3-1a2b?compare=t-1,t-2');
    expect(sweep).toMatchObject({ view: 'sweep', id: 'table3-1a2b' });
    expect(sweep.query.get('compare')).toBe('t-1,t-2');
    expect(parseRoute('').view).toBe('leaderboard');
    expect(parseRoute('#/?model=cnn').query.get('model')).toBe('cnn');
    expect(parseRoute('#/trial/').view).toBe('leaderboard');
  });
});
