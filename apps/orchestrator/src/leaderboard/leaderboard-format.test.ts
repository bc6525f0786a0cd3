import { describe, expect, it } from 'vitest';
import { leaderboardRow } from '@fermx/contracts';
import { exampleTrialResult } from '@fermx/contracts/testing';
import { formatParams, leaderboardCsv, leaderboardTable } from './leaderboard-format.js';

describe('leaderboard formats', () => {
  const rows = [leaderboardRow(exampleTrialResult({ valAccuracy: 0.8895, sweepName: 'has,comma' }), 1)];

  it('CSV quotes fields with commas and quotes', () => {
    const csv = leaderboardCsv(rows);
    const [header, line] = csv.trimEnd().split('\n');
    expect(header!.split(',')[0]).toBe('rank');
    expect(line).toContain('"has,comma"');
    expect(line).toContain('"{""dropout"":0.5');
    expect(line).toContain(',0.8895,');
  });

  it('table shows percentages and short params', () => {
    const table = leaderboardTable(rows);
    expect(table).toContain('88.95%');
    expect(table).toContain('dropout=0.5 repeats=3 bs=64 lr=0.001 epochs=100 seed=0 aug=on');
    expect(leaderboardTable([])).toBe('No results yet.\n');
  });

  it('formatParams orders known knobs first', () => {
    expect(formatParams({ seed: 1, dropout: 0.1, augmentation: 'none' })).toBe('dropout=0.1 seed=1 aug=none');
  });
});
