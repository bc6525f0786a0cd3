// "Try it": a model on a photo or the webcam, in the page. #/try lists promoted models;
// #/try/trial/<trialId> and #/try/model/<name@alias> run one. Faces are found with MediaPipe
// Tasks (FaceDetector), framed, masked and classified as `fermx predict` does (try-it-pipeline.js).
import { h, panel, replace } from '../lib/dom.js';
import { trialHref } from '../lib/model.js';
import { createPipeline } from './try-it-pipeline.js';
import { promotedModel, promotedModels, trialModel } from './try-it-models.js';
import { base64, drawCrop, drawFrame, drawOcclusion } from './try-it-draw.js';

const pct = (p) => `${(p * 100).toFixed(1)} %`;
const pctOrDash = (p) => (typeof p === 'number' ? pct(p) : '–');

export function tryItView(root, route, ctx) {
  const [kind, ...rest] = (route.id ?? '').split('/');
  const ref = rest.join('/');
  if (!kind) return promotedList(root, ctx);
  const heading = h('h1', { tabindex: '-1' }, 'Try it');
  replace(root, heading, h('p', { class: 'muted', id: 'try-status', role: 'status' }, 'Loading the model…'));
  ctx.rendered();
  (kind === 'trial' ? trialModel(ref) : promotedModel(ref))
    .then(
      (model) => ctx.alive() && tryItPage(root, model, ctx, { trialId: kind === 'trial' ? ref : undefined, backend: route.query.get('backend') ?? undefined }),
    )
    .catch((error) => ctx.alive() && ctx.showError(`Try it: ${error.message}`));
  return {};
}

function promotedList(root, ctx) {
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading promoted models…'));
  replace(
    root,
    h('h1', { tabindex: '-1' }, 'Try it'),
    h('p', {}, 'Run a model on a photo or your webcam, in this page: promoted models below, or "Try it" on any trial page.'),
    panel('promoted-h', 'Promoted models', body),
  );
  ctx.rendered();
  promotedModels()
    .then((models) => {
      if (!ctx.alive()) return;
      if (models.length === 0) return replace(body, h('p', { class: 'muted' }, 'No promoted models yet (fermx model promote TRIAL --name NAME).'));
      // One row per alias, and one per version no alias points at.
      const rows = models.flatMap((m) => {
        const aliased = Object.entries(m.aliases ?? {}).map(([alias, version]) => ({ ref: `${m.name}@${alias}`, version }));
        const pointed = new Set(aliased.map((a) => a.version));
        const plain = (m.versions ?? []).filter((v) => !pointed.has(v.version)).map((v) => ({ ref: `${m.name}@v${v.version}`, version: v.version }));
        return [...aliased, ...plain].map((r) => ({ ...r, lineage: (m.versions ?? []).find((v) => v.version === r.version) }));
      });
      replace(
        body,
        h(
          'table',
          { id: 'promoted-models' },
          h('caption', { class: 'visually-hidden' }, 'Promoted models'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Model', 'Version', 'Classes', 'Val accuracy', 'Macro-F1', 'Trial', ''].map((t) => h('th', { scope: 'col' }, t)),
            ),
          ),
          h(
            'tbody',
            {},
            rows.map(({ ref, version, lineage }) => {
              const trialId = lineage?.trial?.trialId;
              return h(
                'tr',
                { 'data-ref': ref },
                h('th', { scope: 'row' }, ref),
                h('td', {}, version),
                h('td', {}, (lineage?.dataset?.classes ?? []).join(', ') || '–'),
                h('td', {}, pctOrDash(lineage?.metrics?.valAccuracy)),
                h('td', {}, lineage?.metrics?.macroF1 === undefined ? '–' : lineage.metrics.macroF1.toFixed(3)),
                h('td', {}, trialId ? h('a', { href: trialHref(trialId) }, trialId) : '–'),
                h('td', {}, h('a', { href: `#/try/model/${encodeURIComponent(ref)}`, class: 'button' }, 'Try it')),
              );
            }),
          ),
        ),
      );
    })
    .catch((error) => ctx.alive() && replace(body, h('p', { class: 'error' }, `Could not list promoted models: ${error.message}`)));
}

function tryItPage(root, model, ctx, { trialId, backend }) {
  const status = h('p', { class: 'muted', id: 'try-status', role: 'status' }, 'Loading the face detector and the model…');
  const fps = h('p', { id: 'try-fps', class: 'muted', 'aria-live': 'off' }, '');
  const fileInput = h('input', { type: 'file', id: 'try-photo', accept: 'image/*', disabled: true });
  const cameraButton = h('button', { type: 'button', id: 'try-camera', disabled: true }, 'Use webcam');
  const stopButton = h('button', { type: 'button', id: 'try-stop', class: 'secondary', hidden: true }, 'Stop');
  const maskSelect = h(
    'select',
    { id: 'try-mask' },
    h('option', { value: 'auto' }, `auto: ${model.masked ? 'draw a mask' : 'no mask'} (${model.maskedWhy})`),
    h('option', { value: 'always' }, 'always'),
    h('option', { value: 'never' }, 'never'),
  );
  // The class mix the probabilities are read under (`fermx predict --class-prior`).
  const uncappedOffered = model.classPriors.choices.includes('uncapped');
  const priorSelect = h(
    'select',
    { id: 'try-prior', disabled: !uncappedOffered, title: model.classPriors.why },
    h('option', { value: 'trained', title: 'the class mix of the training split' }, 'as trained'),
    h('option', { value: 'uncapped', disabled: !uncappedOffered, title: 'the class mix of the dataset before its per-class caps' }, 'uncapped'),
  );
  // How many views each face is read with: the ones its accuracy was measured with (the model's
  // metadata, as `fermx predict` reads it), or one, which is faster on a slow machine (`predict --tta none`).
  const viewsSelect = h(
    'select',
    { id: 'try-views', disabled: true },
    h('option', { value: 'recorded' }, 'as measured'),
    h('option', { value: 'one' }, 'one (faster)'),
  );
  const frame = h('canvas', { id: 'try-frame', role: 'img', 'aria-label': 'The photo or camera frame with the faces found' });
  const faces = h('div', { id: 'try-faces', class: 'try-faces' });
  const video = h('video', { id: 'try-video', muted: true, playsinline: true, hidden: true });
  replace(
    root,
    h('h1', { tabindex: '-1' }, `Try it: ${model.title}`),
    h('p', { class: 'muted' }, `Classes: ${model.classes.join(', ')}. `, trialId ? h('a', { href: trialHref(trialId) }, 'Trial page') : null),
    h(
      'div',
      { class: 'try-controls' },
      h('label', { for: 'try-photo' }, 'Photo '),
      fileInput,
      cameraButton,
      stopButton,
      h('label', { for: 'try-mask' }, 'Mask '),
      maskSelect,
      h('label', { for: 'try-prior' }, 'Class prior '),
      priorSelect,
      h('label', { for: 'try-views' }, 'Views '),
      viewsSelect,
    ),
    uncappedOffered ? null : h('p', { class: 'muted small', id: 'try-prior-why' }, `Class prior: as trained only (${model.classPriors.why}).`),
    status,
    fps,
    h('div', { class: 'try-stage' }, frame, video, faces),
    h(
      'p',
      { class: 'muted small' },
      "Everything runs in this page: faces are found with MediaPipe's face detector, each is framed like a FER2013 face and turned into the 48×48 grey crop the model sees (masked when the model was trained on masks), and the model runs with TensorFlow.js, averaged over the test-time views its accuracy was measured with. Nothing is uploaded.",
    ),
  );
  ctx.rendered();

  let pipeline;
  let stream;
  let runId = 0;
  createPipeline(model, { backend })
    .then((p) => {
      if (!ctx.alive()) return p.close();
      pipeline = p;
      root.dataset.backend = p.backend;
      status.textContent = `Ready. TensorFlow.js backend: ${p.backend}. ${p.tta === 'none' ? 'One view per face.' : `Each face is read as ${p.views} views (${p.tta}), as fermx evaluate and fermx predict read this model.`}`;
      root.dataset.tta = p.tta;
      viewsSelect.options[0].textContent = p.tta === 'none' ? 'as measured: one' : `as measured: ${p.views} (${p.tta})`;
      viewsSelect.disabled = p.tta === 'none';
      fileInput.disabled = false;
      cameraButton.disabled = !navigator.mediaDevices?.getUserMedia;
    })
    .catch((error) => {
      status.textContent = `Could not start: ${error.message}`;
      ctx.showError(`Try it: ${error.message}`);
    });

  const stopCamera = () => {
    runId++;
    stream?.getTracks().forEach((t) => t.stop());
    stream = undefined;
    stopButton.hidden = true;
    cameraButton.hidden = false;
  };
  stopButton.addEventListener('click', stopCamera);

  const options = () => ({ mask: maskSelect.value, classPrior: priorSelect.value, views: viewsSelect.value });
  // A still is analysed again when a setting changes; the webcam picks settings up on its next frame.
  const rerunStill = () => {
    if (root.dataset.state === 'still') void runStill();
  };
  maskSelect.addEventListener('change', rerunStill);
  priorSelect.addEventListener('change', rerunStill);
  viewsSelect.addEventListener('change', rerunStill);
  fileInput.addEventListener('change', () => void runStill());

  async function runStill() {
    const file = fileInput.files?.[0];
    if (!file || !pipeline) return;
    stopCamera();
    const id = ++runId;
    status.textContent = `Reading ${file.name}…`;
    try {
      const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
      const rgba = imageData(bitmap, bitmap.width, bitmap.height);
      const started = performance.now();
      const found = await pipeline.detect(bitmap, bitmap.width, bitmap.height);
      const detected = performance.now();
      const settings = options();
      const results = await pipeline.analyse(rgba, found, settings);
      if (id !== runId || !ctx.alive()) return;
      const analysed = performance.now();
      drawFrame(frame, bitmap, bitmap.width, bitmap.height, results);
      renderFaces(faces, results, model, settings, pipeline);
      root.dataset.state = 'still';
      const ms = (a, b) => Math.round(b - a);
      status.textContent = `${file.name}: ${results.length} face${results.length === 1 ? '' : 's'} found, class prior ${settings.classPrior}, ${viewsText(settings.views === 'one' ? 1 : pipeline.views)} per face (detection ${ms(started, detected)} ms, framing and model ${ms(detected, analysed)} ms, occlusion maps ${ms(analysed, performance.now())} ms).`;
      fps.textContent = '';
    } catch (error) {
      status.textContent = `${file.name}: ${error.message}`;
    }
  }

  cameraButton.addEventListener('click', async () => {
    if (!pipeline) return;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
    } catch (error) {
      status.textContent = `No camera: ${error.message}`;
      return;
    }
    video.srcObject = stream;
    await video.play();
    cameraButton.hidden = true;
    stopButton.hidden = false;
    root.dataset.state = 'live';
    const id = ++runId;
    const times = [];
    let frames = 0;
    const loop = async () => {
      if (id !== runId) return;
      if (!ctx.alive()) return stopCamera();
      const width = video.videoWidth;
      const height = video.videoHeight;
      if (width && height) {
        const rgba = imageData(video, width, height);
        const found = await pipeline.detect(video, width, height, performance.now());
        const settings = options();
        const results = await pipeline.analyse(rgba, found, settings);
        if (id !== runId) return;
        drawFrame(frame, video, width, height, results);
        renderFaces(faces, results, model, settings);
        frames++;
        const now = performance.now();
        times.push(now);
        while (times.length && times[0] < now - 2000) times.shift();
        const rate = times.length > 1 ? ((times.length - 1) * 1000) / (times[times.length - 1] - times[0]) : 0;
        fps.textContent = `${rate.toFixed(1)} frames/s (backend ${pipeline.backend})`;
        fps.dataset.fps = rate.toFixed(3);
        fps.dataset.frames = String(frames);
        status.textContent = `Webcam: ${results.length} face${results.length === 1 ? '' : 's'}.`;
      }
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  });
  return {};
}

const viewsText = (n) => `${n} view${n === 1 ? '' : 's'}`;

const scratch = document.createElement('canvas');
/** The frame's RGBA pixels at full resolution (what framing crops from). */
function imageData(source, width, height) {
  scratch.width = width;
  scratch.height = height;
  const g = /** @type {CanvasRenderingContext2D} */ (scratch.getContext('2d', { willReadFrequently: true }));
  g.drawImage(source, 0, 0, width, height);
  return g.getImageData(0, 0, width, height);
}

/**
 * One card per face: the crop the model saw, probabilities under `settings.classPrior` read with
 * `settings.views`, and (stills) the occlusion map read the same way.
 */
function renderFaces(container, results, model, settings, pipelineForOcclusion) {
  const { classPrior, views } = settings;
  replace(
    container,
    results.length === 0 ? h('p', { class: 'muted' }, 'No face found.') : null,
    results.map((face, i) => {
      const crop = h('canvas', {
        class: 'crop',
        'data-masked': String(face.masked),
        'data-pixels': base64(face.crop),
        role: 'img',
        'aria-label': `Face ${i + 1} as the model sees it: 48×48 grey${face.masked ? ', masked' : ''}`,
      });
      drawCrop(crop, face.crop);
      const order = face.probabilities.map((p, c) => ({ p, c }));
      const list = h(
        'ol',
        { class: 'probs' },
        order.map(({ p, c }) =>
          h(
            'li',
            { 'data-class': model.classes[c], 'data-p': String(p), class: c === face.top ? 'best' : undefined },
            h('span', { class: 'name' }, model.classes[c]),
            h('span', { class: 'bar', 'aria-hidden': 'true' }, h('span', { class: 'fill', style: undefined, 'data-w': String(Math.round(p * 100)) })),
            h('span', { class: 'value' }, pct(p)),
          ),
        ),
      );
      for (const fill of list.querySelectorAll('.fill')) fill.style.width = `${fill.dataset.w}%`;
      const card = h(
        'article',
        {
          class: 'face panel',
          'data-face': String(i),
          'data-top': face.label,
          'data-prior': classPrior,
          'data-views': String(face.views),
          'data-box': [face.box.x, face.box.y, face.box.width, face.box.height].map((v) => v.toFixed(1)).join(','),
        },
        h('h3', {}, `Face ${i + 1}: ${face.label} ${pct(face.probabilities[face.top])}`),
        h(
          'div',
          { class: 'face-body' },
          h('figure', {}, crop, h('figcaption', { class: 'muted small' }, face.masked ? 'Model input (masked)' : 'Model input')),
          list,
        ),
      );
      if (pipelineForOcclusion) {
        const map = pipelineForOcclusion.occlusion(face.crop, face.top, classPrior, views);
        const heat = h('canvas', {
          class: 'occlusion',
          role: 'img',
          'aria-label': `Occlusion map of face ${i + 1}: where a grey patch lowers "${face.label}" most`,
        });
        const { max } = drawOcclusion(heat, face.crop, map);
        heat.dataset.maxDrop = max.toFixed(4);
        card
          .querySelector('.face-body')
          .append(
            h(
              'figure',
              {},
              heat,
              h(
                'figcaption',
                { class: 'muted small' },
                `Occlusion: a ${map.patch}×${map.patch} grey patch, bright where it lowers "${face.label}" most (up to ${pct(max)})`,
              ),
            ),
          );
      }
      return card;
    }),
  );
}
