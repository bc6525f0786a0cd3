/**
 * FERM build benchmark (`npm run bench:ferm`), not a test: the real `fermx dataset build` path
 * on the shared FER2013 (Training + PublicTest, 32,298 rows) into a fresh temp directory.
 *   1. peer: the landmark net alone, one thread, batches of 64, on the first 1,024 rows;
 *   2. end to end: stream → label → landmarks + masks on N worker threads → filters → shards →
 *      manifest → preview; images/s and total seconds, and the ratio to the peer.
 * Flags: --limit N (default all rows), --workers N (default the core count), --profile paper|all
 * (default all: every row goes through the face stage), --keep (keep the output, print its path).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BuildConfigSchema, buildDataset, FaceApiLandmarkDetector, readSource, workerFacePool } from '@fermx/data';
import { SHARED_FER2013, sharedDataPath } from '@fermx/testing';

const { values } = parseArgs({
  options: { limit: { type: 'string' }, workers: { type: 'string' }, profile: { type: 'string', default: 'all' }, keep: { type: 'boolean', default: false } },
});
const source = sharedDataPath(SHARED_FER2013.csv);
const ferplus = sharedDataPath(SHARED_FER2013.ferplus);
if (!source || !ferplus) {
  console.error('bench:ferm needs the shared FER2013 at ../shared/data/fer2013 (see its README.md)');
  process.exit(1);
}
const workers = Number(values.workers ?? availableParallelism());
const limit = values.limit ? Number(values.limit) : undefined;
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} (cores are shared)`,
);

// 1. Peer: landmark net alone, single thread.
const sample: Uint8Array[] = [];
for await (const item of readSource({ source, limit: 1024 })) if ('row' in item) sample.push(item.row.pixels);
const detector = await FaceApiLandmarkDetector.load();
await detector.detect(sample.slice(0, 64)); // warm-up: wasm compile, first-run kernels
let t = performance.now();
for (let i = 0; i < sample.length; i += 64) await detector.detect(sample.slice(i, i + 64));
const netRate = sample.length / ((performance.now() - t) / 1000);
await detector.dispose();
console.log(`landmark net alone, 1 thread, batch 64: ${netRate.toFixed(0)} images/s`);

// 2. End to end.
const dir = mkdtempSync(join(tmpdir(), 'fermx-bench-ferm-'));
const config = BuildConfigSchema.parse({ profile: values.profile, ...(limit ? { limit } : {}) });
let lastPrint = 0;
t = performance.now();
const outcome = await buildDataset({
  source,
  ferplus,
  out: pathToFileURL(dir).href,
  config,
  detectorName: 'face-api/face_landmark_68',
  startFacePool: () => workerFacePool(workers, { seed: config.seed, styles: config.maskStyles, supersample: config.supersample }),
  onProgress: (p) => {
    if (performance.now() - lastPrint > 15_000) {
      lastPrint = performance.now();
      console.log(`  … ${p.done}/${p.total} rows, ${p.imagesPerSecond.toFixed(0)} rows/s`);
    }
  },
});
const seconds = (performance.now() - t) / 1000;
const m = outcome.manifest;
const rows = m.rows.read;
const faces = m.rows.processed;
console.log(
  `end to end, ${workers} worker threads, profile ${config.profile}: ${rows} rows read, ${faces} faces landmarked+masked, ${m.rows.selected} selected`,
);
console.log(`  total ${seconds.toFixed(1)} s  →  ${(rows / seconds).toFixed(0)} rows/s, ${(faces / seconds).toFixed(0)} faces/s`);
console.log(`  ratio end-to-end faces/s ÷ landmark-net-alone (1 thread) = ${(faces / seconds / netRate).toFixed(2)}`);
console.log(
  `  target: 32,298 rows in ≤ 300 s → ${seconds <= 300 || rows < 32298 ? (rows < 32298 ? 'n/a (--limit)' : 'met') : 'NOT met'}; load average now ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(
  `  splits: ${Object.entries(m.splits)
    .map(([s, i]) => `${s} ${i?.count}`)
    .join(', ')}; filtered: ${JSON.stringify(m.rows.filtered)}`,
);
if (values.keep) console.log(`  output kept at ${pathToFileURL(dir).href}`);
else rmSync(dir, { recursive: true, force: true });
