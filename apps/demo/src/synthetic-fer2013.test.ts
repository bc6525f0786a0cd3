import { describe, expect, it } from 'vitest';
import { SYNTHETIC_EMOTIONS, syntheticFer2013Csv } from './synthetic-fer2013.js';

describe('syntheticFer2013Csv', () => {
  it('writes valid FER2013 rows, balanced over the demo classes, deterministically', () => {
    const csv = syntheticFer2013Csv(40, 7);
    const [header, ...rows] = csv.trimEnd().split('\n');
    expect(header).toBe('emotion,pixels,Usage');
    expect(rows).toHaveLength(40);
    const counts = new Map<number, number>();
    const publicTest = new Set<number>();
    for (const row of rows) {
      const [emotion, pixels, usage] = row.split(',');
      const values = pixels!.split(' ').map(Number);
      expect(values).toHaveLength(2304);
      expect(values.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)).toBe(true);
      expect(['Training', 'PublicTest']).toContain(usage);
      counts.set(Number(emotion), (counts.get(Number(emotion)) ?? 0) + 1);
      if (usage === 'PublicTest') publicTest.add(Number(emotion));
    }
    expect(publicTest.size).toBe(SYNTHETIC_EMOTIONS.length);
    expect([...counts.keys()].sort()).toEqual(SYNTHETIC_EMOTIONS.map((e) => e.code).sort());
    expect(syntheticFer2013Csv(40, 7)).toBe(csv);
    expect(syntheticFer2013Csv(40, 8)).not.toBe(csv);
  });

  it('draws classes that differ where the expression is (mouth region)', () => {
    const rows = syntheticFer2013Csv(8, 1).trimEnd().split('\n').slice(1);
    const mouth = (row: string) =>
      row
        .split(',')[1]!
        .split(' ')
        .map(Number)
        .slice(30 * 48, 40 * 48);
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    // surprise (open mouth, dark) is darker around the mouth than neutral (a thin line)
    expect(mean(mouth(rows[2]!))).toBeLessThan(mean(mouth(rows[3]!)) - 3);
  });
});
