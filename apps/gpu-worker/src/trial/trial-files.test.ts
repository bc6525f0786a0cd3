import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runKeys, type EpochMetrics } from '@fermx/contracts';
import { exampleTrialResult, exampleTrialSpec } from '@fermx/contracts/testing';
import { openStorage } from '@fermx/data';
import { CheckpointPointerError, TrialFiles } from './trial-files.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const epoch = (n: number): EpochMetrics & { worker: string; attempt: number } => ({
  epoch: n,
  loss: 1 / n,
  accuracy: 0.5,
  valLoss: 1 / n,
  valAccuracy: 0.5,
  seconds: 1,
  imagesPerSecond: 10,
  worker: 'w',
  attempt: 1,
});

describe('TrialFiles', () => {
  it('writes every file of a trial at the key runKeys names for it, and nothing else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fermx-trial-files-'));
    dirs.push(dir);
    const storage = openStorage(`file://${dir}`);
    const spec = exampleTrialSpec({ sweepId: 'sweep-layout' });
    const { sweepId, trialId } = spec;
    const files = new TrialFiles(storage, spec);

    await files.writeConfig(spec);
    let latest = await files.saveEpoch(1, new Uint8Array([1]), [epoch(1)]);
    latest = await files.saveEpoch(2, new Uint8Array([2]), [epoch(1), epoch(2)], latest);
    latest = await files.saveEpoch(3, new Uint8Array([3]), [epoch(1), epoch(2), epoch(3)], latest);
    const modelUri = await files.writeModel({ 'model.json': new Uint8Array([123, 125]), 'weights.bin': new Uint8Array(8) });
    await files.writeResult(exampleTrialResult({ ...spec, modelUri }));

    expect(files.dir).toBe(runKeys.dir(sweepId, trialId));
    expect(modelUri).toBe(storage.uriOf(runKeys.model(sweepId, trialId)));
    expect(latest.key).toBe(runKeys.checkpoint(sweepId, trialId, 3));
    expect(await storage.list(runKeys.root)).toEqual(
      [
        runKeys.checkpoint(sweepId, trialId, 2),
        runKeys.checkpoint(sweepId, trialId, 3),
        runKeys.latestCheckpoint(sweepId, trialId),
        runKeys.config(sweepId, trialId),
        runKeys.metrics(sweepId, trialId),
        runKeys.modelFile(sweepId, trialId, 'model.json'),
        runKeys.modelFile(sweepId, trialId, 'weights.bin'),
        runKeys.result(sweepId, trialId),
      ].sort(),
    );
    expect(runKeys.parseResult(runKeys.result(sweepId, trialId))).toEqual({ sweepId, trialId });
    expect(runKeys.parseResult(runKeys.config(sweepId, trialId))).toBeUndefined();
    expect((await files.readResult())?.modelUri).toBe(modelUri);
    expect((await files.readMetrics()).map((m) => m.epoch)).toEqual([1, 2, 3]);
  });

  it('names the pointer when checkpoints/latest.json is empty or not JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fermx-trial-files-'));
    dirs.push(dir);
    const storage = openStorage(`file://${dir}`);
    const spec = exampleTrialSpec({ sweepId: 'sweep-pointer' });
    const files = new TrialFiles(storage, spec);
    const key = runKeys.latestCheckpoint(spec.sweepId, spec.trialId);

    expect(await files.readLatest()).toBeUndefined();
    await storage.put(key, new TextEncoder().encode('{"epoch": 3, "key"'));
    await expect(files.readLatest()).rejects.toThrow(CheckpointPointerError);
    await expect(files.readLatest()).rejects.toThrow(`checkpoint pointer ${storage.uriOf(key)} is not JSON (18 bytes)`);
  });
});
