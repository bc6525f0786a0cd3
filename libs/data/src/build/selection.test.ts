import { describe, expect, it } from 'vitest';
import type { Usage } from '../fer2013/emotions.js';
import { buildConfigFor, FiltersSchema } from './build-config.js';
import type { ProcessedFace } from './face-processor.js';
import { failedFilter, selectSplits, type Candidate } from './selection.js';

function candidate(
  index: number,
  emotion: string,
  usage: Usage = 'Training',
  overrides: Partial<ProcessedFace['geometry']> & { blur?: number; agreement?: number; fer2013Emotion?: string } = {},
): Candidate {
  const { blur = 1000, agreement = 0.8, fer2013Emotion = emotion, ...geometry } = overrides;
  const face: ProcessedFace = {
    index,
    landmarks: new Float32Array(136),
    geometry: { yaw: 0, roll: 0, shapeResidual: 0.1, size: 14, outside: 0, ...geometry },
    blur,
    style: 'cloth',
    masked: new Uint8Array(2304),
  };
  return { index, usage, emotion, fer2013Emotion, agreement, votes: [], face };
}

describe('failedFilter', () => {
  const filters = FiltersSchema.parse({});
  it('names the first filter a face fails', () => {
    expect(failedFilter(candidate(1, 'sad'), filters, true)).toBeUndefined();
    expect(failedFilter(candidate(1, 'sad', 'Training', { agreement: 0.4 }), filters, true)).toBe('ferplus-agreement');
    expect(failedFilter(candidate(1, 'sad', 'Training', { agreement: 0.4 }), filters, false)).toBeUndefined();
    expect(failedFilter(candidate(1, 'sad', 'Training', { shapeResidual: 0.5 }), filters, true)).toBe('landmark-failure');
    expect(failedFilter(candidate(1, 'sad', 'Training', { size: 4 }), filters, true)).toBe('landmark-failure');
    expect(failedFilter(candidate(1, 'sad', 'Training', { yaw: -41 }), filters, true)).toBe('non-frontal');
    expect(failedFilter(candidate(1, 'sad', 'Training', { blur: 100 }), filters, true)).toBe('blur');
    expect(failedFilter(candidate(1, 'sad', 'Training', { blur: 100 }), { ...filters, enabled: false }, true)).toBeUndefined();
  });

  it('drops label errors (FER2013 label differs from the FER+ majority) only when asked, and only with FER+', () => {
    const mislabelled = candidate(1, 'sad', 'Training', { fer2013Emotion: 'neutral', agreement: 0.4 });
    expect(failedFilter(mislabelled, filters, true)).toBe('ferplus-agreement');
    expect(failedFilter(mislabelled, { ...filters, requireLabelMatch: true }, true)).toBe('label-mismatch');
    expect(failedFilter(mislabelled, { ...filters, requireLabelMatch: true }, false)).toBeUndefined();
    expect(failedFilter(candidate(1, 'sad'), { ...filters, requireLabelMatch: true }, true)).toBeUndefined();
  });
});

describe('buildConfigFor', () => {
  it('gives the paper profile the paper selection and keeps what the caller sets', () => {
    expect(buildConfigFor({ profile: 'paper' }).filters).toMatchObject({ minAgreement: 0.6, requireLabelMatch: true });
    expect(buildConfigFor({ profile: 'paper', filters: { minAgreement: 0.5, requireLabelMatch: false } }).filters).toMatchObject({
      minAgreement: 0.5,
      requireLabelMatch: false,
    });
    expect(buildConfigFor({ profile: 'all' }).filters.requireLabelMatch).toBeUndefined();
  });
});

describe('selectSplits', () => {
  const pool = [
    ...Array.from({ length: 50 }, (_, i) => candidate(i, 'neutral')),
    ...Array.from({ length: 20 }, (_, i) => candidate(100 + i, 'sad')),
    ...Array.from({ length: 7 }, (_, i) => candidate(200 + i, 'sad', 'PublicTest')),
    ...Array.from({ length: 3 }, (_, i) => candidate(300 + i, 'neutral', 'PrivateTest')),
  ];

  it('caps per class, splits 9:1 stratified, keeps PublicTest and PrivateTest apart', () => {
    const s = selectSplits(pool, { classes: ['neutral', 'sad'], caps: { neutral: 30 }, valFraction: 0.1, seed: 7 });
    const count = (split: Candidate[], emotion: string) => split.filter((c) => c.emotion === emotion).length;
    expect([count(s.splits.train, 'neutral'), count(s.splits.val, 'neutral')]).toEqual([27, 3]);
    expect([count(s.splits.train, 'sad'), count(s.splits.val, 'sad')]).toEqual([18, 2]);
    expect(s.splits.publictest).toHaveLength(7);
    expect(s.splits.test).toHaveLength(3);
    expect(s.capped).toEqual({ neutral: 20 });
    expect(s.splits.train.every((c) => c.usage === 'Training')).toBe(true);
  });

  it("with overCap 'train' puts the rows over a cap in train, and keeps the capped build's val and publictest", () => {
    const options = { classes: ['neutral', 'sad'], caps: { neutral: 30 }, valFraction: 0.1, seed: 7 };
    const dropped = selectSplits(pool, options);
    const kept = selectSplits(pool, { ...options, overCap: 'train' });
    const ids = (split: Candidate[]) => split.map((c) => c.index).sort((a, b) => a - b);
    expect(ids(kept.splits.val)).toEqual(ids(dropped.splits.val));
    expect(ids(kept.splits.publictest)).toEqual(ids(dropped.splits.publictest));
    expect(kept.splits.train.filter((c) => c.emotion === 'neutral')).toHaveLength(47);
    expect(kept.splits.train.filter((c) => c.emotion === 'sad')).toHaveLength(18);
    expect(ids(kept.splits.train).filter((i) => !ids(dropped.splits.train).includes(i))).toHaveLength(20);
    expect(kept.capped).toEqual({});
    expect(kept.overCapTrained).toEqual({ neutral: 20 });
    expect(dropped.overCapTrained).toEqual({});
  });

  it('is a function of the seed, not of the input order', () => {
    const a = selectSplits(pool, { classes: ['neutral', 'sad'], caps: { neutral: 30 }, valFraction: 0.1, seed: 7 });
    const b = selectSplits([...pool].reverse(), { classes: ['neutral', 'sad'], caps: { neutral: 30 }, valFraction: 0.1, seed: 7 });
    const c = selectSplits(pool, { classes: ['neutral', 'sad'], caps: { neutral: 30 }, valFraction: 0.1, seed: 8 });
    expect(b.splits.train.map((x) => x.index)).toEqual(a.splits.train.map((x) => x.index));
    expect(c.splits.val.map((x) => x.index)).not.toEqual(a.splits.val.map((x) => x.index));
  });
});
