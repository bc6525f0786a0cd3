/**
 * `fermx predict` speed (`npm run bench:predict`), not a test: faces per second through the CLI's
 * pipeline (face-api SSD MobileNet + 68 landmarks on tfjs-wasm, FER2013 framing with one
 * refinement, 48×48 crop, model) on the multi-face photos face-api ships in its npm package.
 * Printed: model + detector load time, then per photo round the wall time and faces/s, best of
 * --repeats; and one whole `fermx predict` process (startup included) on the same photos.
 * `measureCliPrediction` is the CLI half, callable from a sibling bench (the page's frames/s).
 * Flags: --model DIR (default models/ferm-m-xception), --repeats N (default 3), --detector ssd|tiny,
 * --mask auto|always|never (default auto: the FERM model draws masks).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readPhoto, type RgbImage } from '@fermx/data';
import { Predictor } from '../apps/gpu-worker/src/prediction/predictor.js';

const require = createRequire(import.meta.url);
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** face-api's demo photos (2–5 people each), shipped in its npm package. */
export function samplePhotos(): string[] {
  const dir = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
  return readdirSync(dir)
    .filter((name) => /^sample\d\.jpg$/.test(name))
    .sort()
    .map((name) => join(dir, name));
}

export interface CliPredictionSpeed {
  loadSeconds: number;
  photos: number;
  faces: number;
  /** Best round: seconds for all photos, and faces per second. */
  seconds: number;
  facesPerSecond: number;
  /** One `fermx predict` process on the same photos, startup and model loading included. */
  processSeconds: number;
}

export async function measureCliPrediction(options: {
  model: string;
  photos: string[];
  repeats: number;
  detector?: 'ssd' | 'tiny';
  mask?: 'auto' | 'always' | 'never';
}): Promise<CliPredictionSpeed> {
  const t0 = performance.now();
  const predictor = await Predictor.load({
    model: options.model,
    backend: 'wasm',
    mask: options.mask ?? 'auto',
    detector: options.detector ?? 'ssd',
    env: process.env,
  });
  const loadSeconds = (performance.now() - t0) / 1000;
  const decoded: RgbImage[] = [];
  for (const photo of options.photos) decoded.push(await readPhoto(photo));
  let best = Infinity;
  let faces = 0;
  for (let round = 0; round < options.repeats; round++) {
    const start = performance.now();
    faces = 0;
    for (const photo of decoded) faces += (await predictor.predictPhoto(photo)).length;
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  await predictor.dispose();
  const start = performance.now();
  const run = spawnSync(
    process.execPath,
    [
      join(repoRoot, 'bin', 'fermx.mjs'),
      'predict',
      options.model,
      ...options.photos,
      '--json',
      '--mask',
      options.mask ?? 'auto',
      '--detector',
      options.detector ?? 'ssd',
    ],
    { encoding: 'utf8', env: { ...process.env, FERMX_LOG_LEVEL: 'warn' } },
  );
  const processSeconds = (performance.now() - start) / 1000;
  if (run.status !== 0) throw new Error(`fermx predict exited ${run.status}: ${run.stderr}`);
  return { loadSeconds, photos: options.photos.length, faces, seconds: best, facesPerSecond: faces / best, processSeconds };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: 'models/ferm-m-xception' },
      repeats: { type: 'string', default: '3' },
      detector: { type: 'string', default: 'ssd' },
      mask: { type: 'string', default: 'auto' },
    },
  });
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (cores are shared)`,
  );
  const photos = samplePhotos();
  const speed = await measureCliPrediction({
    model: values.model!,
    photos,
    repeats: Number(values.repeats),
    detector: values.detector as 'ssd' | 'tiny',
    mask: values.mask as 'auto',
  });
  console.log(`model ${values.model}, detector ${values.detector}, mask ${values.mask}: load ${speed.loadSeconds.toFixed(1)} s`);
  console.log(
    `CLI pipeline: ${speed.faces} faces in ${speed.photos} photos (1920 px wide) in ${speed.seconds.toFixed(2)} s (best of ${values.repeats}) = ${speed.facesPerSecond.toFixed(2)} faces/s, ${(speed.seconds / speed.photos).toFixed(2)} s per photo`,
  );
  console.log(`one fermx predict process on the same photos, startup included: ${speed.processSeconds.toFixed(1)} s`);
}
