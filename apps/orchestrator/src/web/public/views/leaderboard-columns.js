// The leaderboard table's columns (home view) and the status badge the other views share.
import { h, pct, num, seconds, compact, shortId } from '../lib/dom.js';
import { datasetKey, datasetLabel, modelName, paramLabel, paramValue, sweepHref, trialHref } from '../lib/model.js';
import { intervalText, rowMarks } from './leaderboard-noise.js';

/** Columns of the leaderboard; `get` feeds sorting, `cell` renders. Param columns are added per data. */
export function baseColumns(keys, showDataset, showMarks) {
  return [
    { id: 'rank', label: '#', title: 'Rank by validation accuracy', get: (r) => r.rank, cell: (r) => num(r.rank), numeric: true },
    {
      id: 'trial',
      label: 'Trial',
      get: (r) => r.trialId,
      rowHeader: true,
      cell: (r) => h('a', { href: trialHref(r.trialId), title: r.trialId }, shortId(r.trialId)),
    },
    { id: 'sweep', label: 'Sweep', get: (r) => r.sweepName ?? r.sweepId, cell: (r) => h('a', { href: sweepHref(r.sweepId) }, r.sweepName ?? r.sweepId) },
    showDataset && {
      id: 'dataset',
      label: 'Dataset',
      get: (r) => datasetLabel(r.dataset),
      cell: (r) => h('span', { title: datasetKey(r.dataset) }, datasetLabel(r.dataset)),
    },
    {
      id: 'model',
      label: 'Model',
      get: (r) => r.variant ?? modelName(r.model),
      cell: (r) => h('span', { title: modelName(r.model) }, r.variant ?? modelName(r.model)),
    },
    ...keys.map((k) => ({
      id: `p.${k}`,
      label: paramLabel(k),
      get: (r) => paramValue(r.params?.[k]),
      cell: (r) => compact(paramValue(r.params?.[k])),
      numeric: true,
    })),
    { id: 'parameters', label: 'Weights', title: 'Trainable parameters', get: (r) => r.parameters, cell: (r) => num(r.parameters), numeric: true },
    // Infeasible trials (a broken constraint) sort after every feasible one: never ranked best.
    {
      id: 'valAccuracy',
      label: 'Val acc',
      title: 'Validation accuracy, with its 95 % interval below',
      get: (r) => (r.infeasible?.length ? r.valAccuracy - 2 : r.valAccuracy),
      cell: (r) => [
        h('strong', {}, pct(r.valAccuracy)),
        r.valInterval ? h('span', { class: 'ci', title: '95 % Wilson interval over the val images' }, intervalText(r.valInterval, false)) : null,
        typeof r.otherValAccuracy === 'number'
          ? h(
              'span',
              { class: 'ci other-epoch', title: `Val accuracy of the ${r.ranked === 'best' ? 'last' : 'best'} epoch's model, which this row does not rank` },
              `${r.ranked === 'best' ? 'last' : 'best'} ${pct(r.otherValAccuracy)}`,
            )
          : null,
      ],
      numeric: true,
      firstDirection: 'descending',
    },
    showMarks && {
      id: 'marks',
      label: 'Marks',
      title: "≈: statistically tied with the best on the same val set; Pareto: on the front of the sweep's objectives; infeasible: breaks a constraint",
      get: (r) => (r.tiedWithBest ? 2 : 0) + (r.paretoOptimal ? 1 : 0),
      cell: (r) => rowMarks(r),
    },
    { id: 'testAccuracy', label: 'Test acc', get: (r) => r.testAccuracy, cell: (r) => pct(r.testAccuracy), numeric: true, firstDirection: 'descending' },
    {
      id: 'macroF1',
      label: 'Macro F1',
      get: (r) => r.macroF1,
      cell: (r) => (typeof r.macroF1 === 'number' ? r.macroF1.toFixed(3) : '–'),
      numeric: true,
      firstDirection: 'descending',
    },
    {
      id: 'epochs',
      label: 'Epoch',
      title: "The epoch whose model the row's figures are of: the last one run, or the best by val (training.bestEpochBy), of the epochs run",
      get: (r) => r.epochs,
      cell: (r) => (r.ranked === 'best' ? [h('span', { class: 'epoch-mark' }, 'best'), `${num(r.epoch)}/${num(r.epochs)}`] : num(r.epochs)),
      numeric: true,
    },
    { id: 'trainingSeconds', label: 'Train time', get: (r) => r.trainingSeconds, cell: (r) => seconds(r.trainingSeconds), numeric: true },
    {
      id: 'imagesPerSecond',
      label: 'img/s',
      title: 'Training throughput, images per second',
      get: (r) => r.imagesPerSecond,
      cell: (r) => num(r.imagesPerSecond),
      numeric: true,
      firstDirection: 'descending',
    },
    { id: 'backend', label: 'Backend', get: (r) => r.backend, cell: (r) => h('span', { title: r.host ? `on ${r.host}` : undefined }, r.backend ?? '–') },
    { id: 'status', label: 'Status', get: (r) => r.status, cell: (r) => statusBadge(r.status) },
  ].filter(Boolean);
}

export function statusBadge(status) {
  return h('span', { class: `badge status-${status ?? 'unknown'}` }, status ?? 'unknown');
}
