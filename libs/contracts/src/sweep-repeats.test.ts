import { describe, expect, it } from 'vitest';
import { expandSweep, sweepIdOf } from './expand.js';
import { assertSweepSpec, parseSweepSpec } from './sweep-spec.js';
import { sweepTrialCount } from './sweep-size.js';

const ctx = { dataset: { uri: 'file:///tmp/ferm', version: 'abc123' }, numClasses: 4, createdAt: '2026-01-01T00:00:00.000Z' };
const base = { name: 'rep', dataset: ctx.dataset.uri, model: { architecture: 'cnn' }, parameters: { learningRate: { grid: [0.001, 0.01] }, epochs: 2 } };

describe('repeats: K in a sweep spec', () => {
  it('trains K seed replicates of every configuration; replicate 0 is the trial without repeats', () => {
    const plain = expandSweep(assertSweepSpec(base), ctx).trials;
    const spec = assertSweepSpec({ ...base, repeats: 3 });
    const { trials } = expandSweep(spec, ctx);
    expect(trials).toHaveLength(6);
    expect(sweepTrialCount(spec)).toBe(6);
    expect(trials.map((t) => [t.training.learningRate, t.training.seed])).toEqual([
      [0.001, 0],
      [0.001, 1],
      [0.001, 2],
      [0.01, 0],
      [0.01, 1],
      [0.01, 2],
    ]);
    expect(new Set(trials.map((t) => t.trialId)).size).toBe(6);
    for (const p of plain) expect(trials.some((t) => t.trialId === p.trialId)).toBe(true);
    // Deterministic: the same spec gives the same trials.
    expect(expandSweep(spec, ctx).trials.map((t) => t.trialId)).toEqual(trials.map((t) => t.trialId));
  });

  it('a fixed seed is the base of the replicates; the sweep id without repeats is unchanged', () => {
    const { trials } = expandSweep(assertSweepSpec({ ...base, repeats: 2, parameters: { ...base.parameters, seed: 40 } }), ctx);
    expect(trials.map((t) => t.training.seed)).toEqual([40, 41, 40, 41]);
    expect(sweepIdOf(assertSweepSpec(base), 'v')).not.toBe(sweepIdOf(assertSweepSpec({ ...base, repeats: 2 }), 'v'));
  });

  it('refuses repeats with a searched seed or a tpe strategy, naming the field', () => {
    const searched = parseSweepSpec({ ...base, repeats: 2, parameters: { ...base.parameters, seed: { grid: [1, 2] } } });
    expect(searched.ok).toBe(false);
    if (!searched.ok) expect(searched.issues.map((i) => i.path)).toContain('parameters.seed');
    const tpe = parseSweepSpec({ ...base, repeats: 2, parameters: { learningRate: { loguniform: [1e-4, 1e-2] } }, strategy: { type: 'tpe' } });
    expect(tpe.ok).toBe(false);
    if (!tpe.ok) expect(tpe.issues.map((i) => i.path)).toContain('repeats');
    expect(parseSweepSpec({ ...base, repeats: 0 }).ok).toBe(false);
  });
});
