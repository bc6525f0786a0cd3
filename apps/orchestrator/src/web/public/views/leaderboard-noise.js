// Noise-aware leaderboard cells (docs/ORCHESTRATOR.md, "Noise-aware ranking"): the 95 % interval,
// tie / Pareto / infeasible marks and the seed-replicate table.
import { h, pct, num, shortId } from '../lib/dom.js';
import { trialHref } from '../lib/model.js';

/** [0.821, 0.893] -> "82.1–89.3 %" ("82.1–89.3" with unit false). */
export function intervalText(interval, unit = true) {
  return Array.isArray(interval) ? `${(interval[0] * 100).toFixed(1)}–${(interval[1] * 100).toFixed(1)}${unit ? ' %' : ''}` : '–';
}

export function rowMarks(r) {
  const marks = [];
  if (r.tiedWithBest)
    marks.push(
      h(
        'span',
        { class: 'badge mark-tie', title: 'Not significantly worse than the best on the same val set (two-proportion test, 5 %)' },
        '≈',
        h('span', { class: 'visually-hidden' }, ' tied with the best'),
      ),
    );
  if (r.paretoOptimal)
    marks.push(
      h('span', { class: 'badge mark-pareto', title: 'No other trial of its sweep is at least as good on every objective and better on one' }, 'Pareto'),
    );
  if (r.infeasible?.length) marks.push(h('span', { class: 'badge mark-infeasible', title: r.infeasible.join('; ') }, 'infeasible'));
  return marks.length ? marks.flatMap((m, i) => (i ? [' ', m] : [m])) : '';
}

function meanSd(m) {
  if (!m) return '–';
  return m.sd === null || m.sd === undefined ? pct(m.mean) : `${pct(m.mean)} ± ${(m.sd * 100).toFixed(2)}`;
}

/** One line per configuration: its seed replicates as mean ± sd. */
export function repeatsTable(rows) {
  if (!rows.length) return h('p', { class: 'empty' }, 'No results to join.');
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'data', id: 'leaderboard-repeats' },
      h('caption', {}, 'Seed replicates joined: one line per configuration (same model and parameters, any seed), mean ± sample standard deviation'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['#', 'Model', 'Parameters', 'Replicates', 'Val acc', 'Test acc', 'Other epoch: val / test', 'Macro F1', 'img/s', 'Trials'].map((t) =>
            h('th', { scope: 'col' }, t),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((r) =>
          h(
            'tr',
            { 'data-config': r.configKey },
            h('td', { class: 'num' }, num(r.rank)),
            h('th', { scope: 'row' }, r.variant ?? r.model),
            h(
              'td',
              {},
              Object.entries(r.params ?? {})
                .filter(([k]) => k !== 'epochs')
                .map(([k, v]) => `${k}=${typeof v === 'object' ? 'on' : v}`)
                .join(' '),
            ),
            h('td', { class: 'num' }, `${r.replicates} (seeds ${r.seeds.join(', ')})`),
            h('td', { class: 'num val-mean' }, meanSd(r.valAccuracy)),
            h('td', { class: 'num' }, meanSd(r.testAccuracy)),
            h('td', { class: 'num other-model' }, r.other ? `${r.other.model} ${meanSd(r.other.valAccuracy)} / ${meanSd(r.other.testAccuracy)}` : '–'),
            h('td', { class: 'num' }, r.macroF1?.sd === null ? r.macroF1.mean.toFixed(3) : `${r.macroF1.mean.toFixed(3)} ± ${r.macroF1.sd.toFixed(3)}`),
            h('td', { class: 'num' }, num(r.imagesPerSecond?.mean)),
            h(
              'td',
              {},
              r.trialIds.map((id, i) => [i ? ', ' : '', h('a', { href: trialHref(id) }, shortId(id))]),
            ),
          ),
        ),
      ),
    ),
  );
}
