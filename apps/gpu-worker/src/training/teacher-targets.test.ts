import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticImageSet } from '@fermx/models/testing';
import { TrialInputError } from './errors/index.js';
import { distilledTargets } from './teacher-targets.js';
import { writeSavedCnn } from '../testing/saved-cnn.js';

const classes = ['neutral', 'sad', 'surprise', 'angry'];
let dir: string;

/** A saved cnn predicting `names`, as a file:// folder URI. */
const savedTeacher = async (name: string, names: string[], seed: number): Promise<string> =>
  pathToFileURL(await writeSavedCnn(join(dir, name), names, seed)).href;

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'fermx-teachers-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('distilledTargets', () => {
  const train = syntheticImageSet(12, classes, 4);

  it("blends two saved teachers into the labels and says how often the teachers' top class is the label", async () => {
    const teachers = [await savedTeacher('a', classes, 1), await savedTeacher('b', classes, 2)];
    const context = { datasetVersion: '0123456789abcdef', cacheDir: join(dir, 'cache'), env: {} };
    const { targets, summary } = await distilledTargets(train, { teachers, teacherWeight: 0.25, batchSize: 5 }, context);
    expect(summary).toMatchObject({ teachers: 2, weight: 0.25, temperature: 2, cached: false });
    // A second reading (a resumed trial) comes from the cache and is the same; other teachers,
    // another temperature or another dataset version are read again.
    const again = await distilledTargets(train, { teachers, teacherWeight: 0.25, batchSize: 5 }, context);
    expect(again.summary.cached).toBe(true);
    expect(Array.from(again.targets)).toEqual(Array.from(targets));
    expect((await distilledTargets(train, { teachers: teachers.slice(0, 1), teacherWeight: 0.25, batchSize: 5 }, context)).summary.cached).toBe(false);
    expect((await distilledTargets(train, { teachers, teacherTemperature: 3, batchSize: 5 }, context)).summary.cached).toBe(false);
    expect((await distilledTargets(train, { teachers, batchSize: 5 }, { ...context, datasetVersion: 'fedcba9876543210' })).summary.cached).toBe(false);
    expect(summary.agreement).toBeGreaterThanOrEqual(0);
    expect(summary.agreement).toBeLessThanOrEqual(1);
    for (let i = 0; i < train.count; i++) {
      const row = Array.from(targets.subarray(i * 4, i * 4 + 4));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      // Three quarters of the mass stays on the label.
      expect(row[train.labels[i]!]).toBeGreaterThanOrEqual(0.75);
    }
  });

  it('goes on without the cache when it cannot be written, and says why', async () => {
    const teachers = [await savedTeacher('c', classes, 4)];
    // A file where the cache folder should be: mkdir fails.
    const blocked = join(dir, 'blocked');
    await writeFile(blocked, 'not a folder');
    const { summary } = await distilledTargets(train, { teachers, batchSize: 6 }, { datasetVersion: 'v', cacheDir: blocked, env: {} });
    expect(summary.cached).toBe(false);
    expect(summary.cacheError).toMatch(/EEXIST|ENOTDIR/);
  });

  it('fails the trial as bad input when a teacher predicts the classes in another order, naming it', async () => {
    const swapped = await savedTeacher('swapped', ['sad', 'neutral', 'surprise', 'angry'], 3);
    const error = await distilledTargets(train, { teachers: [swapped], batchSize: 8 }, { datasetVersion: 'v', cacheDir: join(dir, 'cache'), env: {} }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TrialInputError);
    expect((error as Error).message).toBe(
      `teachers ${swapped}: the saved model predicts sad, neutral, surprise, angry; this dataset's classes are neutral, sad, surprise, angry (a teacher must predict the same classes in the same order)`,
    );
  });

  it('fails the trial as bad input when a teacher names no saved model', async () => {
    const missing = pathToFileURL(join(dir, 'nothing-here')).href;
    const error = await distilledTargets(train, { teachers: [missing], batchSize: 8 }, { datasetVersion: 'v', cacheDir: join(dir, 'cache'), env: {} }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TrialInputError);
    expect((error as Error).message).toContain(`no saved model at ${missing}`);
  });
});
