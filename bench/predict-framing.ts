/**
 * How well `fermx predict` frames faces like FER2013 (`npm run bench:predict-framing`), not a test.
 *   --measure: the face-api landmark net on the first N FER2013 rows (the whole 48×48 crop as the
 *     face box, as the dataset builder runs it) and the median of each framing measure: the
 *     figures in FER2013_FRAMING (libs/data/src/faces/fer-framing.ts).
 * Flags: --rows N (default 4096).
 */
import { parseArgs } from 'node:util';
import { FaceApiLandmarkDetector, FER2013_FRAMING, measureLandmarks68, medianMeasures, readSource, type FaceMeasures } from '@fermx/data';
import { SHARED_FER2013, sharedDataPath } from '@fermx/testing';

const { values } = parseArgs({ options: { measure: { type: 'boolean', default: false }, rows: { type: 'string' } } });
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
  console.log(JSON.stringify({ rows: measures.length, centroid: { x: round(median.centroid.x), y: round(median.centroid.y) }, rmsRadius: round(median.rmsRadius), eyeMid: { x: round(median.eyeMid.x), y: round(median.eyeMid.y) }, keypointScale: round(median.keypointScale) }));
  console.log(`relative spread (p75 − p25) / median: rmsRadius ${spread((m) => m.rmsRadius)}, keypointScale ${spread((m) => m.keypointScale)}, centroid.x ${spread((m) => m.centroid.x)}, centroid.y ${spread((m) => m.centroid.y)}, eyeMid.y ${spread((m) => m.eyeMid.y)}`);
  console.log(`in the code (FER2013_FRAMING): ${JSON.stringify(FER2013_FRAMING)}`);
}

if (values.measure) await measure(Number(values.rows ?? 4096));
