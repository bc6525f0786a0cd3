import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runKeys } from '@fermx/contracts';
import { exampleTrialResult, exampleTrialSpec } from '@fermx/contracts/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStorage } from '../storage/file-storage.js';
import { datasetMasked, isModelLocation, isModelReference, ModelRegistry } from './model-registry.js';

let dir: string;
let storage: FileStorage;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fermx-registry-'));
  storage = new FileStorage(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A finished trial in storage: result.json, config.json, model files, and its dataset's manifest. */
async function finishedTrial(valAccuracy: number, masked: boolean | undefined) {
  const datasetUri = `file://${dir}/datasets/d${valAccuracy}`;
  const base = exampleTrialSpec();
  const spec = exampleTrialSpec({
    dataset: { uri: datasetUri, version: 'feedfacefeedface' },
    training: { ...base.training, seed: Math.round(valAccuracy * 100) },
  });
  const result = exampleTrialResult({ ...spec, valAccuracy });
  await storage.put(runKeys.result(spec.sweepId, spec.trialId), JSON.stringify(result));
  await storage.put(runKeys.config(spec.sweepId, spec.trialId), JSON.stringify(spec));
  for (const file of ['model.json', 'weights.bin', 'metadata.json'])
    await storage.put(`${runKeys.model(spec.sweepId, spec.trialId)}/${file}`, `${file} of ${spec.trialId}`);
  await storage.put(
    `datasets/d${valAccuracy}/manifest.json`,
    JSON.stringify(masked === undefined ? { builder: { config: { profile: 'paper' } } } : { image: { masked } }),
  );
  return result;
}

describe('ModelRegistry', () => {
  it('promotes a trial to v1, v2… with lineage, copies its files, and resolves aliases', async () => {
    const registry = new ModelRegistry(storage);
    const first = await finishedTrial(0.7, true);
    const v1 = await registry.promote({ trialId: first.trialId, name: 'ferm-best', alias: 'production', commit: 'abc123' });
    expect(v1).toMatchObject({
      name: 'ferm-best',
      version: 1,
      trial: { trialId: first.trialId, sweepId: first.sweepId },
      dataset: { version: 'feedfacefeedface', masked: true, classes: first.metrics.classes },
      backend: 'wasm',
      metrics: { valAccuracy: 0.7 },
      commit: { sha: 'abc123', of: 'promoting-checkout' },
    });
    expect(v1.files.sort()).toEqual(['metadata.json', 'model.json', 'weights.bin']);
    expect(v1.spec).toMatchObject({ trialId: first.trialId });
    expect(new TextDecoder().decode(await storage.get('models/ferm-best/v1/weights.bin'))).toBe(`weights.bin of ${first.trialId}`);

    const second = await finishedTrial(0.8, false);
    const v2 = await registry.promote({ trialId: second.trialId, name: 'ferm-best', alias: 'candidate' });
    expect(v2.version).toBe(2);
    expect(v2.dataset.masked).toBe(false);
    expect((await registry.resolve('ferm-best@production')).uri).toBe(storage.uriOf('models/ferm-best/v1'));
    expect((await registry.resolve('ferm-best@candidate')).lineage.trial.trialId).toBe(second.trialId);
    expect((await registry.resolve('ferm-best@v2')).lineage.version).toBe(2);

    await registry.moveAlias('ferm-best', 'production', 2);
    const [model] = await registry.list();
    expect(model!.aliases).toEqual({ production: 2, candidate: 2 });
    expect(model!.history.map((m) => [m.alias, m.from, m.to])).toEqual([
      ['production', null, 1],
      ['candidate', null, 2],
      ['production', 1, 2],
    ]);
    expect(model!.versions.map((v) => v.version)).toEqual([1, 2]);
  });

  it('says what is wrong: unknown trial, bad name, missing alias or version, missing model files', async () => {
    const registry = new ModelRegistry(storage);
    await expect(registry.promote({ trialId: 't-0000000000000000', name: 'x' })).rejects.toThrow(/no finished trial t-0000000000000000/);
    await expect(registry.promote({ trialId: 'nope', name: 'x' })).rejects.toThrow(/'nope' is not a trial id/);
    const trial = await finishedTrial(0.6, true);
    await expect(registry.promote({ trialId: trial.trialId, name: 'Bad Name' })).rejects.toThrow(/model name 'Bad Name'/);
    await registry.promote({ trialId: trial.trialId, name: 'm' });
    await expect(registry.resolve('m@production')).rejects.toThrow(/model m has no production alias/);
    await expect(registry.resolve('m@v7')).rejects.toThrow(/model m has no version v7/);
    await expect(registry.moveAlias('m', 'production', 3)).rejects.toThrow(/no version v3/);
    await expect(registry.resolve('models/m')).rejects.toThrow(/not a model reference/);
    await storage.delete(`${runKeys.model(trial.sweepId, trial.trialId)}/weights.bin`);
    await expect(registry.promote({ trialId: trial.trialId, name: 'm' })).rejects.toThrow(/has no weights.bin/);
  });

  it('reads whether a dataset is masked from its manifest (older manifests: every profile but fer2013)', async () => {
    await storage.put('a/manifest.json', JSON.stringify({ image: { masked: false } }));
    await storage.put('b/manifest.json', JSON.stringify({ builder: { config: { profile: 'fer2013' } } }));
    await storage.put('c/manifest.json', JSON.stringify({ builder: { config: { profile: 'all' } } }));
    expect(await datasetMasked(`file://${dir}/a`)).toBe(false);
    expect(await datasetMasked(`file://${dir}/b`)).toBe(false);
    expect(await datasetMasked(`file://${dir}/c`)).toBe(true);
    expect(await datasetMasked(`file://${dir}/missing`)).toBeNull();
  });

  it('tells references from folders and trial ids', () => {
    expect(isModelReference('ferm@production')).toBe(true);
    expect(isModelReference('ferm@v12')).toBe(true);
    expect(isModelReference('models/ferm-m-xception')).toBe(false);
    expect(isModelReference('t-0123456789abcdef')).toBe(false);
    expect(isModelReference('ferm@latest')).toBe(false);
    expect(isModelLocation('models/ferm-m-xception')).toBe(true);
    expect(isModelLocation('s3://b/runs/s/t-0123456789abcdef/model')).toBe(true);
    expect(isModelLocation('t-0123456789abcdef')).toBe(false);
    expect(isModelLocation('ferm@v1')).toBe(false);
  });

  it('finds the folder of MODEL however it is named: reference (with lineage), trial id, folder', async () => {
    const registry = new ModelRegistry(storage);
    const trial = await finishedTrial(0.7, true);
    await registry.promote({ trialId: trial.trialId, name: 'ferm-best' });
    const promoted = await registry.modelFolder('ferm-best@v1');
    expect(promoted.uri).toBe(storage.uriOf('models/ferm-best/v1'));
    expect(promoted.lineage?.trial.trialId).toBe(trial.trialId);
    expect(await registry.modelFolder(trial.trialId)).toEqual({ uri: storage.uriOf(runKeys.model(trial.sweepId, trial.trialId)) });
    expect(await registry.modelFolder('/srv/models/x')).toEqual({ uri: '/srv/models/x' });
    await expect(registry.modelFolder('ferm-best@v2')).rejects.toThrow('model ferm-best has no version v2');
    await expect(registry.modelFolder('t-00000000000000ff')).rejects.toThrow('no finished trial t-00000000000000ff');
  });
});
