// Small hand-written SVG charts. No chart library: the page ships without a bundler or network
// access, and these four charts need ~300 lines, not a dependency.
import { h, s, compact, pct } from './dom.js';

/** Round tick values covering [min, max]. */
export function ticks(min, max, count = 5) {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((st) => raw <= st) ?? 10 * mag;
  const out = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/**
 * A chart's numbers as a collapsible table, for screen readers and copying: the header cells (null
 * leaves a corner cell empty), then rows whose first cell names the row.
 */
export function dataTable(header, rows, caption) {
  return h(
    'details',
    { class: 'chart-data' },
    h('summary', {}, 'Data table'),
    h(
      'table',
      {},
      caption ? h('caption', {}, caption) : null,
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          header.map((t) => (t === null ? h('td', {}) : h('th', { scope: 'col' }, t))),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((r) =>
          h(
            'tr',
            {},
            r.map((c, i) => (i ? h('td', {}, c) : h('th', { scope: 'row' }, c))),
          ),
        ),
      ),
    ),
  );
}

function linear(d0, d1, r0, r1) {
  const span = d1 - d0 || 1;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

const VIRIDIS = ['#440154', '#414487', '#2a788e', '#22a884', '#7ad151', '#fde725'];

/** t in [0,1] -> a colour along a perceptually ordered, colour-blind-safe scale. */
export function metricColour(t) {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  return mix(VIRIDIS[i], VIRIDIS[i + 1], x - i);
}

function mix(a, b, t) {
  const pa = [1, 3, 5].map((k) => parseInt(a.slice(k, k + 2), 16));
  const pb = [1, 3, 5].map((k) => parseInt(b.slice(k, k + 2), 16));
  return `#${pa
    .map((v, k) =>
      Math.round(v + (pb[k] - v) * t)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

/**
 * Line chart. series: [{ name, points: [{ x, y }], dashed? }]. Returns a <figure> with the SVG,
 * a legend and the numbers as a table (for screen readers and copying).
 * @param {{ title: string, series: { name: string, points: { x: number, y: number }[], dashed?: boolean }[], xLabel?: string,
 *   yFormat?: (v: any) => string, yDomain?: [number, number], width?: number, height?: number, id?: string }} options
 */
export function lineChart({ title, series, xLabel, yFormat = compact, yDomain, width = 460, height = 240, id }) {
  const m = { top: 12, right: 14, bottom: 40, left: 56 };
  const all = series.flatMap((se) => se.points).filter((p) => Number.isFinite(p.y));
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  const xMin = Math.min(...xs, 1);
  const xMax = Math.max(...xs, 2);
  let [yMin, yMax] = yDomain ?? [Math.min(...ys), Math.max(...ys)];
  if (!yDomain) {
    const pad = (yMax - yMin) * 0.08 || Math.abs(yMax) * 0.1 || 1;
    yMin -= pad;
    yMax += pad;
  }
  const x = linear(xMin, xMax, m.left, width - m.right);
  const y = linear(yMin, yMax, height - m.bottom, m.top);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart line-chart', role: 'img', 'aria-labelledby': id ? `${id}-title` : undefined });
  svg.append(s('title', { id: id ? `${id}-title` : undefined }, `${title}: ${series.map((se) => se.name).join(', ')} per ${xLabel}`));
  for (const t of ticks(yMin, yMax, 4)) {
    svg.append(s('line', { class: 'grid', x1: m.left, x2: width - m.right, y1: y(t), y2: y(t) }));
    svg.append(s('text', { class: 'tick', x: m.left - 6, y: y(t) + 4, 'text-anchor': 'end' }, yFormat(t)));
  }
  const xTicks = ticks(xMin, xMax, Math.min(8, xMax - xMin)).filter((t) => Number.isInteger(t));
  for (const t of xTicks) svg.append(s('text', { class: 'tick', x: x(t), y: height - m.bottom + 16, 'text-anchor': 'middle' }, String(t)));
  svg.append(s('line', { class: 'axis', x1: m.left, x2: width - m.right, y1: height - m.bottom, y2: height - m.bottom }));
  svg.append(s('line', { class: 'axis', x1: m.left, x2: m.left, y1: m.top, y2: height - m.bottom }));
  svg.append(s('text', { class: 'axis-label', x: (m.left + width - m.right) / 2, y: height - 6, 'text-anchor': 'middle' }, xLabel));
  series.forEach((se, i) => {
    const pts = se.points.filter((p) => Number.isFinite(p.y));
    if (pts.length === 0) return;
    const d = pts.map((p, k) => `${k ? 'L' : 'M'}${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join('');
    svg.append(s('path', { class: `series series-${i}${se.dashed ? ' dashed' : ''}`, d, 'data-series': se.name }));
    for (const p of pts) {
      svg.append(s('circle', { class: `dot series-${i}`, cx: x(p.x), cy: y(p.y), r: 2.6 }, s('title', {}, `${se.name}, ${xLabel} ${p.x}: ${yFormat(p.y)}`)));
    }
  });
  const legend = h(
    'ul',
    { class: 'legend' },
    series.map((se, i) => h('li', {}, h('span', { class: `swatch series-${i}${se.dashed ? ' dashed' : ''}`, 'aria-hidden': 'true' }), se.name)),
  );
  const xsAll = [...new Set(all.map((p) => p.x))].sort((a, b) => a - b);
  const table = dataTable(
    [xLabel, ...series.map((se) => se.name)],
    xsAll.map((xv) => [String(xv), ...series.map((se) => yFormat(se.points.find((p) => p.x === xv)?.y))]),
  );
  return h('figure', { class: 'chart-figure', id }, h('figcaption', {}, title), svg, legend, table);
}

/**
 * Confusion matrix heat map: rows = true class, columns = predicted. Cells are shaded by the
 * row-normalised share (recall), so classes of different sizes compare fairly.
 */
export function confusionHeatmap({ matrix, classes, id }) {
  const n = classes.length;
  const cell = n <= 5 ? 64 : n <= 8 ? 52 : 36;
  const left = 96;
  const top = 28;
  const width = left + n * cell + 8;
  const height = top + n * cell + 44;
  const total = matrix.flat().reduce((a, b) => a + b, 0);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width, class: 'chart heatmap', role: 'img', 'aria-labelledby': `${id}-title` });
  svg.append(s('title', { id: `${id}-title` }, `Confusion matrix of ${n} classes over ${total} images; rows are true classes, columns predicted.`));
  classes.forEach((name, j) => {
    svg.append(s('text', { class: 'tick', x: left + j * cell + cell / 2, y: top - 8, 'text-anchor': 'middle' }, name));
  });
  matrix.forEach((row, i) => {
    const rowTotal = row.reduce((a, b) => a + b, 0) || 1;
    svg.append(s('text', { class: 'tick', x: left - 8, y: top + i * cell + cell / 2 + 4, 'text-anchor': 'end' }, classes[i] ?? `#${i}`));
    row.forEach((count, j) => {
      const share = count / rowTotal;
      const fill = mix('#f4f7fb', i === j ? '#1f5fa8' : '#b8412c', Math.sqrt(share));
      const g = s('g', { class: `cell${i === j ? ' diagonal' : ''}`, 'data-row': i, 'data-col': j });
      g.append(s('rect', { x: left + j * cell, y: top + i * cell, width: cell - 2, height: cell - 2, rx: 3, fill }));
      const dark = share > 0.45;
      g.append(
        s(
          'text',
          { class: `count${dark ? ' on-dark' : ''}`, x: left + j * cell + cell / 2 - 1, y: top + i * cell + cell / 2, 'text-anchor': 'middle' },
          String(count),
        ),
      );
      if (cell >= 50) {
        g.append(
          s(
            'text',
            { class: `share${dark ? ' on-dark' : ''}`, x: left + j * cell + cell / 2 - 1, y: top + i * cell + cell / 2 + 14, 'text-anchor': 'middle' },
            `${Math.round(share * 100)}%`,
          ),
        );
      }
      g.append(s('title', {}, `true ${classes[i]}, predicted ${classes[j]}: ${count} (${(share * 100).toFixed(1)} % of ${classes[i]})`));
      svg.append(g);
    });
  });
  svg.append(s('text', { class: 'axis-label', x: left + (n * cell) / 2, y: height - 10, 'text-anchor': 'middle' }, 'predicted class'));
  svg.append(
    s(
      'text',
      { class: 'axis-label', x: 12, y: top + (n * cell) / 2, transform: `rotate(-90 12 ${top + (n * cell) / 2})`, 'text-anchor': 'middle' },
      'true class',
    ),
  );
  const table = dataTable(
    [null, ...classes],
    matrix.map((row, i) => [classes[i], ...row.map((v) => String(v))]),
    'Rows: true class. Columns: predicted class.',
  );
  return h('figure', { class: 'chart-figure', id }, h('figcaption', {}, 'Confusion matrix (validation)'), svg, table);
}

/** Horizontal bars, one per class, value in [0,1]. */
export function classBars({ values, classes, id }) {
  const row = 26;
  const left = 96;
  const width = 360;
  const barMax = width - left - 64;
  const height = classes.length * row + 8;
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart bars', role: 'img', 'aria-labelledby': `${id}-title` });
  svg.append(s('title', { id: `${id}-title` }, `Per-class accuracy: ${classes.map((c, i) => `${c} ${pct(values[i], 1)}`).join(', ')}`));
  classes.forEach((name, i) => {
    const v = values[i] ?? 0;
    const yy = 4 + i * row;
    svg.append(s('text', { class: 'tick', x: left - 8, y: yy + 15, 'text-anchor': 'end' }, name));
    svg.append(s('rect', { class: 'bar-bg', x: left, y: yy + 3, width: barMax, height: row - 10, rx: 3 }));
    svg.append(s('rect', { class: 'bar', x: left, y: yy + 3, width: Math.max(0, v) * barMax, height: row - 10, rx: 3 }));
    svg.append(s('text', { class: 'value', x: left + barMax + 6, y: yy + 15 }, pct(v, 1)));
  });
  return h('figure', { class: 'chart-figure', id }, h('figcaption', {}, 'Per-class accuracy'), svg);
}

/**
 * Parallel coordinates: one vertical axis per hyperparameter plus the metric; one polyline per
 * trial, coloured by the metric. dimensions: [{ key, label, kind: 'linear'|'log'|'category',
 * categories? }]; rows: [{ id, label, values: { [key]: value }, metric }].
 */
export function parallelCoordinates({ dimensions, rows, metricLabel, id, onPick, height = 300 }) {
  const m = { top: 30, right: 60, bottom: 20, left: 96 };
  const width = Math.max(520, Math.min(1200, 130 * (dimensions.length + 1)));
  const axes = [...dimensions, { key: '__metric', label: metricLabel, kind: 'linear' }];
  const step = (width - m.left - m.right) / Math.max(1, axes.length - 1);
  const metricValues = rows.map((r) => r.metric).filter(Number.isFinite);
  const mMin = Math.min(...metricValues);
  const mMax = Math.max(...metricValues);
  const scales = axes.map((axis) => {
    const vals = rows.map((r) => (axis.key === '__metric' ? r.metric : r.values[axis.key]));
    if (axis.kind === 'category') {
      const cats = axis.categories ?? [...new Set(vals.filter((v) => v !== undefined).map(String))].sort();
      const pos = (v) => m.top + ((cats.indexOf(String(v)) + 0.5) / cats.length) * (height - m.top - m.bottom);
      return { pos: (v) => (cats.includes(String(v)) ? height - pos(v) : undefined), labels: cats.map((c) => ({ v: c, text: c })) };
    }
    const nums = vals.filter((v) => typeof v === 'number' && Number.isFinite(v));
    const log = axis.kind === 'log' && nums.every((v) => v > 0);
    const tf = log ? Math.log10 : (v) => v;
    let lo = Math.min(...nums.map(tf));
    let hi = Math.max(...nums.map(tf));
    if (lo === hi) {
      lo -= 0.5;
      hi += 0.5;
    }
    const sc = linear(lo, hi, height - m.bottom, m.top);
    // Few distinct values (a grid or choice): label exactly those.
    const distinct = [...new Set(nums)].sort((a, b) => a - b);
    const tickVals = axis.key !== '__metric' && (log || distinct.length <= 6) ? distinct.slice(0, 8) : ticks(lo, hi, 4).map((v) => (log ? 10 ** v : v));
    return {
      pos: (v) => (typeof v === 'number' && Number.isFinite(v) ? sc(tf(v)) : undefined),
      labels: tickVals.map((v) => ({ v, text: axis.key === '__metric' ? pct(v, 1) : compact(v), y: sc(tf(v)) })),
    };
  });
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width, class: 'chart parallel', role: 'img', 'aria-labelledby': `${id}-title` });
  svg.append(s('title', { id: `${id}-title` }, `Parallel coordinates of ${rows.length} trials: ${axes.map((a) => a.label).join(', ')}`));
  const lines = s('g', { class: 'lines' });
  svg.append(lines);
  const ordered = [...rows].sort((a, b) => (a.metric ?? -1) - (b.metric ?? -1)); // best drawn last, on top
  for (const r of ordered) {
    const pts = axes
      .map((axis, k) => [m.left + k * step, scales[k].pos(axis.key === '__metric' ? r.metric : r.values[axis.key])])
      .filter(([, yy]) => yy !== undefined);
    if (pts.length < 2) continue;
    const t = Number.isFinite(r.metric) && mMax > mMin ? (r.metric - mMin) / (mMax - mMin) : Number.isFinite(r.metric) ? 1 : NaN;
    const path = s('path', {
      class: `trial-line${Number.isFinite(r.metric) ? '' : ' pending'}`,
      d: pts.map(([xx, yy], k) => `${k ? 'L' : 'M'}${xx.toFixed(1)},${yy.toFixed(1)}`).join(''),
      stroke: Number.isFinite(r.metric) ? metricColour(t) : undefined,
      'data-trial': r.id,
    });
    path.append(s('title', {}, `${r.label}: ${Number.isFinite(r.metric) ? pct(r.metric) : 'no result yet'}`));
    if (onPick) path.addEventListener('click', () => onPick(r.id));
    lines.append(path);
  }
  axes.forEach((axis, k) => {
    const xx = m.left + k * step;
    const g = s('g', { class: 'pc-axis' });
    g.append(s('line', { class: 'axis', x1: xx, x2: xx, y1: m.top, y2: height - m.bottom }));
    g.append(s('text', { class: 'axis-label', x: xx, y: m.top - 12, 'text-anchor': 'middle' }, axis.label));
    for (const lab of scales[k].labels) {
      const yy = lab.y ?? scales[k].pos(lab.v);
      if (yy === undefined) continue;
      g.append(s('line', { class: 'axis', x1: xx - 4, x2: xx, y1: yy, y2: yy }));
      g.append(s('text', { class: 'tick halo', x: xx - 7, y: yy + 4, 'text-anchor': 'end' }, lab.text));
    }
    svg.append(g);
  });
  return h(
    'figure',
    { class: 'chart-figure wide', id },
    h(
      'figcaption',
      {},
      `One line per trial, coloured by ${metricLabel} (brighter is better; grey dashed: no result yet). Click a line to add the trial to the comparison.`,
    ),
    svg,
  );
}
