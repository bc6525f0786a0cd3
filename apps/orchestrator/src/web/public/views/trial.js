// Trial page: config, curves, confusion matrix, per-class accuracy, timing, model files.
import { api } from '../lib/api.js';
import { classBars, confusionHeatmap, lineChart } from '../lib/charts.js';
import { h, panel, replace, pct, num, seconds, when, compact } from '../lib/dom.js';
import { datasetLabel, modelName, paramLabel, sweepHref } from '../lib/model.js';
import { timeLeftText } from '../lib/progress.js';
import { statusBadge } from './leaderboard-columns.js';

export function trialView(root, route, ctx) {
  const id = route.id;
  let data;
  const live = []; // progress points received while this page is open (running trials)

  async function refresh() {
    try {
      data = await api.trial(id);
      if (!ctx.alive()) return;
      ctx.clearError();
      render();
    } catch (error) {
      if (!ctx.alive()) return;
      replace(
        root,
        h('h1', { tabindex: '-1' }, `Trial ${id}`),
        h('p', { class: 'error' }, error.status === 404 ? 'No such trial.' : `Could not load the trial: ${error.message}`),
        backLink(),
      );
    }
    ctx.rendered();
  }

  function render() {
    const spec = data.trial ?? {};
    const result = data.result;
    const metrics = result?.metrics;
    const curves = result?.curves?.length ? result.curves : mergeLive(live, data.progress);
    const sweepId = spec.sweepId ?? result?.sweepId;
    replace(
      root,
      backLink(),
      h('h1', { tabindex: '-1' }, 'Trial ', h('code', {}, id), ' ', statusBadge(data.status ?? result?.status)),
      h(
        'p',
        { class: 'subtitle' },
        'Sweep ',
        sweepId ? h('a', { href: sweepHref(sweepId) }, spec.sweepName ?? result?.sweepName ?? sweepId) : '–',
        ' · ',
        modelName(spec.model ?? result?.model),
        ' · ',
        datasetLabel(spec.dataset ?? result?.dataset),
      ),
      data.progress && !result ? progressLine(data.progress) : null,
      data.resultError ? h('p', { class: 'error', role: 'alert', id: 'result-error' }, data.resultError) : null,
      h(
        'dl',
        { class: 'cards' },
        card('Val accuracy', pct(metrics?.valAccuracy)),
        card('Test accuracy', pct(metrics?.testAccuracy)),
        card('Macro F1', metrics?.macroF1 === undefined ? '–' : metrics.macroF1.toFixed(3)),
        card('Val loss', metrics?.valLoss === undefined ? '–' : metrics.valLoss.toFixed(4)),
        card(
          'Epochs run',
          result
            ? `${num(result.epochsRun)} / ${num(spec.training?.epochs ?? result.training?.epochs)}`
            : data.progress
              ? `${data.progress.epoch} / ${data.progress.epochs}`
              : '–',
        ),
        card('Weights', num(result?.parameters)),
      ),
      curves.length
        ? panel(
            'curves-h',
            'Training curves',
            h(
              'div',
              { class: 'charts' },
              lineChart({
                id: 'chart-loss',
                title: 'Loss',
                xLabel: 'epoch',
                yFormat: (v) => (Number.isFinite(v) ? v.toFixed(2) : '–'),
                series: [
                  { name: 'train loss', points: curves.map((c) => ({ x: c.epoch, y: c.loss })) },
                  { name: 'val loss', points: curves.map((c) => ({ x: c.epoch, y: c.valLoss })) },
                ],
              }),
              lineChart({
                id: 'chart-accuracy',
                title: 'Accuracy',
                xLabel: 'epoch',
                yFormat: (v) => pct(v, 0),
                series: [
                  { name: 'train accuracy', points: curves.map((c) => ({ x: c.epoch, y: c.accuracy })) },
                  { name: 'val accuracy', points: curves.map((c) => ({ x: c.epoch, y: c.valAccuracy })) },
                ],
              }),
            ),
          )
        : null,
      metrics?.confusionMatrix?.length
        ? panel(
            'classes-h',
            'Classes',
            h(
              'div',
              { class: 'charts' },
              confusionHeatmap({ id: 'confusion', matrix: metrics.confusionMatrix, classes: metrics.classes }),
              classBars({ id: 'per-class', values: metrics.perClassAccuracy ?? [], classes: metrics.classes }),
            ),
          )
        : null,
      h(
        'div',
        { class: 'columns' },
        panel('config-h', 'Configuration', configList(spec, result)),
        panel(
          'run-h',
          'Run',
          defs([
            ['Backend', result?.backend ?? '–'],
            ['Host', result?.host ?? '–'],
            ['Worker', result?.worker ?? '–'],
            ['Training time', seconds(result?.timing?.trainingSeconds)],
            ['Seconds per epoch', seconds(result?.timing?.secondsPerEpoch)],
            ['Throughput', result?.timing?.imagesPerSecond === undefined ? '–' : `${num(result.timing.imagesPerSecond)} images/s`],
            ['Finished', when(result?.finishedAt)],
            ['Created', when(spec.createdAt)],
          ]),
          h('h3', {}, 'Model files'),
          (data.modelFiles ?? []).length
            ? h(
                'ul',
                { class: 'files' },
                data.modelFiles.map((f) => h('li', {}, h('a', { href: f.url, download: f.name }, f.name))),
              )
            : h('p', { class: 'muted' }, 'No model files yet.'),
          data.modelFiles?.some((f) => f.name === 'model.json')
            ? h('p', {}, h('a', { href: `#/try/trial/${encodeURIComponent(route.id)}`, class: 'button', id: 'try-it-link' }, 'Try it: photo or webcam'))
            : null,
          result?.modelUri ? h('p', { class: 'muted' }, 'Stored at ', h('code', {}, result.modelUri)) : null,
        ),
      ),
      h('details', { class: 'raw' }, h('summary', {}, 'Raw JSON'), h('pre', {}, JSON.stringify(data, null, 2))),
    );
  }

  void refresh(); // refresh() reports its own errors on the page
  return {
    refresh,
    onProgress(ev) {
      if (ev.trialId !== id || !ev.progress) return;
      live.push(ev.progress);
      if (data && !data.result) {
        data.progress = ev.progress;
        data.status = 'active';
        render();
      }
    },
    onTrial(ev) {
      if (ev.trialId === id) ctx.debounce('trial', refresh, 300);
    },
  };
}

function mergeLive(live, progress) {
  const byEpoch = new Map();
  for (const p of [...(progress ? [progress] : []), ...live]) if (p?.epoch) byEpoch.set(p.epoch, p);
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}

function progressLine(p) {
  return h(
    'p',
    { class: 'progress-line' },
    h('progress', { max: p.epochs || 1, value: p.epoch ?? 0, 'aria-label': `epoch ${p.epoch} of ${p.epochs}` }),
    ` epoch ${p.epoch}/${p.epochs} · val acc ${pct(p.valAccuracy, 1)} · ${num(p.imagesPerSecond)} img/s`,
    timeLeftText(p) && h('span', { class: 'time-left' }, ` · ${timeLeftText(p)}`),
  );
}

function card(label, value) {
  return h('div', { class: 'card' }, h('dt', {}, label), h('dd', {}, value));
}

export function defs(pairs) {
  return h(
    'dl',
    { class: 'defs' },
    pairs.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

function configList(spec, result) {
  const model = spec.model ?? result?.model ?? {};
  const training = spec.training ?? result?.training ?? {};
  const dataset = spec.dataset ?? result?.dataset;
  const aug = training.augmentation;
  return defs([
    ['Dataset', h('code', {}, typeof dataset === 'string' ? dataset : (dataset?.uri ?? '–'))],
    ['Dataset version', typeof dataset === 'object' && dataset?.version ? h('code', {}, dataset.version) : '–'],
    ...Object.entries(model).map(([k, v]) => [k === 'architecture' ? 'Architecture' : paramLabel(k), compact(v)]),
    ...Object.entries(training)
      .filter(([k]) => k !== 'augmentation' && k !== 'earlyStopping')
      .map(([k, v]) => [paramLabel(k), compact(v)]),
    [
      'Augmentation',
      aug === false || aug === undefined
        ? 'none'
        : Object.entries(aug)
            .map(([k, v]) => `${k} ${compact(v)}`)
            .join(', '),
    ],
    ['Early stopping', training.earlyStopping ? `patience ${training.earlyStopping.patience}` : 'off'],
    ['Metric', spec.metric ?? 'val_accuracy'],
    ['Successive halving', spec.halving ? `rungs ${spec.halving.rungs.join(', ')} · η ${spec.halving.reductionFactor}` : 'off'],
  ]);
}

function backLink() {
  return h('p', { class: 'back' }, h('a', { href: '#/' }, '← Leaderboard'));
}
