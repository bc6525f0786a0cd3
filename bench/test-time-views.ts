/**
 * Whether turned and scaled views add to the ten views fermx reads (`npm run bench:views`), not a
 * test: docs/RESULTS.md "Eighteen views at test time" declared this comparison and reports it.
 *
 *   npm run bench:views -- --dataset URI [--split val|publictest] MODEL_DIR...
 *
 * Each model is read on the split twice: with `flip-shift` (the image and its mirror, each as it
 * is and moved 2 px four ways: ten views) and with those ten plus eight more, the face turned by
 * ±5° and scaled by 0.95 and 1.05 about its centre, each with its mirror (bilinear sampling,
 * nearest-edge fill, as the training augmentation samples). Printed per model: correct images,
 * accuracy and the mean cross-entropy of each reading.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { openDataset } from '@fermx/data';
import { INPUT_SIZE, initBackend, loadModelArtifacts, predictProbabilities } from '@fermx/models';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { dataset: { type: 'string' }, split: { type: 'string', default: 'val' } },
});
const split = values.split as 'val' | 'publictest';
if (!values.dataset || positionals.length === 0 || !['val', 'publictest'].includes(split)) {
  console.error('usage: npm run bench:views -- --dataset URI [--split val|publictest] MODEL_DIR...');
  process.exit(2);
}

const centre = (INPUT_SIZE - 1) / 2;

/** tf.image.transform's output → input map for a turn by `degrees` and a scale by `zoom` about the centre. */
function turnAndScale(degrees: number, zoom: number): number[] {
  const theta = (degrees * Math.PI) / 180;
  const [m00, m01, m10, m11] = [Math.cos(theta) * zoom, -Math.sin(theta) * zoom, Math.sin(theta) * zoom, Math.cos(theta) * zoom];
  return [m00, m01, centre - m00 * centre - m01 * centre, m10, m11, centre - m10 * centre - m11 * centre, 0, 0];
}
const EXTRA_VIEWS = [turnAndScale(5, 1), turnAndScale(-5, 1), turnAndScale(0, 0.95), turnAndScale(0, 1.05)];

const READINGS = ['ten', 'eighteen'] as const;
type Reading = (typeof READINGS)[number];

/** A batch's mean probabilities under ten views and under eighteen; the eighteen reuse the ten's passes. */
function readBatch(model: tf.LayersModel, images: tf.Tensor4D): Record<Reading, tf.Tensor2D> {
  const ten = predictProbabilities(model, images, 'flip-shift');
  const extra = EXTRA_VIEWS.flatMap((m) => {
    const view = tf.image.transform(images, tf.tile(tf.tensor2d([m]), [images.shape[0], 1]), 'bilinear', 'nearest');
    return [model.predict(view) as tf.Tensor2D, model.predict(tf.reverse(view, 2)) as tf.Tensor2D];
  });
  return { ten, eighteen: tf.div(tf.add(tf.mul(ten, 10), tf.addN(extra)), 18) };
}

await initBackend('wasm');
const set = await (await openDataset(values.dataset, { env: process.env })).loadSplit(split);
for (const dir of positionals) {
  const { model } = await loadModelArtifacts(async (name) => new Uint8Array(readFileSync(join(dir, name))));
  const totals = Object.fromEntries(READINGS.map((r) => [r, { correct: 0, loss: 0 }])) as Record<Reading, { correct: number; loss: number }>;
  for (let start = 0; start < set.count; start += 64) {
    const end = Math.min(set.count, start + 64);
    tf.tidy(() => {
      const pixels = Float32Array.from(set.images.subarray(start * INPUT_SIZE * INPUT_SIZE, end * INPUT_SIZE * INPUT_SIZE), (p) => p / 255);
      const probabilities = readBatch(model, tf.tensor4d(pixels, [end - start, INPUT_SIZE, INPUT_SIZE, 1]));
      const labels = tf.tensor1d(set.labels.subarray(start, end), 'int32');
      const truth = tf.oneHot(labels, set.classes.length);
      for (const reading of READINGS) {
        const p = probabilities[reading];
        totals[reading].correct += tf.sum(tf.cast(tf.equal(tf.argMax(p, -1), labels), 'int32')).dataSync()[0]!;
        totals[reading].loss += tf.sum(tf.mul(truth, tf.neg(tf.log(tf.clipByValue(p, 1e-7, 1))))).dataSync()[0]!;
      }
    });
  }
  const line = Object.fromEntries(
    READINGS.map((r) => [
      r,
      `${totals[r].correct}/${set.count} ${((100 * totals[r].correct) / set.count).toFixed(2)} % loss ${(totals[r].loss / set.count).toFixed(4)}`,
    ]),
  );
  console.log(JSON.stringify({ model: dir, split, ...line }));
  model.dispose();
}
