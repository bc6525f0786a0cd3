import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../architectures/build-model.js';
import { syntheticImageSet } from '../training/synthetic-set.js';
import { imageBatch, range } from '../training/image-set.js';
import { loadModelArtifacts, saveModelArtifacts, MODEL_FILES } from './model-artifacts.js';

describe('model artifacts', () => {
  let dir: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = await mkdtemp(path.join(tmpdir(), 'fermx-models-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('round-trips through files in a temp dir with identical predictions and metadata', async () => {
    const config = { architecture: 'mxception' as const, numClasses: 4, width: 0.25, dropout: 0.2 };
    const model = buildModel(config, { seed: 3 });
    const files = await saveModelArtifacts(model, { config, classes: ['neutral', 'sad', 'surprise', 'angry'], metrics: { valAccuracy: 0.5 }, backend: { name: 'cpu', reason: 'requested' } });
    expect(Object.keys(files).sort()).toEqual([...MODEL_FILES].sort());
    for (const [name, bytes] of Object.entries(files)) await writeFile(path.join(dir, name), bytes);

    const { model: loaded, metadata } = await loadModelArtifacts((name) => readFile(path.join(dir, name)));
    expect(metadata).toMatchObject({ config, classes: ['neutral', 'sad', 'surprise', 'angry'], metrics: { valAccuracy: 0.5 }, backend: { name: 'cpu' }, parameters: model.countParams() });
    const set = syntheticImageSet(4, ['a', 'b', 'c', 'd']);
    const x = imageBatch(set, range(0, 4));
    const before = await (model.predict(x) as tf.Tensor).data();
    const after = await (loaded.predict(x) as tf.Tensor).data();
    expect(Array.from(after)).toEqual(Array.from(before));
    model.dispose();
    loaded.dispose();
  });

  it('names the bad file or field', async () => {
    const config = { architecture: 'cnn' as const, numClasses: 2, width: 0.125 };
    const model = buildModel(config);
    await expect(saveModelArtifacts(model, { config, classes: ['a'] })).rejects.toThrow(/metadata.classes has 1 names/);
    const files = await saveModelArtifacts(model, { config, classes: ['a', 'b'] });
    const broken: Record<string, Uint8Array> = { ...files, 'metadata.json': new TextEncoder().encode('{"config":{"architecture":"resnet","numClasses":2},"classes":["a","b"]}') };
    await expect(loadModelArtifacts(async (name) => broken[name]!)).rejects.toThrow(/metadata.json: invalid model config: architecture/);
    const garbled: Record<string, Uint8Array> = { ...files, 'model.json': new TextEncoder().encode('{') };
    await expect(loadModelArtifacts(async (name) => garbled[name]!)).rejects.toThrow(/model.json is not valid JSON/);
    model.dispose();
  });
});
