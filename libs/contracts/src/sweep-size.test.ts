import { describe, expect, it } from 'vitest';
import { expandSweep } from './expand.js';
import { assertSweepSpec } from './sweep-spec.js';
import { DEFAULT_MAX_SWEEP_TRIALS, SweepTooLargeError, sweepTrialCount } from './sweep-size.js';

const ctx = { dataset: { uri: 'file:///tmp/ferm', version: 'abc123' }, numClasses: 4, createdAt: '2026-01-01T00:00:00.000Z' };

describe('sweepTrialCount', () => {
  it('counts a grid arithmetically: variants × every axis (int ranges inclusive)', () => {
    const spec = assertSweepSpec({
      name: 'g',
      dataset: 'file:///d',
      models: [{ architecture: 'cnn' }, { architecture: 'mxception' }],
      parameters: { batchSize: { grid: [32, 64] }, learningRate: { choice: [0.001, 0.01, 0.1] }, seed: { int: [1, 5] }, epochs: 3 },
    });
    expect(sweepTrialCount(spec)).toBe(2 * 2 * 3 * 5);
    expect(expandSweep(spec, ctx).trials).toHaveLength(60);
  });

  it('counts a random sweep: variants × grid axes × (n + extensions)', () => {
    const spec = assertSweepSpec({
      name: 'r',
      dataset: 'file:///d',
      model: { architecture: 'cnn' },
      strategy: { type: 'random', n: 4, seed: 1 },
      parameters: { middleFlowRepeats: { grid: [2, 3] }, learningRate: { loguniform: [1e-4, 1e-2] }, seed: { int: [0, 9] } },
    });
    expect(sweepTrialCount(spec)).toBe(8);
    expect(sweepTrialCount(spec, [3, 1])).toBe(16);
  });

  it('rejects three {int: [1, 1000]} axes with the count before enumerating anything', () => {
    const spec = assertSweepSpec({
      name: 'huge',
      dataset: 'file:///d',
      model: { architecture: 'cnn' },
      parameters: { seed: { int: [1, 1000] }, batchSize: { int: [1, 1000] }, epochs: { int: [1, 1000] } },
    });
    expect(sweepTrialCount(spec)).toBe(1e9);
    const started = performance.now();
    expect(() => expandSweep(spec, ctx, { maxTrials: DEFAULT_MAX_SWEEP_TRIALS })).toThrow(SweepTooLargeError);
    expect(() => expandSweep(spec, ctx, { maxTrials: DEFAULT_MAX_SWEEP_TRIALS })).toThrow('the sweep expands to 1,000,000,000 trials; the maximum is 10,000');
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('expands a grid of 250,000 points without overflowing the stack (no push(...bigArray))', () => {
    const spec = assertSweepSpec({
      name: 'big',
      dataset: 'file:///d',
      model: { architecture: 'cnn' },
      parameters: { seed: { int: [1, 1000] }, batchSize: { int: [1, 250] }, epochs: 1 },
    });
    const { trials } = expandSweep(spec, ctx, { maxTrials: 250_000 });
    expect(trials).toHaveLength(250_000);
    expect(() => expandSweep(spec, ctx, { maxTrials: 249_999 })).toThrow('expands to 250,000 trials');
  }, 60_000);
});

describe('expandSweep extensions', () => {
  it('continue the same seeded stream: n = 2 extended by 3 is the n = 5 sweep, earlier trials unchanged', () => {
    const make = (n: number, extensions?: number[]) =>
      expandSweep(
        assertSweepSpec({
          name: 'r',
          dataset: 'file:///d',
          model: { architecture: 'cnn' },
          strategy: { type: 'random', n, seed: 7 },
          parameters: { learningRate: { loguniform: [1e-4, 1e-1] }, dropout: { uniform: [0, 0.5] } },
        }),
        ctx,
        extensions ? { extensions } : {},
      );
    const extended = make(2, [3]);
    expect(extended.trials.map((t) => t.trialId)).toEqual(make(5).trials.map((t) => t.trialId));
    expect(extended.trials.slice(0, 2)).toEqual(make(2).trials);
    expect(extended.sweepId).toBe(make(2).sweepId);
  });

  it('with grid axes: each extension draws K more per grid point after the earlier rounds', () => {
    const spec = assertSweepSpec({
      name: 'r',
      dataset: 'file:///d',
      model: { architecture: 'cnn' },
      strategy: { type: 'random', n: 2, seed: 3 },
      parameters: { middleFlowRepeats: { grid: [2, 3] }, learningRate: { loguniform: [1e-4, 1e-1] } },
    });
    const base = expandSweep(spec, ctx).trials;
    const extended = expandSweep(spec, ctx, { extensions: [1] }).trials;
    expect(extended).toHaveLength(6);
    expect(extended.slice(0, 4)).toEqual(base);
    expect(extended.slice(4).map((t) => t.model.middleFlowRepeats)).toEqual([2, 3]);
  });
});
