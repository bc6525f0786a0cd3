// DOM construction without innerHTML: every value from the API lands as text, never as markup.
const SVG_NS = 'http://www.w3.org/2000/svg';

/** h('a', { href, class: 'x', onclick }, 'text', child) -> HTMLElement */
export function h(tag, attrs = {}, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

/** A page section with its heading: panel('curves-h', 'Training curves', chart) -> <section aria-labelledby><h2 id>. */
export function panel(headingId, title, ...children) {
  return h('section', { class: 'panel', 'aria-labelledby': headingId }, h('h2', { id: headingId }, title), ...children);
}

/** Same as h() for SVG elements. */
export function s(tag, attrs = {}, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

function fill(el, attrs, children) {
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'value' && 'value' in el) el.value = value;
    else if (key === 'checked' && 'checked' in el) el.checked = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces an element's children. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function pct(x, digits = 2) {
  return typeof x === 'number' && Number.isFinite(x) ? `${(x * 100).toFixed(digits)} %` : '–';
}

export function num(x, digits = 0) {
  if (typeof x !== 'number' || !Number.isFinite(x)) return '–';
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Compact numbers for hyperparameters: 0.001 -> 1e-3, 64 -> 64, 0.25 -> 0.25. */
export function compact(x) {
  if (typeof x !== 'number') return x === undefined || x === null ? '–' : String(x);
  if (x !== 0 && (Math.abs(x) < 0.01 || Math.abs(x) >= 1e6)) return x.toExponential(1).replace('.0e', 'e').replace('e+', 'e');
  return String(Number(x.toPrecision(4)));
}

export function seconds(x) {
  if (typeof x !== 'number' || !Number.isFinite(x)) return '–';
  if (x < 60) return `${x.toFixed(x < 10 ? 2 : 1)} s`;
  const m = Math.floor(x / 60);
  if (m < 60) return `${m} min ${Math.round(x % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** ISO timestamp -> "2026-11-23 01:43 UTC" (stable across locales). */
export function when(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function shortId(id) {
  return typeof id === 'string' && id.length > 12 ? `${id.slice(0, 10)}…` : (id ?? '–');
}
