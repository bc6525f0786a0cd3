// Analysis of a sweep (docs/LEADERBOARD.md, "Sweep analysis"): parameter importance (PED-ANOVA),
// best-so-far history, slice plots, the Pareto front of the sweep's objectives and the ASHA
// ladder, all from GET /api/sweeps/:id/analysis; plus a download of the trial table.
import { api } from '../lib/api.js';
import { lineChart } from '../lib/charts.js';
import { h, replace, pct, compact, num, shortId } from '../lib/dom.js';
import { csvText, download } from '../lib/export.js';
import { paramLabel, trialHref } from '../lib/model.js';
import { barChart, scatterChart } from './sweep-analysis-charts.js';

const OBJECTIVE_LABELS = {
  val_accuracy: 'val accuracy',
  val_macro_f1: 'val macro-F1',
  parameters: 'weights',
  images_per_second: 'images/s',
  training_seconds: 'training s',
};
const objectiveFormat = (name) => (name === 'val_accuracy' || name === 'val_macro_f1' ? (v) => pct(v, 1) : (v) => num(v));

/** The analysis section of the sweep page; `refresh()` reloads it, `element` stays in place across re-renders. */
export function sweepAnalysisPanel(id, ctx) {
  const body = h('div', { class: 'analysis-body' }, h('p', { class: 'muted' }, 'Loading the analysis…'));
  const element = h('section', { class: 'panel', id: 'analysis', 'aria-labelledby': 'analysis-h' }, h('h2', { id: 'analysis-h' }, 'Analysis'), body);

  async function refresh() {
    try {
      const analysis = await api.sweepAnalysis(id);
      if (!ctx.alive()) return;
      render(analysis);
    } catch (error) {
      if (!ctx.alive()) return;
      replace(body, h('p', { class: 'error' }, `Could not load the analysis: ${error.message}`));
    }
  }

  function render(a) {
    const fmt = (v) => pct(v, 1);
    replace(
      body,
      a.history.length === 0 ? h('p', { class: 'muted' }, 'The analysis appears once trials have finished.') : null,
      h('h3', {}, 'Parameter importance'),
      a.importance.ok
        ? [
            h(
              'p',
              { class: 'muted' },
              `PED-ANOVA: how differently each parameter is distributed among the top ${a.importance.topTrials} of ${a.importance.trials} trials than among all of them (shares sum to 100 %).`,
            ),
            barChart({
              id: 'importance',
              title: 'Parameter importance',
              bars: a.importance.importances.map((i) => ({ label: paramLabel(i.name), value: i.importance })),
            }),
          ]
        : h('p', { class: 'muted', id: 'importance-refused' }, `${a.importance.reason}.`),
      a.history.length
        ? h(
            'div',
            { class: 'charts' },
            lineChart({
              id: 'best-so-far',
              title: 'Best so far (val accuracy by completion order)',
              xLabel: 'trial (completion order)',
              yFormat: fmt,
              series: [
                { name: 'trial', points: a.history.map((p) => ({ x: p.order, y: p.value })), dashed: true },
                { name: 'best so far', points: a.history.map((p) => ({ x: p.order, y: p.bestSoFar })) },
              ],
            }),
            a.pareto ? paretoChart(a.pareto) : null,
          )
        : null,
      a.history.length && a.slices.length
        ? [
            h('h3', {}, 'Slices'),
            h(
              'div',
              { class: 'charts', id: 'slices' },
              a.slices.map((sl) =>
                scatterChart({
                  id: `slice-${sl.name}`,
                  title: `Val accuracy vs ${paramLabel(sl.name)}`,
                  xLabel: paramLabel(sl.name),
                  yLabel: 'val accuracy',
                  xScale: sl.scale,
                  yFormat: fmt,
                  points: sl.points.map((p) => ({ x: p.value, y: p.objective, label: p.trialId })),
                }),
              ),
            ),
          ]
        : null,
      a.ladder ? ladderTable(a.ladder) : null,
      a.infeasible.length
        ? h(
            'p',
            { class: 'muted', id: 'infeasible-note' },
            `Infeasible (kept, never ranked best): ${a.infeasible.map((t) => `${shortId(t.trialId)} (${t.violations.join('; ')})`).join(', ')}`,
          )
        : null,
    );
  }

  function paretoChart(p) {
    const [ox, oy] = p.objectives;
    return scatterChart({
      id: 'pareto',
      title: `Pareto front: ${OBJECTIVE_LABELS[oy.name]} (${oy.goal}) vs ${OBJECTIVE_LABELS[ox.name]} (${ox.goal})`,
      xLabel: OBJECTIVE_LABELS[ox.name],
      yLabel: OBJECTIVE_LABELS[oy.name],
      xScale: ox.name === 'parameters' ? 'log' : 'linear',
      xFormat: objectiveFormat(ox.name),
      yFormat: objectiveFormat(oy.name),
      front: true,
      points: p.points.map((pt) => ({ x: pt.values[0], y: pt.values[1], label: pt.trialId, highlight: pt.optimal })),
    });
  }

  function ladderTable(ladder) {
    return [
      h('h3', {}, 'ASHA ladder'),
      h('p', { class: 'muted' }, `Each rung keeps about 1 in ${ladder.reductionFactor} of the trials that reached it (best first).`),
      h(
        'div',
        { class: 'charts', id: 'ladder' },
        ladder.rungs.map((rung) =>
          h(
            'table',
            { class: 'data ladder', 'data-rung': rung.epoch },
            h('caption', {}, `Rung at epoch ${rung.epoch}: ${rung.trials.length} trials`),
            h(
              'thead',
              {},
              h('tr', {}, h('th', { scope: 'col' }, 'Trial'), h('th', { scope: 'col', class: 'num' }, 'Metric'), h('th', { scope: 'col' }, 'Decision')),
            ),
            h(
              'tbody',
              {},
              rung.trials.map((t) =>
                h(
                  'tr',
                  { 'data-trial': t.trialId },
                  h('th', { scope: 'row' }, h('a', { href: trialHref(t.trialId) }, shortId(t.trialId))),
                  h('td', { class: 'num' }, compact(t.metric)),
                  h(
                    'td',
                    {},
                    h('span', { class: `badge decision-${t.decision}` }, t.decision === 'continue' ? 'kept' : t.decision === 'stop' ? 'stopped' : 'pending'),
                  ),
                ),
              ),
            ),
          ),
        ),
      ),
    ];
  }

  return { element, refresh };
}

/** Download buttons for the sweep's trial table (the trials as the page lists them). */
export function trialDownloads(name, getTrials) {
  const cells = (t) => [
    t.trialId,
    t.status,
    t.variant ?? t.model,
    JSON.stringify(t.params ?? {}),
    t.result?.valAccuracy,
    t.result?.testAccuracy,
    t.result?.macroF1,
    t.result?.epochs,
    t.result?.imagesPerSecond,
  ];
  const header = ['trialId', 'status', 'model', 'params', 'valAccuracy', 'testAccuracy', 'macroF1', 'epochs', 'imagesPerSecond'];
  return h(
    'div',
    { class: 'actions', id: 'sweep-export' },
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        id: 'sweep-download-csv',
        onclick: () => download(`${name}.csv`, csvText(header, getTrials().map(cells)), 'text/csv'),
      },
      'Download CSV',
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        id: 'sweep-download-json',
        onclick: () => download(`${name}.json`, JSON.stringify({ trials: getTrials() }, null, 1), 'application/json'),
      },
      'Download JSON',
    ),
  );
}
