// Home view: sweeps, running trials (live), and the sortable, filterable leaderboard.
import { api } from '../lib/api.js';
import { h, panel, replace, pct, num, when, compact, shortId } from '../lib/dom.js';
import {
  constantKeys,
  datasetKey,
  datasetLabel,
  filterRows,
  modelName,
  paramKeys,
  paramLabel,
  paramValue,
  sortRows,
  sweepHref,
  trialHref,
} from '../lib/model.js';
import { csvText, download } from '../lib/export.js';
import { LEADERBOARD_CSV_HEADER, leaderboardCsvCells } from '../lib/leaderboard-csv.js';
import { timeLeftText } from '../lib/progress.js';
import { repeatsTable } from './leaderboard-noise.js';
import { baseColumns } from './leaderboard-columns.js';

const FILTERS = ['dataset', 'sweep', 'model', 'status'];

export function leaderboardView(root, route, ctx) {
  const state = {
    /** @type {any[]} */
    rows: [],
    /** @type {any[]} */
    sweeps: [],
    running: new Map(), // trialId -> { trialId, sweepId, progress }
    /** @type {any[]} */
    workers: [],
    sort: {
      column: route.query.get('sort') ?? 'valAccuracy',
      direction: /** @type {'ascending' | 'descending'} */ (route.query.get('dir') === 'ascending' ? 'ascending' : 'descending'),
    },
    filters: Object.fromEntries([...FILTERS, 'q'].map((f) => [f, route.query.get(f) ?? ''])),
  };

  const sweepsBody = h('tbody');
  const runningList = h('ul', { class: 'running-list', 'aria-live': 'off' });
  const workersLine = h('p', { class: 'workers muted', id: 'workers' });
  const runningSection = panel('running-h', 'Running trials', runningList, workersLine);
  const selects = Object.fromEntries(FILTERS.map((f) => [f, h('select', { id: `filter-${f}`, name: f, onchange: (e) => setFilter(f, e.target.value) })]));
  const search = h('input', {
    id: 'filter-q',
    type: 'search',
    name: 'q',
    placeholder: 'trial id, host, backend…',
    value: state.filters.q,
    oninput: (e) => setFilter('q', e.target.value),
  });
  const countLine = h('p', { class: 'count', id: 'leaderboard-count' });
  const fixedNote = h('p', { class: 'fixed-note', id: 'leaderboard-fixed', hidden: true });
  const table = h('table', { class: 'data leaderboard', id: 'leaderboard', 'aria-describedby': 'leaderboard-count' });
  const emptyNote = h('p', { class: 'empty', hidden: true });
  const repeatsBox = h('div', { id: 'repeats', hidden: true });
  const aggregateBox = h('input', { type: 'checkbox', id: 'aggregate-repeats', onchange: () => void renderRepeats() });
  const exportBar = h(
    'div',
    { class: 'actions', id: 'export' },
    h('button', { type: 'button', class: 'secondary', id: 'download-csv', onclick: () => exportShown('csv') }, 'Download CSV'),
    h('button', { type: 'button', class: 'secondary', id: 'download-json', onclick: () => exportShown('json') }, 'Download JSON'),
    h('label', { for: 'aggregate-repeats' }, aggregateBox, ' Join seed replicates (mean ± sd)'),
  );
  let shownRows = [];

  replace(
    root,
    h('h1', { tabindex: '-1' }, 'Leaderboard'),
    panel(
      'sweeps-h',
      'Sweeps',
      h(
        'div',
        { class: 'scroll' },
        h(
          'table',
          { class: 'data sweeps', id: 'sweeps' },
          h('caption', { class: 'visually-hidden' }, 'Sweeps and their trial counts'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Sweep', 'Dataset', 'Created', 'Progress', 'Trials', 'Best val acc'].map((t) =>
                h('th', { scope: 'col', class: t === 'Best val acc' ? 'num' : undefined }, t),
              ),
            ),
          ),
          sweepsBody,
        ),
      ),
    ),
    runningSection,
    panel(
      'results-h',
      'Results',
      h(
        'form',
        { class: 'filters', role: 'search', 'aria-label': 'Filter results', onsubmit: (e) => e.preventDefault() },
        ...FILTERS.map((f) => h('div', { class: 'field' }, h('label', { for: `filter-${f}` }, f[0].toUpperCase() + f.slice(1)), selects[f])),
        h('div', { class: 'field grow' }, h('label', { for: 'filter-q' }, 'Search'), search),
        h('button', { type: 'reset', class: 'secondary', onclick: resetFilters }, 'Clear filters'),
      ),
      fixedNote,
      exportBar,
      countLine,
      h('div', { class: 'scroll' }, table),
      emptyNote,
      repeatsBox,
    ),
  );

  ctx.rendered();

  function setFilter(name, value) {
    state.filters[name] = value;
    syncUrl();
    renderTable();
  }

  function resetFilters(e) {
    e.preventDefault();
    for (const f of [...FILTERS, 'q']) state.filters[f] = '';
    search.value = '';
    syncUrl();
    renderFilters();
    renderTable();
  }

  function syncUrl() {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(state.filters)) if (v) q.set(k, v);
    if (state.sort.column !== 'valAccuracy' || state.sort.direction !== 'descending') {
      q.set('sort', state.sort.column);
      q.set('dir', state.sort.direction);
    }
    const qs = q.toString();
    history.replaceState(null, '', `#/${qs ? `?${qs}` : ''}`);
  }

  function renderFilters() {
    const options = {
      dataset: unique(
        state.rows
          .map((r) => [datasetKey(r.dataset), datasetLabel(r.dataset)])
          .concat(state.sweeps.map((sw) => [datasetKey(sw.dataset), datasetLabel(sw.dataset)])),
      ),
      sweep: unique(state.rows.map((r) => [r.sweepId, r.sweepName ?? r.sweepId]).concat(state.sweeps.map((sw) => [sw.sweepId, sw.name ?? sw.sweepId]))),
      model: unique(state.rows.map((r) => [modelName(r.model), modelName(r.model)])),
      status: unique(state.rows.map((r) => [r.status, r.status])),
    };
    for (const f of FILTERS) {
      const current = state.filters[f];
      const opts = options[f];
      if (current && !opts.some(([v]) => v === current)) opts.push([current, current]);
      // Rebuilding an unchanged <select> would close it under the reviewer's pointer.
      const signature = JSON.stringify(opts);
      if (selects[f].dataset.options === signature) continue;
      selects[f].dataset.options = signature;
      replace(
        selects[f],
        h('option', { value: '' }, 'All'),
        opts.map(([v, label]) => h('option', { value: v }, label)),
      );
      selects[f].value = current;
    }
  }

  function renderTable() {
    // Columns that hold one value for every trial move into a note above the table (laptop width).
    const allKeys = paramKeys(state.rows);
    const fixed = constantKeys(state.rows, allKeys, (r, k) => paramValue(r.params?.[k]));
    const datasets = new Set(state.rows.map((r) => datasetKey(r.dataset)));
    const keys = allKeys.filter((k) => !fixed.includes(k) && k !== 'epochs');
    const columns = baseColumns(
      keys,
      datasets.size !== 1,
      state.rows.some((r) => r.tiedWithBest || r.paretoOptimal || r.infeasible?.length),
    );
    const notes = [
      ...(datasets.size === 1 ? [`Dataset ${datasetLabel(state.rows[0].dataset)}`] : []),
      ...fixed.map((k) => `${paramLabel(k)} ${compact(paramValue(state.rows[0].params?.[k]))}`),
    ];
    fixedNote.textContent = notes.length ? `Same for every trial: ${notes.join(' · ')}` : '';
    fixedNote.hidden = notes.length === 0;
    const column = columns.find((c) => c.id === state.sort.column) ?? columns.find((c) => c.id === 'valAccuracy');
    const shown = sortRows(filterRows(state.rows, state.filters), column.get, state.sort.direction);
    shownRows = shown;
    // Live reloads rebuild the table; keep keyboard focus on the header button it was on.
    const focusedColumn = table.contains(document.activeElement) ? document.activeElement?.closest('th')?.dataset.column : undefined;
    const headRow = h(
      'tr',
      {},
      columns.map((c) => {
        const sorted = c.id === column.id;
        return h(
          'th',
          { scope: 'col', 'aria-sort': sorted ? state.sort.direction : 'none', class: c.numeric ? 'num' : undefined, 'data-column': c.id },
          h(
            'button',
            { type: 'button', class: 'sort', title: c.title, onclick: () => sortBy(c) },
            c.label,
            h('span', { class: 'sort-icon', 'aria-hidden': 'true' }, sorted ? (state.sort.direction === 'ascending' ? '▲' : '▼') : '↕'),
          ),
        );
      }),
    );
    const body = h(
      'tbody',
      {},
      shown.map((r) =>
        h(
          'tr',
          { 'data-trial': r.trialId },
          columns.map((c) => h(c.rowHeader ? 'th' : 'td', { scope: c.rowHeader ? 'row' : undefined, class: c.numeric ? 'num' : undefined }, c.cell(r))),
        ),
      ),
    );
    replace(
      table,
      h('caption', { class: 'visually-hidden' }, `Trial results, sorted by ${column.label} ${state.sort.direction}. Column headers are buttons that sort.`),
      h('thead', {}, headRow),
      body,
    );
    if (focusedColumn) table.querySelector(`th[data-column="${CSS.escape(focusedColumn)}"] button`)?.focus();
    countLine.textContent = `${shown.length} of ${state.rows.length} trials shown · sorted by ${column.label}, ${state.sort.direction}`;
    emptyNote.hidden = shown.length > 0;
    emptyNote.textContent = state.rows.length === 0 ? 'No results yet: trials appear here when they finish.' : 'No trials match these filters.';
  }

  function exportShown(kind) {
    const name = `fermx-leaderboard.${kind}`;
    if (kind === 'json') download(name, JSON.stringify({ rows: shownRows }, null, 1), 'application/json');
    else download(name, csvText(LEADERBOARD_CSV_HEADER, shownRows.map(leaderboardCsvCells)), 'text/csv');
    ctx.announce(`Downloaded ${shownRows.length} rows as ${kind.toUpperCase()}`);
  }

  async function renderRepeats() {
    repeatsBox.hidden = !aggregateBox.checked;
    if (!aggregateBox.checked) return;
    try {
      const { rows } = await api.leaderboardAggregated(state.filters.sweep);
      if (!ctx.alive()) return;
      replace(repeatsBox, repeatsTable(rows));
    } catch (error) {
      replace(repeatsBox, h('p', { class: 'error' }, `Could not join the replicates: ${error.message}`));
    }
  }

  function sortBy(c) {
    const same = state.sort.column === c.id;
    const first = c.firstDirection ?? (c.numeric ? 'ascending' : 'ascending');
    state.sort = { column: c.id, direction: same ? (state.sort.direction === 'ascending' ? 'descending' : 'ascending') : first };
    syncUrl();
    renderTable();
    ctx.announce(`Sorted by ${c.label}, ${state.sort.direction}`);
    table.querySelector(`th[data-column="${CSS.escape(c.id)}"] button`)?.focus();
  }

  function renderSweeps() {
    replace(
      sweepsBody,
      state.sweeps.length === 0 ? h('tr', {}, h('td', { colspan: 6, class: 'empty' }, 'No sweeps submitted yet.')) : null,
      state.sweeps.map((sw) => {
        const t = sw.trials ?? {};
        const done = (t.completed ?? 0) + (t.failed ?? 0) + (t.stoppedEarly ?? 0) + (t.cancelled ?? 0);
        return h(
          'tr',
          { 'data-sweep': sw.sweepId },
          h('th', { scope: 'row' }, h('a', { href: sweepHref(sw.sweepId) }, sw.name ?? sw.sweepId)),
          h('td', {}, datasetLabel(sw.dataset)),
          h('td', {}, when(sw.createdAt)),
          h(
            'td',
            {},
            h('progress', { max: t.total || 1, value: done, 'aria-label': `${sw.name ?? sw.sweepId}: ${done} of ${t.total ?? 0} trials finished` }),
            ` ${done}/${t.total ?? 0}`,
          ),
          h('td', { class: 'counts' }, trialCounts(t)),
          h('td', { class: 'num' }, sw.best ? h('a', { href: trialHref(sw.best.trialId) }, pct(sw.best.valAccuracy)) : '–'),
        );
      }),
    );
  }

  function renderRunning() {
    const items = [...state.running.values()].sort((a, b) => a.trialId.localeCompare(b.trialId));
    runningSection.hidden = items.length === 0 && state.workers.length === 0;
    replace(
      workersLine,
      state.workers.length === 0
        ? null
        : [
            `${state.workers.length} worker${state.workers.length === 1 ? '' : 's'} online: `,
            state.workers.map((w, i) => [
              i ? ', ' : '',
              h('span', { title: `last heartbeat ${when(w.lastSeen)}` }, `${w.host}${w.gpu ? ` (${w.gpu})` : ''} · ${w.backend ?? 'backend ?'} · `),
              w.currentTrial ? h('a', { href: trialHref(w.currentTrial) }, shortId(w.currentTrial)) : 'idle',
            ]),
          ],
    );
    replace(
      runningList,
      items.map(({ trialId, sweepId, progress: p }) =>
        h(
          'li',
          { 'data-trial': trialId },
          h('a', { href: trialHref(trialId) }, shortId(trialId)),
          h('span', { class: 'muted' }, sweepName(sweepId)),
          p
            ? [
                h('progress', { max: p.epochs || 1, value: p.epoch ?? 0, 'aria-label': `${trialId}: epoch ${p.epoch} of ${p.epochs}` }),
                h('span', {}, `epoch ${p.epoch}/${p.epochs}`),
                h('span', {}, `val acc ${pct(p.valAccuracy, 1)}`),
                h('span', { class: 'muted' }, `${num(p.imagesPerSecond)} img/s`),
                timeLeftText(p) && h('span', { class: 'muted time-left' }, timeLeftText(p)),
              ]
            : h('span', { class: 'muted' }, 'starting…'),
        ),
      ),
    );
  }

  function sweepName(id) {
    return state.sweeps.find((sw) => sw.sweepId === id)?.name ?? id ?? '';
  }

  async function loadRunning() {
    const active = state.sweeps.filter((sw) => (sw.trials?.active ?? 0) > 0);
    const details = await Promise.all(active.map((sw) => api.sweep(sw.sweepId).catch(() => undefined)));
    const next = new Map();
    for (const d of details) {
      for (const t of d?.trials ?? []) {
        if (t.status === 'active')
          next.set(t.trialId, { trialId: t.trialId, sweepId: d.sweep?.sweepId ?? t.sweepId, progress: state.running.get(t.trialId)?.progress ?? t.progress });
      }
    }
    state.running = next;
  }

  async function refresh() {
    try {
      const [lb, sw, wk] = await Promise.all([api.leaderboard(), api.sweeps(), api.workers().catch(() => ({ workers: [] }))]);
      state.rows = lb.rows ?? [];
      state.sweeps = sw.sweeps ?? [];
      state.workers = wk.workers ?? [];
      await loadRunning();
      if (!ctx.alive()) return;
      ctx.clearError();
    } catch (error) {
      if (!ctx.alive()) return;
      ctx.showError(`Could not load the leaderboard: ${error.message}`);
    }
    renderSweeps();
    renderRunning();
    renderFilters();
    renderTable();
    if (aggregateBox.checked) void renderRepeats();
  }

  void refresh(); // refresh() reports its own errors on the page
  return {
    refresh,
    onProgress({ trialId, sweepId, progress }) {
      const prev = state.running.get(trialId);
      state.running.set(trialId, { trialId, sweepId: sweepId ?? prev?.sweepId, progress });
      renderRunning();
    },
    onTrial({ trialId, status }) {
      if (status !== 'active') state.running.delete(trialId);
      renderRunning();
      ctx.debounce('leaderboard', refresh, 500);
    },
  };
}

export function trialCounts(t) {
  const parts = [
    ['active', 'running'],
    ['waiting', 'waiting'],
    ['completed', 'completed'],
    ['stoppedEarly', 'stopped early'],
    ['failed', 'failed'],
    ['cancelled', 'cancelled'],
  ]
    .filter(([k]) => (t?.[k] ?? 0) > 0)
    .map(([k, label]) => h('span', { class: `count-${k}` }, `${t[k]} ${label}`));
  return parts.length ? parts.flatMap((p, i) => (i ? [' · ', p] : [p])) : '–';
}

function unique(pairs) {
  const seen = new Map();
  for (const [v, label] of pairs) if (v && !seen.has(v)) seen.set(v, label);
  return [...seen.entries()].sort((a, b) => String(a[1]).localeCompare(String(b[1])));
}
