import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertSweepSpec, runKeys } from '@fermx/contracts';
import { exampleTrialResult, exampleTrialSpec } from '@fermx/contracts/testing';
import { openStorage } from '@fermx/data';
import { savedModelIssues, initFromValues, storageModelProbe, teacherValues, type ModelProbe } from './model-probe.js';

let dir: string;
let storageUri: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fermx-model-probe-'));
  storageUri = `file://${dir}`;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A finished trial with its model folder, as a worker leaves it. */
async function finishedTrial(withMetadata = true) {
  const storage = openStorage(storageUri, {});
  const spec = exampleTrialSpec();
  await storage.put(runKeys.result(spec.sweepId, spec.trialId), JSON.stringify(exampleTrialResult(spec)));
  await storage.put(`${runKeys.model(spec.sweepId, spec.trialId)}/model.json`, '{}');
  if (withMetadata) await storage.put(`${runKeys.model(spec.sweepId, spec.trialId)}/metadata.json`, '{}');
  return spec;
}

const sweep = (initFrom: unknown) => assertSweepSpec({ name: 's', dataset: 'file:///d', model: { architecture: 'mxception' }, parameters: { initFrom } });

describe('storageModelProbe', () => {
  it('accepts a finished trial and a folder under the roots, as the worker would load them', async () => {
    const trial = await finishedTrial();
    const probe = storageModelProbe({}, storageUri, [storageUri]);
    await expect(probe(trial.trialId)).resolves.toBeUndefined();
    await expect(probe(`${storageUri}/${runKeys.model(trial.sweepId, trial.trialId)}`)).resolves.toBeUndefined();
  });

  it('names what is wrong: an unknown version or trial, a folder without a model, a folder outside the roots', async () => {
    const trial = await finishedTrial(false);
    const probe = storageModelProbe({}, storageUri, [storageUri]);
    await expect(probe('fer2013-pretrain@v1')).rejects.toThrow(`model fer2013-pretrain has no version v1 in ${storageUri}`);
    await expect(probe('t-00000000000000ff')).rejects.toThrow('no finished trial t-00000000000000ff');
    await expect(probe(trial.trialId)).rejects.toThrow(
      `${trial.trialId}: ${storageUri}/${runKeys.model(trial.sweepId, trial.trialId)} holds no saved model (no metadata.json)`,
    );
    await expect(probe('file:///etc')).rejects.toThrow('initFrom model file:///etc is outside the allowed dataset roots');
    await expect(probe('file:///etc', 'teachers')).rejects.toThrow('teachers model file:///etc is outside the allowed dataset roots');
  });
});

describe('savedModelIssues', () => {
  it('probes every value the parameter can take, once each, and reports each refusal on the field', async () => {
    const probed: string[] = [];
    const probe: ModelProbe = async (reference) => {
      probed.push(reference);
      if (reference.startsWith('missing')) throw new Error(`${reference}: not there`);
    };
    expect(initFromValues(sweep({ grid: ['a@v1', 'missing@v1', 'a@v1'] }))).toEqual(['a@v1', 'missing@v1']);
    expect(await savedModelIssues(sweep({ grid: ['a@v1', 'missing@v1', 'a@v1'] }), probe)).toEqual([
      { path: 'parameters.initFrom', message: 'missing@v1: not there' },
    ]);
    expect(probed).toEqual(['a@v1', 'missing@v1']);
    expect(await savedModelIssues(sweep('a@v2'), probe)).toEqual([]);
    expect(await savedModelIssues(assertSweepSpec({ name: 's', dataset: 'file:///d', model: { architecture: 'cnn' } }), probe)).toEqual([]);
  });

  it('probes every teacher of every list the teachers parameter can take, on its own field', async () => {
    const probed: [string, string | undefined][] = [];
    const probe: ModelProbe = async (reference, field) => {
      probed.push([reference, field]);
      if (reference.startsWith('missing')) throw new Error(`${reference}: not there`);
    };
    const spec = assertSweepSpec({
      name: 's',
      dataset: 'file:///d',
      model: { architecture: 'cnn' },
      parameters: { initFrom: 'a@v1', teachers: { grid: [['b@v1'], ['b@v1', 'missing@v2']] } },
    });
    expect(teacherValues(spec)).toEqual(['b@v1', 'missing@v2']);
    expect(await savedModelIssues(spec, probe)).toEqual([{ path: 'parameters.teachers', message: 'missing@v2: not there' }]);
    expect(probed).toEqual([
      ['a@v1', 'initFrom'],
      ['b@v1', 'teachers'],
      ['missing@v2', 'teachers'],
    ]);
  });
});
