import { describe, expect, it } from 'vitest';
import { parseSweepSpec, type SweepSpec } from '@fermx/contracts';
import { modelBudgetIssues, modelFigures } from './model-budget.js';

const ctx = { dataset: { uri: 'file:///d', version: 'v1' }, numClasses: 4, createdAt: '2026-01-01T00:00:00.000Z' };

function spec(input: Record<string, unknown>): SweepSpec {
  const parsed = parseSweepSpec({ name: 'budget', dataset: 'file:///d', ...input });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.spec;
}

describe('modelBudgetIssues (constraints.parameters / flops at submit)', () => {
  it('counts each distinct model from the factory and names the variant and the count of every one that breaks a bound', async () => {
    // cnn: 72,276 trainable parameters, 21,565,696 MACs per image; mini-xception: 53,492 and 5,489,344 (4 classes).
    expect(await modelFigures({ architecture: 'cnn', numClasses: 4 })).toEqual({ parameters: 72_276, flops: 21_565_696 });
    const models = [
      { name: 'CNN', architecture: 'cnn' },
      { name: 'mini', architecture: 'mini-xception' },
    ];
    const issues = await modelBudgetIssues(
      spec({ models, parameters: { seed: { grid: [1, 2, 3] } }, constraints: { parameters: { max: 60_000 }, flops: { max: 1e7 } } }),
      ctx,
    );
    expect(issues).toEqual([
      { path: 'constraints.parameters', message: 'variant CNN (cnn): parameters 72,276 > max 60,000 (counted from the model factory, before training)' },
      { path: 'constraints.flops', message: 'variant CNN (cnn): flops 21,565,696 > max 10,000,000 (counted from the model factory, before training)' },
    ]);
    expect(await modelBudgetIssues(spec({ models, constraints: { parameters: { min: 50_000, max: 80_000 }, flops: { max: 3e7 } } }), ctx)).toEqual([]);
  });

  it("checks a tpe sweep's cells, and builds nothing when neither figure is bounded", async () => {
    const tpe = spec({
      model: { architecture: 'cnn' },
      strategy: { type: 'tpe', n: 4 },
      parameters: { learningRate: { loguniform: [1e-4, 1e-1] } },
      constraints: { flops: { max: 1e6 } },
    });
    expect((await modelBudgetIssues(tpe, ctx)).map((i) => i.message)).toEqual([
      'model cnn: flops 21,565,696 > max 1,000,000 (counted from the model factory, before training)',
    ]);
    const never = async () => {
      throw new Error('no model may be built');
    };
    expect(await modelBudgetIssues(spec({ model: { architecture: 'cnn' }, constraints: { valAccuracy: { min: 0.5 } } }), ctx, never)).toEqual([]);
    expect(await modelBudgetIssues(spec({ model: { architecture: 'cnn' } }), ctx, never)).toEqual([]);
  });
});
