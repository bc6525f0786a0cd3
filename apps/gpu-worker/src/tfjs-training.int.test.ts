/**
 * The real training path once, end to end: a `fermx worker` wired as in production (trainer in
 * a child process, @fermx/models on the wasm backend, two data-parallel replicas) trains a tiny CNN
 * for 2 epochs on a tiny dataset in S3 storage (s3rver), then `fermx evaluate` scores the saved model.
 */
import { execFile } from 'node:child_process';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrialResultSchema } from '@fermx/contracts';
import { exampleTrialSpec } from '@fermx/contracts/testing';
import { LeaderboardIndex, trialJobOptions } from '@fermx/queue';
import { TrialFiles } from './trial/trial-files.js';
import { WorkerFixture } from './testing/worker-fixture.js';
import { writeTinyDataset } from './testing/tiny-dataset.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

describe('real tfjs training through the worker', () => {
  let fx: WorkerFixture;

  beforeAll(async () => {
    fx = await WorkerFixture.start({ s3Bucket: 'fermx-tfjs' });
  });
  afterAll(async () => {
    await fx?.dispose();
  });

  it('trains a tiny CNN for 2 epochs, writes result and model, and fermx evaluate reproduces the test accuracy', async () => {
    const workerEnv = { FERMX_BACKEND: 'wasm', FERMX_REPLICAS: '2', FERMX_CACHE_DIR: join(fx.dir, 'cache') };
    const env = { ...process.env, ...fx.env({ ...workerEnv, FERMX_WORKER_ID: 'w-tfjs' }) };
    // The manifest says a cap left out a billion neutral Training rows: read under that uncapped
    // class mix, every image is neutral (below).
    const dataset = await writeTinyDataset(fx.storage, 'datasets/tiny/v1', { train: 96, val: 32, test: 32 }, undefined, { neutral: 1e9 });
    const spec = exampleTrialSpec({
      sweepId: 'sweep-tfjs',
      dataset,
      model: { architecture: 'cnn', numClasses: 4, width: 0.25 },
      training: { epochs: 2, batchSize: 16, learningRate: 0.003, seed: 1, augmentation: false, ema: 0.9, tta: 'flip', schedule: 'cosine' },
      metric: { name: 'val_accuracy', goal: 'max', summary: 'best' },
    });
    await fx.startWorker('w-tfjs', { env: workerEnv });
    await fx.queue.add(spec.trialId, spec, trialJobOptions(spec.trialId, { retry: { attempts: 1, backoffSeconds: 1, jitter: 0 } }));
    const [job] = await fx.finished([spec.trialId], 240_000);
    expect(job!.failedReason ?? null).toBeNull();

    const result = TrialResultSchema.parse(await new TrialFiles(fx.storage, spec).readResult());
    expect(result.backend).toBe('wasm ×2 replicas');
    expect(result.curves.map((c) => c.epoch)).toEqual([1, 2]);
    expect(result.parameters).toBeGreaterThan(0);
    expect(result.metrics.classes).toEqual(['neutral', 'sad', 'surprise', 'angry']);
    expect(result.metrics.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(32);
    expect(result.metrics.testAccuracy).toBeTypeOf('number');
    expect(result.modelUri).toBe('s3://fermx-tfjs/lab/runs/sweep-tfjs/' + spec.trialId + '/model');
    expect(await new LeaderboardIndex(fx.connection).get(spec.trialId)).toMatchObject({ trialId: spec.trialId, backend: 'wasm ×2 replicas' });

    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['bin/fermx.mjs', 'evaluate', result.modelUri, dataset.uri, '--split', 'test', '--backend', 'wasm', '--json'],
      {
        cwd: repoRoot,
        env: { ...env, FERMX_LOG_LEVEL: 'warn' },
      },
    );
    const report = JSON.parse(stdout) as {
      accuracy: number;
      macroF1: number;
      confusionMatrix: number[][];
      perClassAccuracy: number[];
      split: string;
      tta: string;
      interval95: [number, number];
    };
    expect(report.split).toBe('test');
    expect(report.accuracy).toBeCloseTo(result.metrics.testAccuracy!, 6);
    expect(report.perClassAccuracy).toHaveLength(4);
    expect(report.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(32);
    expect(report.tta).toBe('flip');
    expect(report.interval95[0]).toBeLessThan(report.accuracy);
    expect(report.interval95[1]).toBeGreaterThan(report.accuracy);

    // --class-prior uncapped reweights the probabilities to the Training rows before the caps.
    const reaimed = await promisify(execFile)(
      process.execPath,
      ['bin/fermx.mjs', 'evaluate', result.modelUri, dataset.uri, '--split', 'test', '--class-prior', 'uncapped', '--backend', 'wasm', '--json'],
      { cwd: repoRoot, env: { ...env, FERMX_LOG_LEVEL: 'warn' } },
    );
    const reaimedReport = JSON.parse(reaimed.stdout) as { classPrior: string; accuracy: number; confusionMatrix: number[][] };
    expect(report).toMatchObject({ classPrior: 'trained' });
    expect(reaimedReport.classPrior).toBe('uncapped');
    expect(reaimedReport.confusionMatrix.map((row) => row.slice(1).reduce((a, b) => a + b, 0))).toEqual([0, 0, 0, 0]);
    expect(reaimedReport.accuracy).toBeCloseTo(reaimedReport.confusionMatrix[0]!.reduce((a, b) => a + b, 0) / 32, 9);
    // The model carries both class mixes, so the prior shift needs no copy of its dataset.
    const saved = JSON.parse(new TextDecoder().decode(await fx.storage.get(`runs/sweep-tfjs/${spec.trialId}/model/metadata.json`))) as {
      classMix: { train: Record<string, number>; uncapped: Record<string, number> };
    };
    expect(Object.values(saved.classMix.train).reduce((a, b) => a + b, 0)).toBe(96);
    expect(saved.classMix.uncapped.neutral).toBeGreaterThan(1e9);
    // val is drawn from the capped pool, so it counts among the Training rows before the caps.
    expect(saved.classMix.uncapped.sad).toBeGreaterThan(saved.classMix.train.sad!);

    // The best epoch's model is kept beside the last, ranked (summary best), and evaluate reproduces it too.
    const best = result.best!;
    expect(result.rankedBy).toBe('best');
    expect(result.curves.map((c) => c.epoch)).toContain(best.epoch);
    expect(best.valAccuracy).toBe(Math.max(...result.curves.map((c) => c.valAccuracy)));
    expect(best.modelUri).toBe('s3://fermx-tfjs/lab/runs/sweep-tfjs/' + spec.trialId + '/model-best');
    expect(result.testCount).toBe(32);
    const bestRun = await promisify(execFile)(
      process.execPath,
      ['bin/fermx.mjs', 'evaluate', best.modelUri, dataset.uri, '--split', 'test', '--backend', 'wasm', '--json'],
      {
        cwd: repoRoot,
        env: { ...env, FERMX_LOG_LEVEL: 'warn' },
      },
    );
    expect((JSON.parse(bestRun.stdout) as { accuracy: number }).accuracy).toBeCloseTo(best.testAccuracy!, 6);

    // --with: an ensemble of the last and the best epoch's models, read as the first is; a model
    // averaged with itself scores as it does alone.
    const ensembleRun = async (...uris: string[]) =>
      JSON.parse(
        (
          await promisify(execFile)(
            process.execPath,
            [
              'bin/fermx.mjs',
              'evaluate',
              uris[0]!,
              dataset.uri,
              ...uris.slice(1).flatMap((u) => ['--with', u]),
              '--split',
              'test',
              '--backend',
              'wasm',
              '--json',
            ],
            { cwd: repoRoot, env: { ...env, FERMX_LOG_LEVEL: 'warn' } },
          )
        ).stdout,
      ) as { accuracy: number; ensemble: string[]; tta: string; confusionMatrix: number[][] };
    const itself = await ensembleRun(result.modelUri, result.modelUri);
    expect(itself).toMatchObject({ ensemble: [result.modelUri, result.modelUri], tta: 'flip' });
    expect(itself.accuracy).toBeCloseTo(result.metrics.testAccuracy!, 6);
    const pair = await ensembleRun(result.modelUri, best.modelUri);
    expect(pair.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(32);

    // compare: the last and the best epoch's models, image by image, agree with evaluate's figures.
    const compared = await promisify(execFile)(
      process.execPath,
      ['bin/fermx.mjs', 'compare', result.modelUri, best.modelUri, dataset.uri, '--split', 'test', '--backend', 'wasm', '--json'],
      { cwd: repoRoot, env: { ...env, FERMX_LOG_LEVEL: 'warn' } },
    );
    const pairedRun = JSON.parse(compared.stdout) as {
      count: number;
      accuracyA: number;
      accuracyB: number;
      bothRight: number;
      onlyA: number;
      onlyB: number;
      bothWrong: number;
      mcnemarP: number;
    };
    expect(pairedRun.count).toBe(32);
    expect(pairedRun.bothRight + pairedRun.onlyA + pairedRun.onlyB + pairedRun.bothWrong).toBe(32);
    expect(pairedRun.accuracyA).toBeCloseTo(result.metrics.testAccuracy!, 6);
    expect(pairedRun.accuracyB).toBeCloseTo(best.testAccuracy!, 6);
    expect(pairedRun.mcnemarP).toBeGreaterThan(0);
    expect(pairedRun.mcnemarP).toBeLessThanOrEqual(1);
    expect(await new LeaderboardIndex(fx.connection).get(spec.trialId)).toMatchObject({ ranked: 'best', epoch: best.epoch, valAccuracy: best.valAccuracy });

    // initFrom: a trial starts from the first trial's saved model, named by its trial id; a
    // model of another architecture fails the trial as bad input, naming what differs.
    const tuned = exampleTrialSpec({ ...spec, trialId: 't-00000000000000f1', training: { ...spec.training, epochs: 1, initFrom: spec.trialId } });
    const mismatched = exampleTrialSpec({ ...tuned, trialId: 't-00000000000000f2', model: { ...spec.model, architecture: 'mini-xception' } });
    // teachers: a trial distils from the first trial's model (any architecture that predicts the
    // dataset's classes); a teacher that names no saved model fails the trial, naming the field.
    const distilled = exampleTrialSpec({
      ...spec,
      trialId: 't-00000000000000f3',
      model: { ...spec.model, width: 0.5 },
      training: { ...spec.training, epochs: 1, teachers: [spec.trialId], teacherWeight: 0.7, teacherTemperature: 3 },
    });
    const unknownTeacher = exampleTrialSpec({
      ...distilled,
      trialId: 't-00000000000000f4',
      training: { ...distilled.training, teachers: ['t-ffffffffffffffff'] },
    });
    for (const t of [tuned, mismatched, distilled, unknownTeacher])
      await fx.queue.add(t.trialId, t, trialJobOptions(t.trialId, { retry: { attempts: 1, backoffSeconds: 1, jitter: 0 } }));
    const [tunedJob, mismatchedJob, distilledJob, unknownTeacherJob] = await fx.finished(
      [tuned.trialId, mismatched.trialId, distilled.trialId, unknownTeacher.trialId],
      240_000,
    );
    expect(tunedJob!.failedReason ?? null).toBeNull();
    const tunedResult = TrialResultSchema.parse(await new TrialFiles(fx.storage, tuned).readResult());
    expect(tunedResult.curves.map((c) => c.epoch)).toEqual([1]);
    const metadata = JSON.parse(new TextDecoder().decode(await fx.storage.get(`runs/sweep-tfjs/${tuned.trialId}/model/metadata.json`))) as {
      training: { initFrom?: string };
    };
    expect(metadata.training.initFrom).toBe(spec.trialId);
    expect(mismatchedJob!.failedReason).toMatch(new RegExp(`initFrom ${spec.trialId}: the saved model has architecture cnn, this trial's model mini-xception`));
    expect(distilledJob!.failedReason ?? null).toBeNull();
    const distilledMetadata = JSON.parse(new TextDecoder().decode(await fx.storage.get(`runs/sweep-tfjs/${distilled.trialId}/model/metadata.json`))) as {
      training: { teachers?: string[]; teacherWeight?: number };
    };
    expect(distilledMetadata.training).toMatchObject({ teachers: [spec.trialId], teacherWeight: 0.7 });
    expect(unknownTeacherJob!.failedReason).toContain('cannot run: teachers t-ffffffffffffffff: no finished trial t-ffffffffffffffff');
  });
});
