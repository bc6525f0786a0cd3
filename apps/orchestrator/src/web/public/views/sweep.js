// Sweep page: status, cancel (token), parallel coordinates, trial list, side-by-side comparison.
import { api, getToken } from '../lib/api.js';
import { lineChart, parallelCoordinates } from '../lib/charts.js';
import { h, panel, replace, pct, num, seconds, when, compact, shortId } from '../lib/dom.js';
import { constantKeys, datasetLabel, modelName, paramKeys, paramLabel, paramValue, trialHref } from '../lib/model.js';
import { statusBadge } from './leaderboard-columns.js';
import { trialCounts } from './leaderboard.js';
import { timeLeftText } from '../lib/progress.js';
import { steeringPanel } from './sweep-steering.js';
import { sweepAnalysisPanel, trialDownloads } from './sweep-analysis.js';

const MAX_COMPARE = 4;
const FINISHED = new Set(['completed', 'stopped-early', 'failed', 'cancelled']);

export function sweepView(root, route, ctx) {
  const id = route.id;
  let data;
  const selected = new Set((route.query.get('compare') ?? '').split(',').filter(Boolean).slice(0, MAX_COMPARE));
  const details = new Map(); // trialId -> /api/trials/:id payload, for the comparison
  const compareBox = h('section', { class: 'panel', id: 'compare', 'aria-labelledby': 'compare-h', 'aria-live': 'polite' });
  const cancelNote = h('p', { class: 'muted', id: 'cancel-note', role: 'status' });
  let cancelled; // { count } once this page cancelled the sweep
  /** @type {Record<string, string>} */
  const steerDraft = {}; // the steering inputs' values, kept across live re-renders
  const analysis = sweepAnalysisPanel(id, ctx); // kept across re-renders; reloaded with the sweep

  async function refresh() {
    try {
      data = await api.sweep(id);
      if (!ctx.alive()) return;
      void analysis.refresh();
      ctx.clearError();
      render();
    } catch (error) {
      if (!ctx.alive()) return;
      replace(
        root,
        h('p', { class: 'back' }, h('a', { href: '#/' }, '← Leaderboard')),
        h('h1', { tabindex: '-1' }, `Sweep ${id}`),
        h('p', { class: 'error' }, error.status === 404 ? 'No such sweep.' : `Could not load the sweep: ${error.message}`),
      );
    }
    ctx.rendered();
  }

  const metricOf = (t) => t.result?.valAccuracy ?? t.result?.metrics?.valAccuracy ?? t.valAccuracy;
  const paramsOf = (t) => Object.fromEntries(Object.entries({ architecture: modelName(t.model), ...(t.params ?? {}) }).map(([k, v]) => [k, paramValue(v)]));

  function render() {
    // Re-rendering replaces the DOM; keep keyboard focus where the reviewer left it.
    const focusedId = document.activeElement?.id;
    renderPage();
    if (focusedId) document.getElementById(focusedId)?.focus();
  }

  function renderPage() {
    const sweep = data.sweep ?? {};
    const trials = data.trials ?? [];
    const counts = countStatuses(trials);
    const keys = paramKeys(trials.map((t) => ({ params: paramsOf(t) })));
    // Axes only for parameters that vary; a constant axis says nothing.
    const fixed = constantKeys(trials, keys, (t, k) => paramsOf(t)[k]);
    const varying = keys.filter((k) => !fixed.includes(k));
    const axes = (varying.length ? varying : keys).map((k) => ({
      key: k,
      label: paramLabel(k),
      kind: k === 'architecture' || trials.some((t) => typeof paramsOf(t)[k] === 'string') ? 'category' : k === 'learningRate' ? 'log' : 'linear',
    }));
    const token = getToken();
    const running = trials.some((t) => !FINISHED.has(t.status));
    const cancelButton = h(
      'button',
      {
        type: 'button',
        class: 'danger',
        id: 'cancel-sweep',
        disabled: !token || !running || Boolean(cancelled),
        'aria-describedby': 'cancel-note',
        onclick: () => cancel(cancelButton),
      },
      'Cancel sweep',
    );
    cancelNote.textContent = cancelled
      ? `Cancelled ${cancelled.count} trials${running ? '; running trials stop after their current epoch.' : '.'}`
      : !running
        ? 'Nothing left to cancel.'
        : token
          ? 'Cancelling stops waiting trials and asks running ones to stop after their epoch.'
          : 'Read-only: enter an API token (top right) to cancel.';
    replace(
      root,
      h('p', { class: 'back' }, h('a', { href: '#/' }, '← Leaderboard')),
      h('h1', { tabindex: '-1' }, 'Sweep ', sweep.name ?? id),
      h('p', { class: 'subtitle' }, h('code', {}, id), ' · ', datasetLabel(sweep.dataset), ' · created ', when(sweep.createdAt), ' · ', trialCounts(counts)),
      h('div', { class: 'actions' }, cancelButton, cancelNote),
      steeringPanel({ id, data, ctx, draft: steerDraft, onDone: () => ctx.debounce('sweep', refresh, 300) }),
      trials.filter((t) => Number.isFinite(metricOf(t))).length < 2
        ? panel('pc-h', 'Hyperparameters', h('p', { class: 'muted' }, 'The parallel-coordinates plot appears once two trials have results.'))
        : axes.length
          ? panel(
              'pc-h',
              'Hyperparameters',
              h(
                'div',
                { class: 'scroll' },
                parallelCoordinates({
                  id: 'parallel',
                  dimensions: axes,
                  metricLabel: 'val accuracy',
                  rows: trials.map((t) => ({ id: t.trialId, label: t.trialId, values: paramsOf(t), metric: metricOf(t) })),
                  onPick: (trialId) => toggle(trialId, true),
                }),
              ),
            )
          : null,
      panel(
        'trials-h',
        `Trials (${trials.length})`,
        trialDownloads(`fermx-sweep-${id}`, () => trials),
        h('p', { class: 'muted' }, `Tick 2 to ${MAX_COMPARE} trials to compare them side by side.`),
        fixed.length
          ? h('p', { class: 'fixed-note' }, `Same for every trial: ${fixed.map((k) => `${paramLabel(k)} ${compact(paramsOf(trials[0])[k])}`).join(' · ')}`)
          : null,
        h(
          'div',
          { class: 'scroll' },
          trialTable(
            trials,
            keys.filter((k) => !fixed.includes(k)),
          ),
        ),
      ),
      analysis.element,
      compareBox,
    );
    renderCompare().catch((error) => ctx.showError(`Could not compare the trials: ${error.message}`));
  }

  function trialTable(trials, keys) {
    // The server's rank (the sweep's own metric, infeasible trials last), then val accuracy for unranked trials.
    const sorted = [...trials].sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || (metricOf(b) ?? -1) - (metricOf(a) ?? -1));
    return h(
      'table',
      { class: 'data', id: 'sweep-trials' },
      h('caption', { class: 'visually-hidden' }, 'Trials of this sweep, best first by its objective'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Compare'),
          h('th', { scope: 'col' }, 'Trial'),
          h('th', { scope: 'col' }, 'Status'),
          keys.map((k) => h('th', { scope: 'col', class: isNumeric(trials, k) ? 'num' : undefined }, paramLabel(k))),
          h('th', { scope: 'col', class: 'num' }, 'Val acc'),
          h('th', { scope: 'col' }, 'Progress'),
        ),
      ),
      h(
        'tbody',
        {},
        sorted.map((t) => {
          const p = t.progress;
          const box = h('input', {
            type: 'checkbox',
            id: `cmp-${t.trialId}`,
            checked: selected.has(t.trialId),
            disabled: !selected.has(t.trialId) && selected.size >= MAX_COMPARE,
            onchange: (e) => toggle(t.trialId, e.target.checked),
          });
          return h(
            'tr',
            { 'data-trial': t.trialId },
            h('td', {}, box, h('label', { for: `cmp-${t.trialId}`, class: 'visually-hidden' }, `Compare ${t.trialId}`)),
            h('th', { scope: 'row' }, h('a', { href: trialHref(t.trialId), title: t.trialId }, shortId(t.trialId))),
            // Held: waits for resume or a free slot under the cap, not for a worker.
            h('td', {}, statusBadge(t.status), t.held && h('span', { class: 'muted' }, ' held')),
            keys.map((k) => h('td', { class: isNumeric(trials, k) ? 'num' : undefined }, compact(paramsOf(t)[k]))),
            h(
              'td',
              { class: 'num' },
              pct(metricOf(t)),
              t.result?.ranked === 'best' && h('span', { class: 'ci', title: "The best epoch's model, chosen on val" }, `best, epoch ${t.result.epoch}`),
            ),
            h(
              'td',
              {},
              p && !FINISHED.has(t.status)
                ? [
                    h('progress', { max: p.epochs || 1, value: p.epoch ?? 0, 'aria-label': `epoch ${p.epoch} of ${p.epochs}` }),
                    ` ${p.epoch}/${p.epochs}`,
                    timeLeftText(p) && h('span', { class: 'muted time-left' }, ` ${timeLeftText(p)}`),
                  ]
                : '–',
            ),
          );
        }),
      ),
    );
  }

  function isNumeric(trials, k) {
    return trials.every((t) => paramsOf(t)[k] === undefined || typeof paramsOf(t)[k] === 'number');
  }

  function toggle(trialId, on) {
    if (on && selected.size >= MAX_COMPARE && !selected.has(trialId)) {
      ctx.announce(`At most ${MAX_COMPARE} trials can be compared.`);
      return;
    }
    if (on) selected.add(trialId);
    else selected.delete(trialId);
    const q = selected.size ? `?compare=${[...selected].map(encodeURIComponent).join(',')}` : '';
    history.replaceState(null, '', `#/sweep/${encodeURIComponent(id)}${q}`);
    render();
  }

  async function renderCompare() {
    const ids = [...selected];
    if (ids.length < 2) {
      replace(compareBox, h('h2', { id: 'compare-h' }, 'Compare'), h('p', { class: 'muted' }, `Select at least two trials (${ids.length} selected).`));
      return;
    }
    await Promise.all(ids.filter((t) => !details.has(t)).map(async (t) => details.set(t, await api.trial(t).catch(() => ({ trial: { trialId: t } })))));
    if (!ctx.alive() || ids.join() !== [...selected].join()) return; // left the page, or selection changed while loading
    const items = ids.map((t) => ({ id: t, d: details.get(t) }));
    const keys = paramKeys(items.map(({ id: t }) => ({ params: paramsOf(data.trials.find((x) => x.trialId === t) ?? {}) })));
    /** @type {any[][]} */
    const rows = [
      ['Status', (it) => statusBadge(it.d.status ?? it.d.result?.status)],
      ...keys.map((k) => [paramLabel(k), (it) => compact(paramValue(paramsOf(data.trials.find((x) => x.trialId === it.id) ?? {})[k]))]),
      ['Val accuracy', (it) => pct(it.d.result?.metrics?.valAccuracy), (it) => it.d.result?.metrics?.valAccuracy],
      ['Test accuracy', (it) => pct(it.d.result?.metrics?.testAccuracy), (it) => it.d.result?.metrics?.testAccuracy],
      ['Macro F1', (it) => compact(it.d.result?.metrics?.macroF1), (it) => it.d.result?.metrics?.macroF1],
      ['Val loss', (it) => compact(it.d.result?.metrics?.valLoss), (it) => (it.d.result ? -it.d.result.metrics.valLoss : undefined)],
      ['Epochs run', (it) => num(it.d.result?.epochsRun)],
      ['Weights', (it) => num(it.d.result?.parameters)],
      ['Seconds per epoch', (it) => seconds(it.d.result?.timing?.secondsPerEpoch)],
      ['Images per second', (it) => num(it.d.result?.timing?.imagesPerSecond)],
      ['Backend', (it) => it.d.result?.backend ?? '–'],
    ];
    replace(
      compareBox,
      h('h2', { id: 'compare-h' }, `Compare ${ids.length} trials`),
      h(
        'div',
        { class: 'scroll' },
        h(
          'table',
          { class: 'data compare', id: 'compare-table' },
          h('caption', { class: 'visually-hidden' }, 'Selected trials side by side; the best value of each metric is marked'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('td', {}),
              items.map((it) => h('th', { scope: 'col' }, h('a', { href: trialHref(it.id) }, shortId(it.id)))),
            ),
          ),
          h(
            'tbody',
            {},
            rows.map(([label, cell, score]) => {
              const scores = score ? items.map(score) : [];
              const best = Math.max(...scores.filter(Number.isFinite));
              return h(
                'tr',
                {},
                h('th', { scope: 'row' }, label),
                items.map((it, i) => h('td', { class: score && scores[i] === best && Number.isFinite(best) ? 'best' : undefined }, cell(it))),
              );
            }),
          ),
        ),
      ),
      h(
        'div',
        { class: 'charts' },
        lineChart({
          id: 'compare-val-acc',
          title: 'Validation accuracy',
          xLabel: 'epoch',
          yFormat: (v) => pct(v, 0),
          series: items.map((it) => ({ name: shortId(it.id), points: (it.d.result?.curves ?? []).map((c) => ({ x: c.epoch, y: c.valAccuracy })) })),
        }),
        lineChart({
          id: 'compare-val-loss',
          title: 'Validation loss',
          xLabel: 'epoch',
          yFormat: (v) => (Number.isFinite(v) ? v.toFixed(2) : '–'),
          series: items.map((it) => ({ name: shortId(it.id), points: (it.d.result?.curves ?? []).map((c) => ({ x: c.epoch, y: c.valLoss })) })),
        }),
      ),
    );
  }

  async function cancel(button) {
    if (!window.confirm(`Cancel sweep ${data.sweep?.name ?? id}? Waiting trials are removed; running trials stop after their current epoch.`)) return;
    button.disabled = true;
    try {
      const res = await api.cancelSweep(id);
      cancelled = { count: res.cancelled ?? 0 };
      ctx.announce(`Sweep cancelled: ${cancelled.count} trials.`);
      cancelNote.textContent = `Cancelled ${cancelled.count} trials.`;
      ctx.debounce('sweep', refresh, 300);
    } catch (error) {
      button.disabled = false;
      cancelNote.textContent = error.status === 401 || error.status === 403 ? 'The server rejected the token.' : `Cancel failed: ${error.message}`;
    }
  }

  void refresh(); // refresh() reports its own errors on the page
  return {
    refresh,
    onProgress(ev) {
      const t = data?.trials?.find((x) => x.trialId === ev.trialId);
      if (!t) return;
      t.progress = ev.progress;
      t.status = 'active';
      ctx.debounce('sweep-render', render, 250);
    },
    onTrial(ev) {
      if (data?.trials?.some((x) => x.trialId === ev.trialId) || ev.sweepId === id) {
        details.delete(ev.trialId);
        ctx.debounce('sweep', refresh, 400);
      }
    },
  };
}

function countStatuses(trials) {
  const c = { total: trials.length, waiting: 0, active: 0, completed: 0, failed: 0, stoppedEarly: 0, cancelled: 0 };
  for (const t of trials) {
    const k = t.status === 'stopped-early' ? 'stoppedEarly' : t.status;
    if (k in c) c[k] += 1;
  }
  return c;
}
