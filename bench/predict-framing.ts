/**
 * How well `fermx predict` frames faces like FER2013 (`npm run bench:predict-framing`), not a test.
 *
 * Default: N FER2013 PublicTest rows (shared fer2013-train-publictest.csv.gz) are upscaled and
 * pasted, three per canvas, at seeded random places and sizes (96–256 px) into 960×720 canvases,
 * and predict's own pipeline (face-api detector → FER2013 framing → 48×48 grey → model) runs on
 * each canvas. Printed: faces found; the framing error (crop centre offset and size ratio against
 * the pasted square, which is the exact FER2013 crop); the model's accuracy on
 *   - the rows themselves (what `fermx evaluate` computes: 48×48 bytes /255 → model → argmax),
 *   - the pasted square cut back out with ferCrop (resampling loss alone),
 *   - predict's crops (faces not found count as wrong),
 * and how often predict's top class equals the one on the original row.
 * --measure: the face-api landmark net on the first N FER2013 rows (the whole 48×48 crop as the
 *   face box, as the dataset builder runs it) and the median of each framing measure: the figures
 *   in FER2013_FRAMING (libs/data/src/faces/fer-framing.ts).
 * Flags: --rows N (default 300; --measure 4096), --model DIR (default models/fer2013-m-xception,
 * 7 FER2013 classes, unmasked), --refinements N (default 1), --detector ssd|tiny, --min-score S
 * (default 0.5, predict's), --seed N.
 */
import { parseArgs } from 'node:util';
import {
  FaceApiLandmarkDetector,
  FER2013_EMOTIONS,
  FER2013_FRAMING,
  ferCrop,
  greyscale,
  measureLandmarks68,
  medianMeasures,
  readSource,
  type FaceBox,
  type FaceMeasures,
} from '@fermx/data';
import { composeFaceCanvas } from '@fermx/data/testing';
import { SHARED_FER2013, sharedDataPath } from '@fermx/testing';
import { Predictor } from '../apps/gpu-worker/src/prediction/predictor.js';

const { values } = parseArgs({
  options: {
    measure: { type: 'boolean', default: false },
    rows: { type: 'string' },
    model: { type: 'string', default: 'models/fer2013-m-xception' },
    refinements: { type: 'string', default: '1' },
    detector: { type: 'string', default: 'ssd' },
    seed: { type: 'string', default: '15' },
    'min-score': { type: 'string', default: '0.5' },
  },
});
const source = sharedDataPath(SHARED_FER2013.csv);
if (!source) {
  console.error('bench:predict-framing needs the shared FER2013 at ../shared/data/fer2013 (see its README.md)');
  process.exit(1);
}

async function measure(rows: number): Promise<void> {
  const net = await FaceApiLandmarkDetector.load();
  const images: Uint8Array[] = [];
  for await (const item of readSource({ source: source!, limit: rows })) if ('row' in item) images.push(item.row.pixels);
  const measures: FaceMeasures[] = [];
  for (let i = 0; i < images.length; i += 64) for (const l of await net.detect(images.slice(i, i + 64))) measures.push(measureLandmarks68(l));
  await net.dispose();
  const median = medianMeasures(measures);
  const spread = (pick: (m: FaceMeasures) => number) => {
    const v = measures.map(pick).sort((a, b) => a - b);
    const q = (p: number) => v[Math.round(p * (v.length - 1))]!;
    return `${((q(0.75) - q(0.25)) / Math.abs(q(0.5))).toFixed(3)}`;
  };
  const round = (x: number) => Math.round(x * 100) / 100;
  console.log(`FER2013 framing over ${measures.length} rows (face-api landmark net on the 48×48 crops):`);
  console.log(
    JSON.stringify({
      rows: measures.length,
      centroid: { x: round(median.centroid.x), y: round(median.centroid.y) },
      rmsRadius: round(median.rmsRadius),
      eyeMid: { x: round(median.eyeMid.x), y: round(median.eyeMid.y) },
      keypointScale: round(median.keypointScale),
    }),
  );
  console.log(
    `relative spread (p75 − p25) / median: rmsRadius ${spread((m) => m.rmsRadius)}, keypointScale ${spread((m) => m.keypointScale)}, centroid.x ${spread((m) => m.centroid.x)}, centroid.y ${spread((m) => m.centroid.y)}, eyeMid.y ${spread((m) => m.eyeMid.y)}`,
  );
  console.log(`in the code (FER2013_FRAMING): ${JSON.stringify(FER2013_FRAMING)}`);
}

const argmax = (p: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i;
  return best;
};
const quantiles = (values: number[]) => {
  const v = [...values].sort((a, b) => a - b);
  const q = (p: number) => v[Math.round(p * (v.length - 1))] ?? NaN;
  return `median ${q(0.5).toFixed(3)} (p10 ${q(0.1).toFixed(3)}, p90 ${q(0.9).toFixed(3)})`;
};
const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(1)} %`;

async function pasted(rows: number): Promise<void> {
  const faces: { pixels: Uint8Array; label: number }[] = [];
  for await (const item of readSource({ source: source! })) {
    if ('row' in item && item.row.usage === 'PublicTest')
      faces.push({ pixels: item.row.pixels, label: FER2013_EMOTIONS.indexOf(item.row.emotion as (typeof FER2013_EMOTIONS)[number]) });
    if (faces.length === rows) break;
  }
  const predictor = await Predictor.load({
    model: values.model!,
    backend: 'wasm',
    mask: 'never',
    detector: values.detector as 'ssd' | 'tiny',
    refinements: Number(values.refinements),
    minScore: Number(values['min-score']),
    env: process.env,
  });
  if (predictor.classes.join(',') !== FER2013_EMOTIONS.join(','))
    throw new Error(`--model must predict FER2013's seven classes; ${values.model} has ${predictor.classes.join(', ')}`);
  const direct = await predictor.probabilities(faces.map((f) => f.pixels));
  let found = 0;
  let rightDirect = 0;
  let rightOracle = 0;
  let rightPredict = 0;
  let rightDirectFound = 0;
  let sameTop = 0;
  let extra = 0;
  let seconds = 0;
  const offsets: number[] = [];
  const ratios: number[] = [];
  const probabilityGaps: number[] = [];
  const perCanvas = 3;
  for (let start = 0; start < faces.length; start += perCanvas) {
    const group = faces.slice(start, start + perCanvas);
    const { photo, pasted } = await composeFaceCanvas(
      group.map((f) => f.pixels),
      { seed: Number(values.seed) * 100_003 + start },
    );
    const grey = greyscale(photo.data, photo.width, photo.height, 3);
    const oracle = await predictor.probabilities(pasted.map((p) => ferCrop(grey, p.box)));
    const t0 = performance.now();
    const framed = await predictor.frame(photo);
    const predicted = await predictor.probabilities(framed.map((f) => f.pixels));
    seconds += (performance.now() - t0) / 1000;
    const used = new Set<number>();
    for (const [k, paste] of pasted.entries()) {
      const face = group[k]!;
      const i = start + k;
      if (argmax(direct[i]!) === face.label) rightDirect++;
      if (argmax(oracle[k]!) === face.label) rightOracle++;
      const inside = (b: FaceBox) => {
        const cx = b.x + b.width / 2;
        const cy = b.y + b.height / 2;
        return cx >= paste.box.x && cx <= paste.box.x + paste.box.width && cy >= paste.box.y && cy <= paste.box.y + paste.box.height;
      };
      const j = framed.findIndex((f, n) => !used.has(n) && inside(f.detection));
      if (j < 0) continue;
      used.add(j);
      found++;
      const box = framed[j]!.box;
      offsets.push(
        Math.hypot(box.x + box.width / 2 - (paste.box.x + paste.box.width / 2), box.y + box.height / 2 - (paste.box.y + paste.box.height / 2)) /
          paste.box.width,
      );
      ratios.push(box.width / paste.box.width);
      const p = predicted[j]!;
      if (argmax(p) === face.label) rightPredict++;
      if (argmax(direct[i]!) === face.label) rightDirectFound++;
      if (argmax(p) === argmax(direct[i]!)) sameTop++;
      let gap = 0;
      for (let c = 0; c < p.length; c++) gap = Math.max(gap, Math.abs(p[c]! - direct[i]![c]!));
      probabilityGaps.push(gap);
    }
    extra += framed.length - used.size;
  }
  await predictor.dispose();
  const n = faces.length;
  console.log(
    `${n} FER2013 PublicTest rows pasted ${perCanvas} per 960×720 canvas (96–256 px), model ${values.model}, detector ${values.detector} (min score ${values['min-score']}), refinements ${values.refinements}`,
  );
  console.log(`faces found: ${found}/${n} (${pct(found, n)}), ${extra} detections that are no pasted face`);
  console.log(`framing vs the pasted square: centre offset / side ${quantiles(offsets)}; side ratio ${quantiles(ratios)}`);
  console.log(`accuracy on the rows (fermx evaluate's computation): ${pct(rightDirect, n)}`);
  console.log(`accuracy on the pasted square cut back out (ferCrop): ${pct(rightOracle, n)}`);
  console.log(
    `accuracy through predict (not found = wrong): ${pct(rightPredict, n)}; on the ${found} found: ${pct(rightPredict, found)} (the same ${found} rows themselves: ${pct(rightDirectFound, found)})`,
  );
  console.log(`predict's top class = the row's top class: ${pct(sameTop, found)} of found; max |Δp| per face ${quantiles(probabilityGaps)}`);
  console.log(`predict pipeline (detect + frame + model): ${(seconds / (n / perCanvas)).toFixed(2)} s per canvas, ${(found / seconds).toFixed(1)} faces/s`);
}

if (values.measure) await measure(Number(values.rows ?? 4096));
else await pasted(Number(values.rows ?? 300));
