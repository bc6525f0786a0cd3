import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '@fermx/models';
import { modelDigest, TeacherTargetCache } from './teacher-cache.js';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'fermx-teacher-cache-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('TeacherTargetCache', () => {
  const key = TeacherTargetCache.keyOf({ datasetVersion: 'v1', count: 2, classes: ['a', 'b'], temperature: 2, tta: 'flip', teachers: ['d1'] });

  it('gives back what was written, and nothing for an unknown key or a file of the wrong size', async () => {
    const cache = new TeacherTargetCache(dir, {});
    expect(await cache.read(key, 4)).toBeUndefined();
    await cache.write(key, Float32Array.from([0.25, 0.75, 0.5, 0.5]));
    expect(Array.from((await cache.read(key, 4))!)).toEqual([0.25, 0.75, 0.5, 0.5]);
    expect(await cache.read(key, 6)).toBeUndefined();
    await writeFile(join(cache.dir, `${key}.f32`), new Uint8Array(3));
    expect(await cache.read(key, 4)).toBeUndefined();
  });

  it('keys on every part of the reading', () => {
    const base = { datasetVersion: 'v1', count: 2, classes: ['a', 'b'], temperature: 2, tta: 'flip', teachers: ['d1'] };
    const keys = [base, { ...base, datasetVersion: 'v2' }, { ...base, temperature: 3 }, { ...base, tta: 'none' }, { ...base, teachers: ['d2'] }].map(
      TeacherTargetCache.keyOf,
    );
    expect(new Set(keys).size).toBe(5);
  });

  it('knows a model by its weights, whatever tfjs named its variables', async () => {
    const config = { architecture: 'cnn' as const, numClasses: 4, width: 0.25 };
    const [a, sameAsA, other] = [buildModel(config, { seed: 1 }), buildModel(config, { seed: 1 }), buildModel(config, { seed: 2 })];
    expect(a!.weights[0]!.name).not.toBe(sameAsA!.weights[0]!.name);
    expect(await modelDigest(a!)).toBe(await modelDigest(sameAsA!));
    expect(await modelDigest(a!)).not.toBe(await modelDigest(other!));
    for (const m of [a, sameAsA, other]) m!.dispose();
  });
});
