import { describe, expect, it } from 'vitest';
import type { Manifest } from '@fermx/data';
import { formatFilters } from './format-counts.js';

/** A manifest with only its row counts, which is all formatFilters reads. */
const withRows = (rows: Manifest['rows']) => ({ rows }) as unknown as Manifest;

const rows: Manifest['rows'] = {
  read: 100,
  invalid: { 'pixel-count': 1 },
  unlabelled: { tie: 2 },
  otherClasses: 3,
  processed: 94,
  filtered: { blur: 4 },
  capped: { neutral: 5 },
  selected: 85,
};

describe('formatFilters', () => {
  it('counts every way a row left the selection', () => {
    expect(formatFilters(withRows(rows))).toBe('rows read 100, invalid 1, unlabelled 2, other classes 3, blur 4, capped 5, selected 85\n');
  });

  it('says how many rows over a cap went into train, where a build put them there', () => {
    const manifest = withRows({ ...rows, capped: {}, overCapTrained: { neutral: 5, sad: 2 }, selected: 92 });
    expect(formatFilters(manifest)).toBe('rows read 100, invalid 1, unlabelled 2, other classes 3, blur 4, capped 0, over a cap, in train 7, selected 92\n');
  });
});
