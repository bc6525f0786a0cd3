// Charts of the sweep analysis: scatter (slices, Pareto front) and horizontal bars (importance),
// drawn like lib/charts.js, each with a data table for screen readers and copying.
import { dataTable, ticks } from '../lib/charts.js';
import { h, s, compact } from '../lib/dom.js';

/**
 * Scatter plot. points: [{ x, y, label, highlight? }]; xScale 'linear' | 'log' | 'categorical'.
 * `front: true` joins the highlighted points (a Pareto front) in x order.
 */
export function scatterChart({
  id,
  title,
  points,
  xLabel,
  yLabel,
  xScale = 'linear',
  xFormat = compact,
  yFormat = compact,
  front = false,
  width = 460,
  height = 260,
}) {
  const m = { top: 12, right: 14, bottom: 42, left: 60 };
  const cats = xScale === 'categorical' ? [...new Set(points.map((p) => String(p.x)))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })) : [];
  const fx = (v) => (xScale === 'categorical' ? cats.indexOf(String(v)) : xScale === 'log' ? Math.log10(v) : v);
  const usable = points.filter((p) => Number.isFinite(p.y) && (xScale === 'categorical' || (Number.isFinite(p.x) && (xScale !== 'log' || p.x > 0))));
  const xs = usable.map((p) => fx(p.x));
  const ys = usable.map((p) => p.y);
  let [x0, x1] = xScale === 'categorical' ? [-0.5, cats.length - 0.5] : [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1];
  const pad = (y1 - y0) * 0.08 || Math.abs(y1) * 0.05 || 1;
  [y0, y1] = [y0 - pad, y1 + pad];
  const X = (v) => m.left + ((fx(v) - x0) / (x1 - x0)) * (width - m.left - m.right);
  const Y = (v) => height - m.bottom - ((v - y0) / (y1 - y0)) * (height - m.top - m.bottom);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart scatter', role: 'img', 'aria-labelledby': `${id}-title` });
  svg.append(s('title', { id: `${id}-title` }, `${title}: ${usable.length} trials, ${yLabel} against ${xLabel}`));
  for (const t of ticks(y0, y1, 4)) {
    svg.append(s('line', { class: 'grid', x1: m.left, x2: width - m.right, y1: Y(t), y2: Y(t) }));
    svg.append(s('text', { class: 'tick', x: m.left - 6, y: Y(t) + 4, 'text-anchor': 'end' }, yFormat(t)));
  }
  const xTicks = xScale === 'categorical' ? cats : xScale === 'log' ? ticks(x0, x1, 4).map((v) => 10 ** v) : ticks(x0, x1, 5);
  for (const t of xTicks)
    svg.append(s('text', { class: 'tick', x: X(t), y: height - m.bottom + 16, 'text-anchor': 'middle' }, xScale === 'categorical' ? t : xFormat(t)));
  svg.append(s('line', { class: 'axis', x1: m.left, x2: width - m.right, y1: height - m.bottom, y2: height - m.bottom }));
  svg.append(s('line', { class: 'axis', x1: m.left, x2: m.left, y1: m.top, y2: height - m.bottom }));
  svg.append(s('text', { class: 'axis-label', x: (m.left + width - m.right) / 2, y: height - 6, 'text-anchor': 'middle' }, xLabel));
  if (front) {
    const pts = usable.filter((p) => p.highlight).sort((a, b) => fx(a.x) - fx(b.x));
    if (pts.length > 1)
      svg.append(
        s('path', { class: 'series series-1 pareto-front', d: pts.map((p, k) => `${k ? 'L' : 'M'}${X(p.x).toFixed(1)},${Y(p.y).toFixed(1)}`).join('') }),
      );
  }
  for (const p of usable) {
    svg.append(
      s(
        'circle',
        { class: `dot ${p.highlight ? 'series-1 highlight' : 'series-0'}`, cx: X(p.x), cy: Y(p.y), r: p.highlight ? 4.5 : 3, 'data-trial': p.label },
        s(
          'title',
          {},
          `${p.label}: ${xLabel} ${xScale === 'categorical' ? p.x : xFormat(p.x)}, ${yLabel} ${yFormat(p.y)}${p.highlight ? ' (highlighted)' : ''}`,
        ),
      ),
    );
  }
  const table = dataTable(
    ['trial', xLabel, yLabel, ...(points.some((p) => p.highlight) ? [front ? 'on the front' : 'highlighted'] : [])],
    usable.map((p) => [
      p.label,
      xScale === 'categorical' ? String(p.x) : xFormat(p.x),
      yFormat(p.y),
      ...(points.some((q) => q.highlight) ? [p.highlight ? 'yes' : 'no'] : []),
    ]),
  );
  return h('figure', { class: 'chart-figure', id }, h('figcaption', {}, title), svg, table);
}

/** Horizontal bars of values in [0, 1] (importances), labelled by name. */
export function barChart({ id, title, bars, format = (v) => `${(v * 100).toFixed(1)} %` }) {
  const row = 26;
  const left = 130;
  const width = 420;
  const barMax = width - left - 64;
  const height = bars.length * row + 8;
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart bars', role: 'img', 'aria-labelledby': `${id}-title` });
  svg.append(s('title', { id: `${id}-title` }, `${title}: ${bars.map((b) => `${b.label} ${format(b.value)}`).join(', ')}`));
  bars.forEach((b, i) => {
    const yy = 4 + i * row;
    svg.append(s('text', { class: 'tick', x: left - 8, y: yy + 15, 'text-anchor': 'end' }, b.label));
    svg.append(s('rect', { class: 'bar-bg', x: left, y: yy + 3, width: barMax, height: row - 10, rx: 3 }));
    svg.append(s('rect', { class: 'bar', x: left, y: yy + 3, width: Math.max(0, Math.min(1, b.value)) * barMax, height: row - 10, rx: 3 }));
    svg.append(s('text', { class: 'value', x: left + barMax + 6, y: yy + 15 }, format(b.value)));
  });
  return h(
    'figure',
    { class: 'chart-figure', id },
    h('figcaption', {}, title),
    svg,
    dataTable(
      ['parameter', 'importance'],
      bars.map((b) => [b.label, format(b.value)]),
    ),
  );
}
