import { describe, expect, it } from 'vitest';
import { expandSweep, sweepIdOf } from './expand.js';
import { assertSweepSpec, parseSweepSpec } from './sweep-spec.js';
import { TrialSpecSchema } from './trial.js';
import { trialIdOf } from './trial-id.js';

const ctx = { dataset: { uri: 'file:///tmp/ferm', version: 'abc123' }, numClasses: 4, createdAt: '2026-01-01T00:00:00.000Z' };

describe('expandSweep', () => {
  it('grid: crosses every axis and every model variant', () => {
    const spec = assertSweepSpec({
      name: 'table3',
      dataset: ctx.dataset.uri,
      models: [
        { name: 'CNN', architecture: 'cnn' },
        { name: 'M-Xception+Dropout', architecture: 'mxception', dropout: 0.5 },
      ],
      parameters: { batchSize: { grid: [32, 64] }, learningRate: { choice: [0.001, 0.01] }, seed: { int: [1, 2] }, epochs: 3 },
    });
    const { trials, duplicates } = expandSweep(spec, ctx);
    expect(trials).toHaveLength(2 * 2 * 2 * 2);
    expect(duplicates).toBe(0);
    for (const t of trials) expect(TrialSpecSchema.parse(t)).toEqual(t);
    expect(new Set(trials.map((t) => t.trialId)).size).toBe(16);
    const dropoutOne = trials.find((t) => t.variant === 'M-Xception+Dropout')!;
    expect(dropoutOne.model).toEqual({ architecture: 'mxception', numClasses: 4, dropout: 0.5 });
    expect(dropoutOne.training.epochs).toBe(3);
  });

  it('is deterministic: same spec, same sweep id and trial ids; other dataset version, other ids', () => {
    const spec = assertSweepSpec({
      name: 'r',
      dataset: 'file:///d',
      model: { architecture: 'mxception' },
      strategy: { type: 'random', n: 5, seed: 7 },
      parameters: { dropout: { uniform: [0, 0.6] }, learningRate: { loguniform: [1e-4, 1e-2] }, middleFlowRepeats: { grid: [2, 3] } },
    });
    const a = expandSweep(spec, ctx);
    const b = expandSweep(spec, ctx);
    expect(a).toEqual(b);
    expect(a.trials).toHaveLength(10);
    for (const t of a.trials) {
      expect(t.model.dropout).toBeGreaterThanOrEqual(0);
      expect(t.model.dropout).toBeLessThan(0.6);
      expect(t.training.learningRate).toBeGreaterThanOrEqual(1e-4);
      expect(t.training.learningRate).toBeLessThanOrEqual(1e-2);
    }
    expect(a.trials.filter((t) => t.model.middleFlowRepeats === 2)).toHaveLength(5);
    const other = expandSweep(spec, { ...ctx, dataset: { ...ctx.dataset, version: 'other' } });
    expect(other.trials.map((t) => t.trialId)).not.toEqual(a.trials.map((t) => t.trialId));
    expect(other.sweepId).not.toBe(a.sweepId);
    expect(sweepIdOf(spec, 'abc123')).toMatch(/^r-[0-9a-f]{8}$/);
  });

  it('random samples change with the strategy seed', () => {
    const make = (seed: number) =>
      expandSweep(
        assertSweepSpec({
          name: 'r',
          dataset: 'file:///d',
          model: { architecture: 'cnn' },
          strategy: { type: 'random', n: 3, seed },
          parameters: { learningRate: { loguniform: [1e-4, 1e-1] } },
        }),
        ctx,
      );
    expect(make(1).trials.map((t) => t.training.learningRate)).not.toEqual(make(2).trials.map((t) => t.training.learningRate));
  });

  it('counts duplicate configurations once', () => {
    const spec = assertSweepSpec({ name: 'd', dataset: 'file:///d', model: { architecture: 'cnn' }, parameters: { batchSize: { grid: [64, 64] } } });
    const { trials, duplicates } = expandSweep(spec, ctx);
    expect(trials).toHaveLength(1);
    expect(duplicates).toBe(1);
  });
});

describe('trialIdOf', () => {
  it('ignores key order and undefined fields', () => {
    const training = { epochs: 1, batchSize: 8, learningRate: 0.01, seed: 1, augmentation: false as const };
    const a = trialIdOf({ model: { architecture: 'cnn', numClasses: 4 }, training, datasetVersion: 'v' });
    const b = trialIdOf({ model: { numClasses: 4, architecture: 'cnn', dropout: undefined }, training: { ...training }, datasetVersion: 'v' });
    expect(a).toBe(b);
    expect(a).toMatch(/^t-[0-9a-f]{16}$/);
    expect(trialIdOf({ model: { architecture: 'cnn', numClasses: 4 }, training: { ...training, seed: 2 }, datasetVersion: 'v' })).not.toBe(a);
  });
});

describe('training recipe parameters', () => {
  const base = { name: 'recipe', dataset: 'file:///d', model: { architecture: 'mxception' as const } };
  const ctx = { dataset: { uri: 'file:///d', version: 'v1' }, numClasses: 4, createdAt: '2026-12-04T00:00:00Z' };
  it("are swept like the others, land in the trial's training options, and leave ids of specs without them unchanged", () => {
    const plain = expandSweep(assertSweepSpec({ ...base, parameters: { epochs: 2 } }), ctx);
    const withRecipe = expandSweep(
      assertSweepSpec({
        ...base,
        parameters: {
          epochs: 2,
          optimizer: { grid: ['adamw', 'sgd'] },
          schedule: 'cosine',
          warmupEpochs: 1,
          labelSmoothing: 0.1,
          targets: 'ferplus-votes',
          ema: 0.999,
          tta: 'flip',
        },
      }),
      ctx,
    );
    expect(withRecipe.trials.map((t) => t.training.optimizer)).toEqual(['adamw', 'sgd']);
    expect(withRecipe.trials[0]!.training).toMatchObject({
      schedule: 'cosine',
      warmupEpochs: 1,
      labelSmoothing: 0.1,
      targets: 'ferplus-votes',
      ema: 0.999,
      tta: 'flip',
    });
    expect(plain.trials[0]!.training).toEqual({ epochs: 2, batchSize: 64, learningRate: 0.001, seed: 0, augmentation: expect.any(Object) });
    expect(plain.trials[0]!.trialId).toBe(trialIdOf({ model: plain.trials[0]!.model, training: plain.trials[0]!.training, datasetVersion: 'v1' }));
    expect(new Set([...plain.trials, ...withRecipe.trials].map((t) => t.trialId)).size).toBe(3);
  });

  it('take a pretrained start (initFrom) as a value or a grid of models, each its own trial', () => {
    const spec = assertSweepSpec({ ...base, parameters: { epochs: 2, initFrom: { grid: ['fer2013-pretrain@v1', 't-0123456789abcdef'] } } });
    const { trials } = expandSweep(spec, ctx);
    expect(trials.map((t) => t.training.initFrom)).toEqual(['fer2013-pretrain@v1', 't-0123456789abcdef']);
    expect(new Set(trials.map((t) => t.trialId)).size).toBe(2);
  });

  it('take teachers as one list (an ensemble, fixed) or a grid of lists, each its own trial', () => {
    const fixed = expandSweep(assertSweepSpec({ ...base, parameters: { epochs: 2, teachers: ['ferm-a@v1', 't-0123456789abcdef'], teacherWeight: 0.7 } }), ctx);
    expect(fixed.trials.map((t) => t.training.teachers)).toEqual([['ferm-a@v1', 't-0123456789abcdef']]);
    expect(fixed.trials[0]!.training.teacherWeight).toBe(0.7);
    const grid = expandSweep(assertSweepSpec({ ...base, parameters: { epochs: 2, teachers: { grid: [['ferm-a@v1'], ['ferm-a@v1', 'ferm-b@v1']] } } }), ctx);
    expect(grid.trials.map((t) => t.training.teachers)).toEqual([['ferm-a@v1'], ['ferm-a@v1', 'ferm-b@v1']]);
    expect(new Set([...fixed.trials, ...grid.trials].map((t) => t.trialId)).size).toBe(3);
  });

  it('reject teacher settings without teachers, a teacher named twice, and a weight outside (0, 1]', () => {
    const issues = (parameters: Record<string, unknown>) => {
      const parsed = parseSweepSpec({ ...base, parameters });
      return parsed.ok ? [] : parsed.issues.map((i) => `${i.path}: ${i.message}`);
    };
    expect(issues({ teacherWeight: 0.5 })).toEqual(['parameters.teacherWeight: teacherWeight needs parameters.teachers (the saved models to distil from)']);
    expect(issues({ teachers: ['a@v1', 'a@v1'] })).toEqual(['parameters.teachers: teachers names a saved model twice']);
    expect(issues({ teachers: 'a@v1' })).toEqual(['parameters.teachers: teachers must be a list of saved models']);
    expect(issues({ teachers: ['a@v1'], teacherWeight: 0 })).toEqual(['parameters.teacherWeight: teacherWeight must be in (0, 1]']);
  });

  it('reject bad recipe values naming the field', () => {
    const bad = parseSweepSpec({ ...base, parameters: { optimizer: 'rmsprop', labelSmoothing: 1.5, schedule: { grid: ['cosine', 'linear'] }, initFrom: '' } });
    expect(bad.ok).toBe(false);
    const paths = bad.ok ? [] : bad.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['parameters.optimizer', 'parameters.labelSmoothing', 'parameters.schedule.grid[1]', 'parameters.initFrom']));
  });
});
