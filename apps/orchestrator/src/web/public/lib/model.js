// Pure helpers over API payloads: labels, parameter names, filtering and sorting of rows.

/** Short human names of searched hyperparameters; unknown keys show as they are. */
export const PARAM_LABELS = {
  architecture: 'Model',
  learningRate: 'LR',
  batchSize: 'Batch',
  dropout: 'Dropout',
  middleFlowRepeats: 'MF reps',
  width: 'Width',
  epochs: 'Epochs',
  seed: 'Seed',
  augmentation: 'Augment',
};

/** A searched value as a table shows and sorts it: augmentation settings collapse to 'on'. */
export function paramValue(v) {
  if (v === false || v === 'none') return 'off';
  // A list (teachers) reads as its items.
  if (Array.isArray(v)) return v.join(', ');
  if (v && typeof v === 'object') return 'on';
  return v;
}

export function paramLabel(key) {
  return PARAM_LABELS[key] ?? key;
}

/** Dataset as a row carries it: a URI string or { uri, version }. */
export function datasetLabel(d) {
  if (!d) return '–';
  if (typeof d === 'string') return shortUri(d);
  return d.version ? `${shortUri(d.uri)} @ ${String(d.version).slice(0, 8)}` : shortUri(d.uri);
}

export function datasetKey(d) {
  if (!d) return '';
  return typeof d === 'string' ? d : `${d.uri}@${d.version ?? ''}`;
}

function shortUri(uri) {
  if (typeof uri !== 'string') return '–';
  const parts = uri.replace(/\/+$/, '').split('/');
  return parts.length > 2 ? parts.slice(-2).join('/') : uri;
}

export function modelName(m) {
  return typeof m === 'string' ? m : (m?.architecture ?? '–');
}

/** Parameter keys present in any row, in a stable, meaningful order. */
export function paramKeys(rows) {
  const order = Object.keys(PARAM_LABELS);
  const keys = new Set();
  for (const r of rows) for (const k of Object.keys(r.params ?? {})) keys.add(k);
  return [...keys].sort((a, b) => rank(order, a) - rank(order, b) || a.localeCompare(b));
}

function rank(order, k) {
  const i = order.indexOf(k);
  return i === -1 ? order.length : i;
}

/** Keys whose value is the same in every row (and set in all): a column of them says nothing. */
export function constantKeys(rows, keys, get) {
  if (rows.length < 2) return [];
  return keys.filter((k) => {
    const values = new Set(rows.map((r) => JSON.stringify(get(r, k) ?? null)));
    return values.size === 1 && !values.has('null');
  });
}

/** Keeps rows matching every set filter and the free-text search. */
export function filterRows(rows, { dataset, sweep, model, status, q }) {
  const needle = (q ?? '').trim().toLowerCase();
  return rows.filter(
    (r) =>
      (!dataset || datasetKey(r.dataset) === dataset) &&
      (!sweep || r.sweepId === sweep) &&
      (!model || modelName(r.model) === model) &&
      (!status || r.status === status) &&
      (!needle || searchText(r).includes(needle)),
  );
}

function searchText(r) {
  return [r.trialId, r.sweepId, r.sweepName, datasetKey(r.dataset), modelName(r.model), r.backend, r.host, r.status, JSON.stringify(r.params ?? {})]
    .join(' ')
    .toLowerCase();
}

/** Stable sort by a column accessor; missing values always sort last. */
export function sortRows(rows, get, direction) {
  const sign = direction === 'ascending' ? 1 : -1;
  return rows
    .map((r, i) => ({ r, i, v: get(r) }))
    .sort((a, b) => {
      const am = a.v === undefined || a.v === null || Number.isNaN(a.v);
      const bm = b.v === undefined || b.v === null || Number.isNaN(b.v);
      if (am || bm) return am === bm ? a.i - b.i : am ? 1 : -1;
      const c = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : String(a.v).localeCompare(String(b.v), 'en', { numeric: true });
      return c * sign || a.i - b.i;
    })
    .map((x) => x.r);
}

/** Hash route: '#/trial/t-1?x=1' -> { view: 'trial', id: 't-1', query: URLSearchParams }. */
export function parseRoute(hash) {
  const raw = (hash ?? '').replace(/^#/, '');
  const [path, qs] = raw.split('?', 2);
  const parts = (path ?? '').split('/').filter(Boolean).map(decodeURIComponent);
  const query = new URLSearchParams(qs ?? '');
  if (parts[0] === 'trial' && parts[1]) return { view: 'trial', id: parts[1], query };
  if (parts[0] === 'sweep' && parts[1]) return { view: 'sweep', id: parts[1], query };
  if (parts[0] === 'try') return { view: 'try', id: parts.slice(1).join('/'), query };
  return { view: 'leaderboard', query };
}

export function trialHref(id) {
  return `#/trial/${encodeURIComponent(id)}`;
}

export function sweepHref(id) {
  return `#/sweep/${encodeURIComponent(id)}`;
}
