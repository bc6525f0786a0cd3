import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from '@fermx/data';
import { loadModelArtifacts, type ModelMetadata } from '@fermx/models';
import { runCliCaptured } from '@fermx/testing';
import { commands } from '../main.js';
import { writeSavedCnn } from '../testing/saved-cnn.js';
import { writeTinyDataset } from '../testing/tiny-dataset.js';

const classes = ['neutral', 'sad', 'surprise', 'angry'];
let dir: string;

/** A saved cnn predicting `names`, read with ten views, in folder `name`. */
const savedModel = (name: string, names: string[], seed: number): Promise<string> =>
  writeSavedCnn(join(dir, name), names, seed, { evaluation: { tta: 'flip-shift' }, classMix: { train: { neutral: 4, sad: 3, surprise: 2, angry: 1 } } });

const soup = (args: string[]) =>
  runCliCaptured(['model', 'soup', ...args], commands, { PATH: process.env.PATH, FERMX_LOG_LEVEL: 'warn', FERMX_STORAGE: `file://${dir}/storage` });
const load = (folder: string) => loadModelArtifacts((name) => readFile(join(folder, name)));

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'fermx-soup-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fermx model soup', () => {
  it('writes a model folder whose every weight is the mean of the members', async () => {
    const members = [await savedModel('a', classes, 1), await savedModel('b', classes, 2), await savedModel('c', classes, 3)];
    const out = join(dir, 'soup');
    const { code, out: stdout, err } = await soup([...members, '--out', out, '--json']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ members, tta: 'flip-shift' });
    const made = await load(out);
    const loaded = await Promise.all(members.map(load));
    const weights = made.model.getWeights();
    expect(weights).toHaveLength(loaded[0]!.model.getWeights().length);
    weights.forEach((w, i) => {
      const got = w.dataSync();
      const each = loaded.map((m) => m.model.getWeights()[i]!.dataSync());
      for (let k = 0; k < got.length; k++) expect(got[k]).toBeCloseTo((each[0]![k]! + each[1]![k]! + each[2]![k]!) / 3, 6);
    });
    const metadata = JSON.parse(await readFile(join(out, 'metadata.json'), 'utf8')) as ModelMetadata;
    expect(metadata.soup).toEqual({ members });
    expect(metadata.evaluation?.tta).toBe('flip-shift');
    expect(metadata.classMix).toEqual({ train: { neutral: 4, sad: 3, surprise: 2, angry: 1 } });
    expect(metadata.format).toBe('fermx-model');
    for (const m of [made, ...loaded]) m.model.dispose();
  });

  it("--recalibrate re-estimates the soup's batch-norm statistics on a dataset's train split and records it", async () => {
    const members = [await savedModel('f', classes, 6), await savedModel('g', classes, 7)];
    const dataset = await writeTinyDataset(openStorage(`file://${dir}`), 'datasets/tiny/v1', { train: 40, val: 8 });
    const [plain, recalibrated] = [join(dir, 'plain'), join(dir, 'recalibrated')];
    expect((await soup([...members, '--out', plain])).code).toBe(0);
    const { code, out: stdout } = await soup([...members, '--out', recalibrated, '--recalibrate', dataset.uri]);
    expect(code).toBe(0);
    expect(stdout).toContain('batch-norm statistics re-estimated on 40 train images');
    const metadata = JSON.parse(await readFile(join(recalibrated, 'metadata.json'), 'utf8')) as ModelMetadata;
    expect(metadata.soup?.recalibrated).toEqual({ dataset: { uri: dataset.uri, version: dataset.version }, split: 'train', images: 40 });
    // Only the batch-norm moving statistics differ from the plain soup.
    const [a, b] = await Promise.all([load(plain), load(recalibrated)]);
    const names = a.model.weights.map((w) => w.name);
    const changed = a.model
      .getWeights()
      .flatMap((w, i) => (Array.from(w.dataSync()).every((v, k) => v === b.model.getWeights()[i]!.dataSync()[k]) ? [] : [names[i]!]));
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.filter((name) => !/moving_(mean|variance)(_\d+)?$/.test(name))).toEqual([]);
    a.model.dispose();
    b.model.dispose();
  });

  it('refuses members that predict other classes or do not exist, by name, and writes nothing', async () => {
    const a = await savedModel('d', classes, 4);
    const other = await savedModel('e', ['sad', 'neutral', 'surprise', 'angry'], 5);
    const out = join(dir, 'refused');
    const mismatch = await soup([a, other, '--out', out]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.err).toContain(`fermx model soup: ${other}: it predicts sad, neutral, surprise, angry; ${a} predicts neutral, sad, surprise, angry`);
    const missing = await soup([a, join(dir, 'nowhere'), '--out', out]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain(`${join(dir, 'nowhere')}`);
    await expect(readFile(join(out, 'model.json'))).rejects.toThrow(/ENOENT/);
    const usage = await soup([a, '--out', out]);
    expect(usage.code).toBe(2);
    expect((await soup([a, other])).err).toContain('--out DIR|URI is required');
  });
});
