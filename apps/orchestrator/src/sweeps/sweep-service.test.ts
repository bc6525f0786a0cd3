import { describe, expect, it } from 'vitest';
import { SweepService, trialStatus, type SweepServiceDeps } from './sweep-service.js';

/** Deps whose every use fails the test: validation must reject before touching Redis or storage. */
function untouchable(probe: SweepServiceDeps['probe']): SweepServiceDeps {
  const trap = new Proxy(
    {},
    {
      get: (_t, key) => {
        throw new Error(`touched ${String(key)}`);
      },
    },
  );
  return {
    redis: trap,
    queue: trap,
    catalog: trap,
    index: trap,
    cancelFlags: trap,
    halving: trap,
    probe,
    keys: { prefix: 'x' },
  } as unknown as SweepServiceDeps;
}

describe('SweepService.submit validation', () => {
  it('rejects a bad spec with every issue and enqueues nothing', async () => {
    const service = new SweepService(
      untouchable(async () => {
        throw new Error('probe must not run');
      }),
    );
    const outcome = await service.submit({
      name: 'x',
      dataset: 'file:///d',
      model: { architecture: 'cnn' },
      parameters: { dropout: 1, batchSize: 0, middleFlowRepeats: -1 },
      extra: true,
    });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.issues.map((i) => i.path).sort()).toEqual(['extra', 'parameters.batchSize', 'parameters.dropout', 'parameters.middleFlowRepeats']);
  });

  it('rejects a model config the worker could not build, once, at submit, naming the field', async () => {
    // The model schema is one (@fermx/contracts); it used to be looser at submit than in the worker's builder.
    const service = new SweepService(
      untouchable(async () => {
        throw new Error('probe must not run');
      }),
    );
    const outcome = await service.submit({
      name: 'x',
      dataset: 'file:///d',
      models: [
        { architecture: 'mxception', width: 16 },
        { architecture: 'xception', middleFlowRepeats: 64, numClasses: 5000 },
      ],
      parameters: { width: { grid: [1, 9] } },
    });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.issues).toEqual(
      expect.arrayContaining([
        { path: 'models[0].width', message: 'width must be <= 8' },
        { path: 'models[1].middleFlowRepeats', message: 'middleFlowRepeats must be <= 32' },
        { path: 'models[1].numClasses', message: 'numClasses must be <= 1000' },
        { path: 'parameters.width.grid[1]', message: 'width must be <= 8' },
      ]),
    );
  });

  it('refuses a spec over the maximum with its count before the dataset, Redis or storage is touched', async () => {
    const service = new SweepService({
      ...untouchable(async () => {
        throw new Error('probe must not run');
      }),
      maxTrials: 100,
    });
    const grid = await service.submit({
      name: 'x',
      dataset: 'file:///d',
      model: { architecture: 'cnn' },
      parameters: { seed: { int: [1, 1000] }, batchSize: { int: [1, 1000] }, epochs: { int: [1, 1000] } },
    });
    expect(grid).toEqual({
      ok: false,
      error: 'invalid sweep spec',
      issues: [{ path: 'parameters', message: 'the sweep expands to 1,000,000,000 trials; the maximum is 100 (FERMX_MAX_TRIALS)' }],
    });
    const random = await service.submit({
      name: 'x',
      dataset: 'file:///d',
      model: { architecture: 'cnn' },
      strategy: { type: 'random', n: 51 },
      parameters: { seed: { grid: [1, 2] } },
    });
    expect(random).toMatchObject({
      ok: false,
      issues: [{ path: 'strategy.n', message: 'the sweep expands to 102 trials; the maximum is 100 (FERMX_MAX_TRIALS)' }],
    });
  });

  it('rejects a model over a parameters or flops constraint at submit, counted from the model factory, before Redis or storage is touched', async () => {
    const service = new SweepService(untouchable(async (uri) => ({ ref: { uri, version: 'v1' }, numClasses: 4 })));
    const outcome = await service.submit({
      name: 'x',
      dataset: 'file:///d',
      models: [
        { name: 'small', architecture: 'mini-xception' },
        { name: 'big', architecture: 'cnn' },
      ],
      constraints: { flops: { max: 1e7 } },
    });
    expect(outcome).toEqual({
      ok: false,
      error: 'invalid sweep spec',
      issues: [
        { path: 'constraints.flops', message: 'variant big (cnn): flops 21,565,696 > max 10,000,000 (counted from the model factory, before training)' },
      ],
    });
  });

  it('reports an unreachable dataset at the dataset field', async () => {
    const service = new SweepService(
      untouchable(async (uri) => {
        throw new Error(`dataset ${uri} has no manifest.json`);
      }),
    );
    const outcome = await service.submit({ name: 'x', dataset: 'file:///nowhere', model: { architecture: 'cnn' } });
    expect(outcome).toEqual({ ok: false, error: 'invalid sweep spec', issues: [{ path: 'dataset', message: 'dataset file:///nowhere has no manifest.json' }] });
  });

  it('rejects an initFrom no worker could load, at the field, before Redis or storage is touched', async () => {
    const service = new SweepService({
      ...untouchable(async (uri) => ({ ref: { uri, version: 'v1' }, numClasses: 4 })),
      probeModel: async (reference) => {
        if (reference !== 'pretrained@v1') throw new Error(`model ${reference.split('@')[0]} has no version v2`);
      },
    });
    const outcome = await service.submit({
      name: 'x',
      dataset: 'file:///d',
      model: { architecture: 'mxception' },
      parameters: { initFrom: { grid: ['pretrained@v1', 'pretrained@v2'] } },
    });
    expect(outcome).toEqual({
      ok: false,
      error: 'invalid sweep spec',
      issues: [{ path: 'parameters.initFrom', message: 'model pretrained has no version v2' }],
    });
  });
});

describe('trialStatus', () => {
  it('prefers the result, then the job state; cancellation shows as cancelled', () => {
    expect(trialStatus({ state: 'completed', attemptsMade: 1 }, { status: 'stopped-early' }, false)).toBe('stopped-early');
    expect(trialStatus({ state: 'failed', attemptsMade: 3, failedReason: 'boom' }, undefined, false)).toBe('failed');
    expect(trialStatus({ state: 'failed', attemptsMade: 1, failedReason: 'cancelled: sweep s was cancelled' }, undefined, true)).toBe('cancelled');
    expect(trialStatus({ state: 'missing', attemptsMade: 0 }, undefined, true)).toBe('cancelled');
    expect(trialStatus({ state: 'active', attemptsMade: 0 }, undefined, false)).toBe('active');
  });
});
