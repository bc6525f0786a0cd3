import { describe, expect, it } from 'vitest';
import { parseSweepSpec } from './sweep-spec.js';
import { canonicalJson, sha256Hex } from './trial-id.js';
import { expandSweep, sweepIdOf } from './expand.js';
import { resultObjective, resolveMetric, summarizeCurve } from './objective.js';
import type { EpochMetrics } from './model-config.js';

const base = { name: 'smoke', dataset: 'file:///tmp/ferm', model: { architecture: 'cnn' } };

function specOf(input: unknown) {
  const parsed = parseSweepSpec(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.spec;
}

function issuesOf(input: unknown) {
  const parsed = parseSweepSpec(input);
  if (parsed.ok) throw new Error('expected the spec to be rejected');
  return parsed.issues;
}

describe('metric in a sweep spec', () => {
  it('reads the plain name as {name, goal by name, summary: last}', () => {
    expect(specOf({ ...base, metric: 'val_accuracy' }).metric).toEqual({ name: 'val_accuracy', goal: 'max', summary: 'last' });
    expect(specOf({ ...base, metric: 'val_loss' }).metric).toEqual({ name: 'val_loss', goal: 'min', summary: 'last' });
    expect(specOf({ ...base, metric: { name: 'val_macro_f1', summary: 'meanLast3' } }).metric).toEqual({
      name: 'val_macro_f1',
      goal: 'max',
      summary: 'meanLast3',
    });
    expect(specOf({ ...base, metric: { name: 'val_accuracy', goal: 'maximize' } }).metric).toEqual({ name: 'val_accuracy', goal: 'max', summary: 'last' });
    expect(specOf({ ...base, metric: { name: 'val_loss', goal: 'min', summary: 'best' } }).metric).toEqual({ name: 'val_loss', goal: 'min', summary: 'best' });
  });

  it('rejects unknown metrics, goals and summaries', () => {
    expect(issuesOf({ ...base, metric: 'top5' })[0]!.path).toBe('metric');
    expect(issuesOf({ ...base, metric: { name: 'val_accuracy', summary: 'median' } })[0]!.path).toBe('metric');
  });

  it('keeps the sweep id of specs written before metric specs (the default hashes as val_accuracy)', () => {
    const spec = specOf(base);
    const old = `smoke-${sha256Hex(canonicalJson({ spec: { ...spec, metric: 'val_accuracy' }, datasetVersion: 'v1' })).slice(0, 8)}`;
    expect(sweepIdOf(spec, 'v1')).toBe(old);
    expect(sweepIdOf(specOf({ ...base, metric: 'val_loss' }), 'v1')).not.toBe(old);
  });

  it('puts the objective on every trial', () => {
    const spec = specOf({ ...base, metric: 'val_loss', parameters: { dropout: { grid: [0, 0.5] } } });
    const { trials } = expandSweep(spec, { dataset: { uri: 'file:///tmp/ferm', version: 'v1' }, numClasses: 4, createdAt: '2026-01-01T00:00:00Z' });
    expect(trials.map((t) => t.metric)).toEqual([spec.metric, spec.metric]);
  });
});

describe('strategy tpe', () => {
  it('fills defaults and accepts warmStart', () => {
    const spec = specOf({ ...base, strategy: { type: 'tpe' }, warmStart: ['earlier-0123abcd'] });
    expect(spec.strategy).toEqual({ type: 'tpe', n: 20, startupTrials: 10, maxConcurrent: 4, seed: 0 });
    expect(spec.warmStart).toEqual(['earlier-0123abcd']);
  });

  it('rejects warmStart without tpe and bad tpe settings', () => {
    expect(issuesOf({ ...base, strategy: 'random', warmStart: ['x'] })).toEqual([
      { path: 'warmStart', message: 'warmStart seeds a model-based search; it needs strategy { type: tpe }' },
    ]);
    expect(issuesOf({ ...base, strategy: { type: 'tpe', maxConcurrent: 0 } })[0]!.path).toBe('strategy.maxConcurrent');
  });

  it('is not expanded up front', () => {
    expect(() => expandSweep(specOf({ ...base, strategy: { type: 'tpe' } }), { dataset: { uri: 'u', version: 'v' }, numClasses: 4, createdAt: '' })).toThrow(
      /proposed as results arrive/,
    );
  });
});

const epoch = (i: number, valAccuracy: number, valLoss: number, valMacroF1?: number): EpochMetrics => ({
  epoch: i,
  loss: 1,
  accuracy: 0.5,
  valLoss,
  valAccuracy,
  ...(valMacroF1 === undefined ? {} : { valMacroF1 }),
  seconds: 1,
  imagesPerSecond: 10,
});

describe('objective', () => {
  const curve = [epoch(1, 0.5, 1.2, 0.4), epoch(2, 0.7, 0.9, 0.6), epoch(3, 0.6, 1.0, 0.55), epoch(4, 0.65, 0.95, 0.5)];

  it('summarises a curve as last, best for the goal, or the mean of the last 3', () => {
    expect(summarizeCurve({ name: 'val_accuracy', goal: 'max', summary: 'last' }, curve)).toBe(0.65);
    expect(summarizeCurve({ name: 'val_accuracy', goal: 'max', summary: 'best' }, curve)).toBe(0.7);
    expect(summarizeCurve({ name: 'val_loss', goal: 'min', summary: 'best' }, curve)).toBe(0.9);
    expect(summarizeCurve({ name: 'val_macro_f1', goal: 'max', summary: 'meanLast3' }, curve)).toBeCloseTo((0.6 + 0.55 + 0.5) / 3);
    expect(summarizeCurve({ name: 'val_accuracy', goal: 'max', summary: 'meanLast3' }, curve.slice(0, 2))).toBeCloseTo(0.6);
  });

  it('is undefined when an epoch lacks the metric', () => {
    expect(summarizeCurve({ name: 'val_macro_f1', goal: 'max', summary: 'last' }, [epoch(1, 0.5, 1)])).toBeUndefined();
    expect(summarizeCurve({ name: 'val_accuracy', goal: 'max', summary: 'last' }, [])).toBeUndefined();
  });

  it("reads a result's final evaluation for last, its curve otherwise", () => {
    const result = { metrics: { valAccuracy: 0.66, valLoss: 0.97, macroF1: 0.52, perClassAccuracy: [], confusionMatrix: [], classes: [] }, curves: curve };
    expect(resultObjective({ name: 'val_accuracy', goal: 'max', summary: 'last' }, result)).toBe(0.66);
    expect(resultObjective({ name: 'val_macro_f1', goal: 'max', summary: 'last' }, result)).toBe(0.52);
    expect(resultObjective({ name: 'val_accuracy', goal: 'max', summary: 'best' }, result)).toBe(0.7);
    expect(resolveMetric('val_accuracy')).toEqual({ name: 'val_accuracy', goal: 'max', summary: 'last' });
  });
});
