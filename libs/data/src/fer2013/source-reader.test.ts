import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { syntheticFer2013Csv, syntheticFerPlusCsv, syntheticPixels, syntheticRows } from '../testing/synthetic-fer2013.js';
import { NotFer2013Error } from './fer2013-row.js';
import { ferPlusLabel } from './ferplus.js';
import type { RowIssue } from './row-issue.js';
import { readSource, type SourceRow } from './source-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'fermx-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(options: Parameters<typeof readSource>[0]) {
  const rows: SourceRow[] = [];
  const issues: RowIssue[] = [];
  for await (const item of readSource(options)) {
    if ('row' in item) rows.push(item.row);
    else issues.push(item.issue);
  }
  return { rows, issues };
}

const good = syntheticPixels(1);
const pixels = good.split(' ');

describe('readSource', () => {
  it('reads plain and gzipped Kaggle CSVs and joins FER+ by row order', async () => {
    const rows = syntheticRows(5, 3, ['Training', 'PublicTest']);
    writeFileSync(join(dir, 'a.csv.gz'), gzipSync(syntheticFer2013Csv(rows)));
    writeFileSync(join(dir, 'a-plain.csv'), syntheticFer2013Csv(rows));
    writeFileSync(join(dir, 'a-new.csv'), syntheticFerPlusCsv(rows));
    for (const source of ['a.csv.gz', 'a-plain.csv']) {
      const out = await collect({ source: join(dir, source), ferplus: join(dir, 'a-new.csv') });
      expect(out.issues).toEqual([]);
      expect(out.rows.map((r) => [r.index, r.line, r.usage, r.ferplus?.votes])).toEqual(rows.map((r, i) => [i, i + 2, r.usage, r.votes]));
      expect(out.rows[0]!.pixels.length).toBe(2304);
      expect(out.rows[0]!.pixels[0]).toBe(Number(pixels[0]));
    }
    expect((await collect({ source: join(dir, 'a.csv.gz'), limit: 2 })).rows).toHaveLength(2);
  });

  it('reports a dozen kinds of broken rows by file and line, and keeps the good rows', async () => {
    const p = (mutate: (px: string[]) => string[]) => mutate([...pixels]).join(' ');
    const lines = [
      'emotion,pixels,Usage',
      `3,${good},Training`, // 2 good
      `3,${good}`, // 3 field count (too few)
      `3,${good},Training,extra`, // 4 field count (too many)
      `9,${good},Training`, // 5 emotion out of range
      `x,${good},Training`, // 6 emotion not a number
      `3,${p((px) => px.slice(1))},Training`, // 7 2303 pixels
      `3,${p((px) => [...px, '1'])},Training`, // 8 2305 pixels
      `3,${p((px) => ['256', ...px.slice(1)])},Training`, // 9 value > 255
      `3,${p((px) => ['-1', ...px.slice(1)])},Training`, // 10 negative
      `3,${p((px) => ['1.5', ...px.slice(1)])},Training`, // 11 not an integer
      `3,,Training`, // 12 no pixels
      `3,${good},Validation`, // 13 unknown usage
      `4,${good},Training`, // 14 good, but FER+ row says PublicTest
      `5,${good},PublicTest`, // 15 good, FER+ votes broken
      `6,${good},PublicTest`, // 16 good, FER+ file ended
    ];
    const fer = ['Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF'];
    for (let i = 0; i < 12; i++) fer.push('Training,x.png,0,10,0,0,0,0,0,0,0,0');
    fer.push('PublicTest,x.png,10,0,0,0,0,0,0,0,0,0'); // line 14 → mismatch with source line 14
    fer.push('PublicTest,x.png,1,two,0,0,0,0,0,0,0,0'); // line 15 → bad votes
    writeFileSync(join(dir, 'broken.csv'), lines.join('\n') + '\n');
    writeFileSync(join(dir, 'broken-new.csv'), fer.join('\n') + '\n');
    const { rows, issues } = await collect({ source: join(dir, 'broken.csv'), ferplus: join(dir, 'broken-new.csv') });
    expect(rows.map((r) => r.line)).toEqual([2]);
    expect(issues.map((i) => [i.file, i.line, i.kind])).toEqual([
      ['broken.csv', 3, 'field-count'],
      ['broken.csv', 4, 'field-count'],
      ['broken.csv', 5, 'unknown-emotion'],
      ['broken.csv', 6, 'unknown-emotion'],
      ['broken.csv', 7, 'pixel-count'],
      ['broken.csv', 8, 'pixel-count'],
      ['broken.csv', 9, 'pixel-value'],
      ['broken.csv', 10, 'pixel-value'],
      ['broken.csv', 11, 'pixel-value'],
      ['broken.csv', 12, 'pixel-count'],
      ['broken.csv', 13, 'unknown-usage'],
      ['broken-new.csv', 14, 'ferplus-mismatch'],
      ['broken-new.csv', 15, 'ferplus-votes'],
      ['broken.csv', 16, 'ferplus-missing'],
    ]);
    expect(issues[6]!.message).toBe('pixel 1 is 256: outside 0..255');
    expect(issues[4]!.message).toBe('expected 2304 pixels, got 2303');
    expect(issues[11]!.message).toMatch(/does not line up with broken.csv line 14/);
  });

  it('reports FER+ rows beyond the end of FER2013', async () => {
    const rows = syntheticRows(2);
    writeFileSync(join(dir, 'two.csv'), syntheticFer2013Csv(rows));
    writeFileSync(join(dir, 'three-new.csv'), syntheticFerPlusCsv([...rows, rows[0]!]));
    const { issues } = await collect({ source: join(dir, 'two.csv'), ferplus: join(dir, 'three-new.csv') });
    expect(issues.map((i) => [i.file, i.line, i.kind])).toEqual([['three-new.csv', 4, 'ferplus-extra']]);
  });

  it('fails at once on a file that is not FER2013', async () => {
    writeFileSync(join(dir, 'other.csv'), 'id,name,price\n1,apple,3\n');
    await expect(collect({ source: join(dir, 'other.csv') })).rejects.toThrow(NotFer2013Error);
    await expect(collect({ source: join(dir, 'other.csv') })).rejects.toThrow(/other\.csv is not a FER2013 CSV: its header is "id,name,price"/);
    writeFileSync(join(dir, 'garbage.csv'), 'emotion,pixels,Usage\n' + 'a,b,c\n'.repeat(30));
    await expect(collect({ source: join(dir, 'garbage.csv') })).rejects.toThrow(/first 20 rows are all invalid/);
    writeFileSync(join(dir, 'fer.csv'), syntheticFer2013Csv(syntheticRows(1)));
    writeFileSync(join(dir, 'notfer.csv'), 'a,b\n1,2\n');
    await expect(collect({ source: join(dir, 'fer.csv'), ferplus: join(dir, 'notfer.csv') })).rejects.toThrow(/is not a FER\+ votes file/);
  });
});

describe('ferPlusLabel', () => {
  it('takes the majority, drops not-a-face, unknown and ties', () => {
    expect(ferPlusLabel([6, 0, 1, 1, 0, 0, 0, 0, 2, 0])).toEqual({ ok: true, emotion: 'neutral', agreement: 0.6 });
    expect(ferPlusLabel([0, 0, 0, 0, 4, 0, 0, 0, 0, 0])).toMatchObject({ ok: true, emotion: 'angry', agreement: 1 });
    expect(ferPlusLabel([1, 0, 0, 0, 0, 0, 0, 0, 0, 9])).toMatchObject({ ok: false, reason: 'not-a-face' });
    expect(ferPlusLabel([1, 0, 0, 0, 0, 0, 0, 0, 9, 0])).toMatchObject({ ok: false, reason: 'unknown' });
    expect(ferPlusLabel([5, 5, 0, 0, 0, 0, 0, 0, 0, 0])).toMatchObject({ ok: false, reason: 'tie' });
  });
});
