// The Try-it pipeline in the page: MediaPipe Tasks' FaceDetector finds faces, the bundled runtime
// (/vendor/try-it-runtime.js: TensorFlow.js, face-api's landmark net, fermx's framing and masks)
// frames each face the way `fermx predict` does, masks it when the model was trained on masks,
// and classifies it. Everything loads from this server (/vendor/… is an allow-list of npm files).

const DETECTOR_MODEL = '/vendor/models/blaze_face_short_range.tflite';
const TASKS_VISION = '/vendor/tasks-vision/vision_bundle.mjs';
const TASKS_WASM = '/vendor/tasks-vision/wasm';
const RUNTIME = '/vendor/try-it-runtime.js';

/**
 * The mask fermx draws for a model trained on masks: the one `fermx predict` draws
 * (apps/gpu-worker/src/prediction/predictor.ts, PREDICT_MASK), a plain surgical mask.
 */
const predictMask = (runtime) => ({ ...runtime.maskSpecFor(2020, 0, ['surgical-white']), topOnBridge: 0.35, chinDrop: 0.06 });

let runtimePromise;
/** The bundled runtime, loaded once per page (the bundle is a few MB). */
export function loadRuntime() {
  runtimePromise ??= import(RUNTIME);
  return runtimePromise;
}

/**
 * Creates the detector and the runtime for one model. `model` is { url (model.json), classes,
 * masked, classPriors } (classPriors from lib/class-priors.js: its classMix is set when the model
 * can be read under the uncapped mix; metadata is its metadata.json). Returns { backend, tta, views,
 * detect(source, mode, timestamp), analyse(source, faces), occlusion(crop, class) }.
 * @param {{ url: string, classes: string[], masked?: boolean, metadata?: object, classPriors?: { classMix?: { train: Record<string, number>, uncapped: Record<string, number> } } }} model
 * @param {{ backend?: string, minConfidence?: number }} [options]
 */
export async function createPipeline(model, { backend: preferredBackend, minConfidence = 0.5 } = {}) {
  const [vision, runtime] = await Promise.all([import(TASKS_VISION), loadRuntime()]);
  const backend = await runtime.initBackend(preferredBackend);
  const fileset = await vision.FilesetResolver.forVisionTasks(TASKS_WASM);
  const detector = await vision.FaceDetector.createFromOptions(fileset, {
    baseOptions: { modelAssetPath: DETECTOR_MODEL, delegate: 'CPU' },
    runningMode: 'IMAGE',
    minDetectionConfidence: minConfidence,
  });
  let mode = 'IMAGE';
  const [classifier] = await Promise.all([runtime.loadClassifier(model.url), runtime.loadLandmarkNet()]);
  const maskSpec = predictMask(runtime);
  // The views each face is averaged over: the ones the model's accuracy was measured with, as
  // `fermx predict` reads it (metadata.json's evaluation.tta, else training.tta, else one view).
  const tta = runtime.recordedTestTimeAugmentation(model.metadata);
  // Per class prior (lib/class-priors.js), the weights classify applies: none for 'trained'.
  const mix = model.classPriors?.classMix;
  const priorWeights = {
    trained: undefined,
    uncapped: mix ? runtime.priorShiftWeights(model.classes, mix.train, mix.uncapped) : undefined,
  };
  const weightsFor = (classPrior) => {
    if (!(classPrior in priorWeights)) throw new Error(`unknown class prior ${classPrior}`);
    if (classPrior === 'uncapped' && !priorWeights.uncapped) throw new Error('this model records no uncapped class mix');
    return priorWeights[classPrior];
  };

  /** Faces in an image or video frame: box (pixels) and the three keypoints framing needs. */
  async function detect(source, width, height, timestamp) {
    const wanted = timestamp === undefined ? 'IMAGE' : 'VIDEO';
    if (wanted !== mode) {
      await detector.setOptions({ runningMode: wanted });
      mode = wanted;
    }
    const result = wanted === 'IMAGE' ? detector.detect(source) : detector.detectForVideo(source, timestamp);
    return result.detections
      .map((d) => {
        const k = d.keypoints.map((p) => ({ x: p.x * width, y: p.y * height }));
        return {
          detection: { x: d.boundingBox.originX, y: d.boundingBox.originY, width: d.boundingBox.width, height: d.boundingBox.height },
          score: d.categories[0]?.score ?? 0,
          // MediaPipe's keypoints: 0 right eye, 1 left eye, 2 nose tip, 3 mouth centre, 4–5 ears.
          keypoints: { rightEye: k[0], leftEye: k[1], mouth: k[3] },
        };
      })
      .sort((a, b) => a.detection.x - b.detection.x || a.detection.y - b.detection.y);
  }

  /** The views to read with: 'recorded' (the model's, above) or 'one' (as `fermx predict --tta none`). */
  const ttaFor = (views) => {
    if (views !== 'recorded' && views !== 'one') throw new Error(`unknown views ${views}`);
    return views === 'one' ? 'none' : tta;
  };

  /**
   * Frames, masks and classifies every face of one frame. `rgba` is the frame's ImageData;
   * `classPrior` 'trained' or 'uncapped' (as `fermx predict --class-prior`); `views` 'recorded'
   * or 'one'. Returns per face: detection, FER box, the 48×48 crop the model sees, probabilities,
   * top class, and how many views it was read with.
   */
  async function analyse(rgba, faces, { mask = 'auto', refinements = 1, classPrior = 'trained', views = 'recorded' } = {}) {
    const weights = weightsFor(classPrior);
    const reading = ttaFor(views);
    if (faces.length === 0) return [];
    const grey = runtime.greyscale(rgba.data, rgba.width, rgba.height, 4);
    const framed = await runtime.frameFaces(
      grey,
      faces.map((f) => f.keypoints),
      refinements,
    );
    const masked = mask === 'always' || (mask === 'auto' && model.masked);
    const inputs = masked ? await Promise.all(framed.map((f) => runtime.drawMask(f.pixels, f.landmarks, maskSpec))) : framed.map((f) => f.pixels);
    const probabilities = runtime.classify(classifier, inputs, weights, reading);
    return faces.map((face, i) => {
      const probs = probabilities[i];
      const top = probs.indexOf(Math.max(...probs));
      return {
        ...face,
        box: framed[i].box,
        crop: inputs[i],
        masked,
        probabilities: probs,
        top,
        label: model.classes[top] ?? String(top),
        views: runtime.viewCount(reading),
      };
    });
  }

  /** Occlusion sensitivity of one 48×48 input for its top class, under the same class prior and views. */
  function occlusion(crop, classIndex, classPrior = 'trained', views = 'recorded') {
    return runtime.occlusionMap(classifier, crop, classIndex, { priorWeights: weightsFor(classPrior), tta: ttaFor(views) });
  }

  return { backend, tta, views: runtime.viewCount(tta), detect, analyse, occlusion, close: () => detector.close() };
}
