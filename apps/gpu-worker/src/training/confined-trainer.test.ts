import { describe, expect, it } from 'vitest';
import { DatasetOutsideRootsError } from '@fermx/data';
import { exampleTrialSpec } from '@fermx/contracts/testing';
import { classifyError, TrialInputError } from './errors/index.js';
import { ConfinedTrainer } from './confined-trainer.js';
import { createTfjsTrainer } from './create-trainer.js';
import type { Trainer, TrainingOutcome, TrainingRequest } from './trainer.js';

/** Records what it was asked to train; reads nothing. */
class RecordingTrainer implements Trainer {
  readonly asked: string[] = [];
  async train(request: TrainingRequest): Promise<TrainingOutcome> {
    this.asked.push(request.spec.dataset.uri);
    return {
      stoppedBy: 'completed',
      history: [],
      trainingSeconds: 0,
      parameters: 0,
      backend: 'cpu',
      evaluation: { val: { accuracy: 0, macroF1: 0, perClassAccuracy: [], confusionMatrix: [], classes: [] } },
      modelFiles: {},
    };
  }
}

const request = (uri: string): TrainingRequest => ({
  spec: exampleTrialSpec({ dataset: { uri, version: '0123456789abcdef' } }),
  resumeEpoch: 0,
  backend: 'cpu',
  cacheDir: undefined,
});
const hooks = { onEpoch: async () => 'continue' as const };

describe('ConfinedTrainer', () => {
  it('trains on a dataset under the worker storage or FERMX_DATASET_ROOTS', async () => {
    const inner = new RecordingTrainer();
    const trainer = ConfinedTrainer.fromEnv(inner, { FERMX_STORAGE: 'file:///srv/fermx', FERMX_DATASET_ROOTS: 's3://shared/datasets' });
    await trainer.train(request('file:///srv/fermx/datasets/ferm/v1'), hooks, new AbortController().signal);
    await trainer.train(request('s3://shared/datasets/ferm/v2'), hooks, new AbortController().signal);
    expect(inner.asked).toEqual(['file:///srv/fermx/datasets/ferm/v1', 's3://shared/datasets/ferm/v2']);
  });

  it('refuses any other dataset before the inner trainer reads it; the trial fails as bad input', async () => {
    const inner = new RecordingTrainer();
    const trainer = ConfinedTrainer.fromEnv(inner, { FERMX_STORAGE: 'file:///srv/fermx' });
    for (const uri of ['file:///etc', 'file:///srv/fermx/../../root/.ssh', 's3://elsewhere/x']) {
      const error = await trainer.train(request(uri), hooks, new AbortController().signal).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, uri).toBeInstanceOf(DatasetOutsideRootsError);
      expect((error as Error).message).toContain(`dataset ${uri} is outside the allowed dataset roots (file:///srv/fermx)`);
      expect(classifyError(error)).toBeInstanceOf(TrialInputError);
    }
    expect(inner.asked).toEqual([]);
  });

  it("confines a trial's initFrom model folder the same way; registry names and trial ids resolve inside the storage", async () => {
    const inner = new RecordingTrainer();
    const trainer = ConfinedTrainer.fromEnv(inner, { FERMX_STORAGE: 'file:///srv/fermx' });
    const dataset = 'file:///srv/fermx/datasets/ferm/v1';
    const withInit = (initFrom: string): TrainingRequest => {
      const r = request(dataset);
      return { ...r, spec: { ...r.spec, training: { ...r.spec.training, initFrom } } };
    };
    for (const initFrom of ['file:///srv/fermx/runs/s/t-0123456789abcdef/model', 'fer2013-pretrain@v1', 't-0123456789abcdef']) {
      await trainer.train(withInit(initFrom), hooks, new AbortController().signal);
    }
    expect(inner.asked).toHaveLength(3);
    const error = await trainer.train(withInit('file:///home/someone/model'), hooks, new AbortController().signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetOutsideRootsError);
    expect((error as Error).message).toContain('initFrom model file:///home/someone/model is outside the allowed dataset roots');
    expect(inner.asked).toHaveLength(3);
  });

  it("confines every teacher's folder the same way", async () => {
    const inner = new RecordingTrainer();
    const trainer = ConfinedTrainer.fromEnv(inner, { FERMX_STORAGE: 'file:///srv/fermx' });
    const withTeachers = (teachers: string[]): TrainingRequest => {
      const r = request('file:///srv/fermx/datasets/ferm/v1');
      return { ...r, spec: { ...r.spec, training: { ...r.spec.training, teachers } } };
    };
    await trainer.train(withTeachers(['file:///srv/fermx/runs/s/t-0123456789abcdef/model', 'ferm-paper@v1']), hooks, new AbortController().signal);
    const error = await trainer.train(withTeachers(['ferm-paper@v1', 'file:///tmp/elsewhere']), hooks, new AbortController().signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetOutsideRootsError);
    expect((error as Error).message).toContain('teachers model file:///tmp/elsewhere is outside the allowed dataset roots');
    expect(inner.asked).toHaveLength(1);
  });

  it('is what the worker trains with: the tfjs trainer comes confined to the roots of its env', async () => {
    const trainer = await createTfjsTrainer();
    expect(trainer).toBeInstanceOf(ConfinedTrainer);
    expect((trainer as ConfinedTrainer).roots).toEqual(ConfinedTrainer.fromEnv(new RecordingTrainer()).roots);
  });
});
