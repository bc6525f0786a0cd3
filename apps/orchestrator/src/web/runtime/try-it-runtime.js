// The Try-it page's compute runtime, bundled by `fermx serve` (web/try-it-bundle.ts) into
// /vendor/try-it-runtime.js: TensorFlow.js, face-api's 68-point landmark net, and the framing,
// crop and mask code `fermx predict` runs (aliased from libs/data), so the page and the CLI cut
// and mask the same 48×48 face, and the class-prior shift `fermx predict --class-prior` applies
// and the test-time views `fermx predict` reads a model with (aliased from libs/models). Face
// detection (MediaPipe Tasks) stays in the page.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as faceapi from '@vladmandic/face-api/dist/face-api.esm-nobundle.js';
import { ferCrop, greyscale } from 'fermx:fer-crop';
import { FER_SIDE, ferBoxFromKeypoints, ferBoxFromLandmarks68, pointsInImage } from 'fermx:fer-framing';
import { maskSvg } from 'fermx:mask-shape';
import { maskSpecFor } from 'fermx:mask-style';
import { priorShiftWeights, shiftPrior } from 'fermx:class-prior';
import { predictProbabilities, recordedTestTimeAugmentation, viewCount } from 'fermx:test-time-views';
import { keypointBox, plausibleRefinement } from './keypoint-box.ts';

export {
  tf,
  FER_SIDE,
  ferBoxFromKeypoints,
  ferBoxFromLandmarks68,
  ferCrop,
  greyscale,
  pointsInImage,
  maskSpecFor,
  keypointBox,
  plausibleRefinement,
  priorShiftWeights,
  recordedTestTimeAugmentation,
  viewCount,
};

/** The WebGL renderer's name, and whether it is a software rasteriser (no GPU). */
export function webglRenderer() {
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2') ?? new OffscreenCanvas(1, 1).getContext('webgl');
  if (!gl) return { renderer: 'none', software: true };
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  return { renderer, software: /swiftshader|llvmpipe|softpipe|software/i.test(renderer) };
}

/**
 * WebGL where the browser has a GPU, else wasm (on a software WebGL such as SwiftShader the wasm
 * backend is many times faster); `preferred` forces one.
 */
export async function initBackend(preferred) {
  setWasmPaths('/vendor/tfjs-wasm/');
  const order = preferred ? [preferred] : webglRenderer().software ? ['wasm', 'cpu'] : ['webgl', 'wasm', 'cpu'];
  for (const name of order) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return tf.getBackend();
      }
    } catch {
      // next backend
    }
  }
  throw new Error(`no TensorFlow.js backend could start (tried ${order.join(', ')})`);
}

export async function loadLandmarkNet() {
  if (!faceapi.nets.faceLandmark68Net.isLoaded) await faceapi.nets.faceLandmark68Net.loadFromUri('/vendor/face-api');
}

/** 68 landmarks (x0,y0,…, 48×48 crop pixels) per grey 48×48 crop, as the dataset builder finds them. */
export async function landmarks68(crops) {
  if (crops.length === 0) return [];
  const inputs = crops.map((crop) => {
    const rgb = new Float32Array(FER_SIDE * FER_SIDE * 3);
    for (let i = 0; i < crop.length; i++) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = crop[i];
    return tf.tensor4d(rgb, [1, FER_SIDE, FER_SIDE, 3]);
  });
  try {
    const result = await faceapi.nets.faceLandmark68Net.detectLandmarks(inputs);
    return (Array.isArray(result) ? result : [result]).map(({ positions }) => {
      const out = new Float32Array(136);
      positions.forEach((p, i) => {
        out[2 * i] = p.x;
        out[2 * i + 1] = p.y;
      });
      return out;
    });
  } finally {
    for (const t of inputs) t.dispose();
  }
}

/**
 * FER2013-framed 48×48 grey crops of the faces MediaPipe found: the box from the detector's eye
 * and mouth keypoints, then (as `fermx predict` does) re-derived from the 68 landmarks found on
 * the crop itself, `refinements` times.
 */
export async function frameFaces(grey, keypointsList, refinements = 1) {
  let boxes = keypointsList.map((k) => keypointBox(k));
  let crops = boxes.map((box) => ferCrop(grey, box));
  let landmarks = await landmarks68(crops);
  for (let round = 0; round < refinements; round++) {
    const refined = boxes.map((box, i) => ferBoxFromLandmarks68(pointsInImage(landmarks[i], box)));
    // Landmarks that lost the face (a strongly turned head) would move the box off it: such a
    // face keeps the detector's framing.
    const keep = refined.map((r, i) => plausibleRefinement(boxes[i], r));
    if (!keep.some(Boolean)) break;
    boxes = boxes.map((box, i) => (keep[i] ? refined[i] : box));
    crops = crops.map((crop, i) => (keep[i] ? ferCrop(grey, boxes[i]) : crop));
    const found = await landmarks68(crops.filter((_, i) => keep[i]));
    landmarks = landmarks.map((l, i) => (keep[i] ? found.shift() : l));
  }
  return boxes.map((box, i) => ({ box, pixels: crops[i], landmarks: landmarks[i] }));
}

/**
 * Draws fermx's synthetic mask on a 48×48 grey face, as libs/data's drawMasks does: the same SVG
 * (maskSvg) rasterised at `supersample`×, box-filtered with premultiplied alpha and blended over
 * the face; the browser's SVG renderer stands in for librsvg.
 */
export async function drawMask(face, landmarks, spec, supersample = 3) {
  const tile = FER_SIDE * supersample;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${tile}" height="${tile}" viewBox="0 0 ${tile} ${tile}"><clipPath id="c0"><rect x="0" y="0" width="${FER_SIDE}" height="${FER_SIDE}"/></clipPath><g transform="scale(${supersample})" clip-path="url(#c0)">${maskSvg(landmarks, spec, '0')}</g></svg>`;
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await image.decode();
  const canvas = new OffscreenCanvas(tile, tile);
  const g = canvas.getContext('2d', { willReadFrequently: true });
  g.drawImage(image, 0, 0, tile, tile);
  const data = g.getImageData(0, 0, tile, tile).data;
  const out = new Uint8Array(FER_SIDE * FER_SIDE);
  const area = supersample * supersample;
  for (let y = 0; y < FER_SIDE; y++) {
    for (let x = 0; x < FER_SIDE; x++) {
      let alpha = 0;
      let grey = 0;
      for (let dy = 0; dy < supersample; dy++) {
        let at = ((y * supersample + dy) * tile + x * supersample) * 4;
        for (let dx = 0; dx < supersample; dx++, at += 4) {
          // Canvas pixels are un-premultiplied: weight the colour by alpha as librsvg's premultiplied output is.
          const a = data[at + 3] / 255;
          alpha += a;
          grey += a * (0.299 * data[at] + 0.587 * data[at + 1] + 0.114 * data[at + 2]);
        }
      }
      alpha /= area;
      grey /= area;
      const p = y * FER_SIDE + x;
      out[p] = Math.round(face[p] * (1 - alpha) + grey);
    }
  }
  return out;
}

/** A fermx model (tfjs LayersModel) from its model.json URL. */
export function loadClassifier(url) {
  return tf.loadLayersModel(url);
}

/**
 * Class probabilities per 48×48 grey crop (pixels / 255, as fermx trains), the mean over the
 * test-time views `tta` names (recordedTestTimeAugmentation: the ones the model's accuracy was
 * measured with, as `fermx predict` reads it); with `priorWeights` (priorShiftWeights) they are
 * moved to another class mix, as `fermx predict --class-prior` does.
 */
export function classify(model, crops, priorWeights, tta = 'none') {
  if (crops.length === 0) return [];
  const n = crops.length;
  const input = new Float32Array(n * FER_SIDE * FER_SIDE);
  crops.forEach((crop, i) => {
    for (let p = 0; p < crop.length; p++) input[i * crop.length + p] = crop[p] / 255;
  });
  const probs = tf.tidy(() => {
    const output = predictProbabilities(model, tf.tensor4d(input, [n, FER_SIDE, FER_SIDE, 1]), tta);
    return (priorWeights ? shiftPrior(output, priorWeights) : output).dataSync();
  });
  const k = probs.length / n;
  return crops.map((_, i) => Array.from(probs.subarray(i * k, (i + 1) * k)));
}

/**
 * Occlusion sensitivity: a grey (128) `patch`×`patch` square slid over the 48×48 input at
 * `stride`; for each position the drop of `classIndex`'s probability (under `priorWeights`'
 * class mix when given and read with the views `tta` names, as classify). Returns the grid (rows × cols of drops, row-major) and the
 * positions' top-left pixels. All positions run as one batch.
 */
export function occlusionMap(model, crop, classIndex, { patch = 12, stride = 6, priorWeights, tta = 'none' } = {}) {
  const positions = [];
  for (let y = 0; y + patch <= FER_SIDE; y += stride) for (let x = 0; x + patch <= FER_SIDE; x += stride) positions.push({ x, y });
  const batch = positions.map(({ x, y }) => {
    const occluded = Uint8Array.from(crop);
    for (let dy = 0; dy < patch; dy++) occluded.fill(128, (y + dy) * FER_SIDE + x, (y + dy) * FER_SIDE + x + patch);
    return occluded;
  });
  const [base] = classify(model, [crop], priorWeights, tta);
  const drops = classify(model, batch, priorWeights, tta).map((p) => base[classIndex] - p[classIndex]);
  const cols = Math.floor((FER_SIDE - patch) / stride) + 1;
  return { drops, cols, rows: positions.length / cols, patch, stride, base: base[classIndex] };
}
