import { terminalCell, terminalText } from '@fermx/cli';

/**
 * A plain aligned text table: header row, a rule, then rows. Numbers align right. Cells hold
 * text from sweeps, datasets and workers, so control characters are shown escaped (terminalCell).
 */
export function formatTable(header: string[], rows: (string | number)[][]): string {
  const cells = rows.map((row) => row.map((c) => terminalCell(String(c))));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((row) => typeof row[i] === 'number' || /^-?[\d.]+%?$|^—$/.test(String(row[i]))));
  const line = (row: string[]) =>
    row
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n') + '\n';
}

/** A text cell a spreadsheet would run as a formula (or DDE command) when the CSV is opened. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * RFC 4180 CSV: quotes fields holding a comma, quote or newline. Text cells that start like a
 * formula (= + - @ tab CR) get a leading ' so spreadsheets show them as text (CSV injection);
 * numbers are written as numbers, so negative values stay numeric. Other control characters
 * (ESC sequences) are escaped as in tables: the CSV may well be read on a terminal.
 */
export function formatCsv(header: string[], rows: (string | number | null)[][]): string {
  const field = (v: string | number | null) => {
    let s = v === null ? '' : String(v);
    if (typeof v === 'string') s = terminalText(FORMULA_START.test(s) ? `'${s}` : s);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header, ...rows].map((row) => row.map(field).join(',')).join('\n') + '\n';
}

export function percent(x: number | null | undefined, digits = 2): string {
  return x === null || x === undefined ? '—' : `${(x * 100).toFixed(digits)}%`;
}
