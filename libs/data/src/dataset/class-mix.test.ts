import { describe, expect, it } from 'vitest';
import type { Manifest } from '../build/manifest.js';
import { trainingClassMixes } from './class-mix.js';

function manifest(capped: Record<string, number>): Manifest {
  return {
    classes: ['neutral', 'sad', 'angry'],
    splits: {
      train: { count: 9, perClass: { neutral: 4, sad: 3, angry: 2 } },
      val: { count: 3, perClass: { neutral: 1, sad: 1, angry: 1 } },
      publictest: { count: 50, perClass: { neutral: 40, sad: 5, angry: 5 } },
    },
    rows: { read: 0, invalid: {}, unlabelled: {}, otherClasses: 0, processed: 0, filtered: {}, capped, selected: 62 },
  } as unknown as Manifest;
}

describe('trainingClassMixes', () => {
  it('gives the train split and the Training rows before the caps (train + val + capped), never publictest', () => {
    expect(trainingClassMixes(manifest({ neutral: 10, sad: 2 }))).toEqual({
      train: { neutral: 4, sad: 3, angry: 2 },
      uncapped: { neutral: 15, sad: 6, angry: 3 },
    });
  });

  it('is undefined when no class was capped: the train split already has the uncapped mix', () => {
    expect(trainingClassMixes(manifest({}))).toBeUndefined();
    expect(trainingClassMixes(manifest({ neutral: 0 }))).toBeUndefined();
    expect(trainingClassMixes({ ...manifest({}), rows: undefined } as unknown as Manifest)).toBeUndefined();
  });
});
