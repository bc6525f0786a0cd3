import type { Manifest } from '@fermx/data';

/** Counts per split and class as a small table, for people. */
export function formatCounts(manifest: Manifest): string {
  const splits = Object.entries(manifest.splits);
  const head = ['class', ...splits.map(([s]) => s)];
  const rows = manifest.classes.map((c) => [c, ...splits.map(([, info]) => String(info?.perClass[c] ?? 0))]);
  rows.push(['total', ...splits.map(([, info]) => String(info?.count ?? 0))]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}

export function formatFilters(manifest: Manifest): string {
  const r = manifest.rows;
  const invalid = Object.values(r.invalid).reduce((a, b) => a + (b ?? 0), 0);
  const parts = [
    `rows read ${r.read}`,
    `invalid ${invalid}`,
    `unlabelled ${Object.values(r.unlabelled).reduce((a, b) => a + b, 0)}`,
    `other classes ${r.otherClasses}`,
    ...Object.entries(r.filtered).map(([k, v]) => `${k} ${v}`),
    `capped ${Object.values(r.capped).reduce((a, b) => a + b, 0)}`,
    ...(r.overCapTrained ? [`over a cap, in train ${Object.values(r.overCapTrained).reduce((a, b) => a + b, 0)}`] : []),
    ...(r.heldOut ? [`held out ${r.heldOut}`] : []),
    ...(r.duplicates !== undefined ? [`duplicates ${r.duplicates}`] : []),
    `selected ${r.selected}`,
  ];
  return parts.join(', ') + '\n';
}
