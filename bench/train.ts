/**
 * `npm run bench:train -- --backend wasm [--batches 64,256] [--steps 3] [--repeats 2] [--profile] [--no-torch] [--json]`
 *
 * Training throughput of M-Xception (4 classes) on a tfjs backend, and of the same network in
 * PyTorch CPU (bench/torch_mxception.py under Debian's /usr/bin/python3, 2 threads), measured in
 * one run, with their ratio. Timing is best-of-repeats because the machine is shared.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { buildModel, initBackend as initModelsBackend, type BackendChoice } from '@fermx/models';

const { values: flags } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    batches: { type: 'string', default: '64,256' },
    steps: { type: 'string', default: '3' },
    repeats: { type: 'string', default: '2' },
    profile: { type: 'boolean', default: false },
    'no-torch': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    python: { type: 'string', default: '/usr/bin/python3' },
    // Internal: measure one batch size in a child process (a fresh wasm heap each; a batch too
    // large for the 4 GiB wasm32 heap aborts the child, not the bench).
    child: { type: 'boolean', default: false },
  },
});

const classes = 4;
const batches = (flags.batches ?? '').split(',').map(Number);
const steps = Number(flags.steps);
const repeats = Number(flags.repeats);
if (batches.some((b) => !Number.isInteger(b) || b < 1)) throw new Error(`--batches: expected positive integers, got ${flags.batches}`);
if (!Number.isInteger(steps) || steps < 1 || !Number.isInteger(repeats) || repeats < 1) throw new Error('--steps and --repeats take positive integers');

// The library's own entry points: initBackend registers fermx's wasm kernels.
async function initBackend(name: string): Promise<void> {
  await initModelsBackend(name as BackendChoice);
}

function buildNetwork(): { model: tf.LayersModel; source: string } {
  return { model: buildModel({ architecture: 'mxception', numClasses: classes }), source: '@fermx/models buildModel' };
}

function batchOf(size: number): { x: tf.Tensor; y: tf.Tensor } {
  return tf.tidy(() => ({
    x: tf.randomUniform([size, 48, 48, 1]),
    y: tf.oneHot(tf.randomUniform([size], 0, classes, 'int32'), classes),
  }));
}

/**
 * Best-of-repeats images/s, by wall clock and by this process's CPU time. On a shared machine the
 * CPU-time figure is what the single-threaded wasm backend does on a core of its own.
 */
async function imagesPerSecond(model: tf.LayersModel, size: number): Promise<{ imagesPerSecond: number; cpuImagesPerSecond: number; seconds: number[] }> {
  const { x, y } = batchOf(size);
  for (let i = 0; i < 2; i++) await model.trainOnBatch(x, y);
  const seconds: number[] = [];
  const cpuSeconds: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    const cpu = process.cpuUsage();
    for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
    const used = process.cpuUsage(cpu);
    seconds.push((performance.now() - start) / 1000);
    cpuSeconds.push((used.user + used.system) / 1e6);
  }
  tf.dispose([x, y]);
  return { imagesPerSecond: (size * steps) / Math.min(...seconds), cpuImagesPerSecond: (size * steps) / Math.min(...cpuSeconds), seconds };
}

/** Milliseconds per kernel name over one training step, largest first. */
async function kernelProfile(model: tf.LayersModel, size: number): Promise<{ kernel: string; ms: number; calls: number }[]> {
  const { x, y } = batchOf(size);
  await model.trainOnBatch(x, y);
  const info = await tf.profile(async () => {
    await model.trainOnBatch(x, y);
  });
  tf.dispose([x, y]);
  const byName = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const entry = byName.get(k.name) ?? { ms: 0, calls: 0 };
    entry.ms += ms;
    entry.calls += 1;
    byName.set(k.name, entry);
  }
  return [...byName].map(([kernel, v]) => ({ kernel, ...v })).sort((a, b) => b.ms - a.ms);
}

interface TorchReport { torch: string; threads: number; parameters: number; results: { batch: number; imagesPerSecond: number; cpuImagesPerSecond: number }[] }

function torchPeer(model: tf.LayersModel, threads: number): TorchReport | { error: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fermx-bench-'));
  const topology = join(dir, 'model.json');
  writeFileSync(topology, JSON.stringify(model.toJSON(null, false)));
  const run = spawnSync(flags.python ?? '/usr/bin/python3', [
    join(import.meta.dirname, 'torch_mxception.py'), '--model-json', topology, '--batches', batches.join(','),
    '--steps', String(steps), '--repeats', String(repeats), '--threads', String(threads), '--classes', String(classes),
  ], { encoding: 'utf8' });
  if (run.status !== 0) return { error: `${flags.python} torch_mxception.py failed: ${(run.stderr || run.error?.message || '').trim().split('\n').pop()} (apt-get install -y python3-torch)` };
  return JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as TorchReport;
}

interface BatchResult { batch: number; imagesPerSecond?: number; cpuImagesPerSecond?: number; seconds?: number[]; heapMiB?: number; profile?: { kernel: string; ms: number; calls: number }[]; error?: string }

async function measureHere(batch: number): Promise<BatchResult> {
  await initBackend(flags.backend ?? 'wasm');
  const { model } = buildNetwork();
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const timing = await imagesPerSecond(model, batch);
  const profile = flags.profile ? await kernelProfile(model, batch) : undefined;
  const heap = flags.backend === 'wasm' ? (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length / 2 ** 20 : undefined;
  return { batch, ...timing, heapMiB: heap, profile };
}

function measureInChild(batch: number): BatchResult {
  const args = [...process.execArgv, process.argv[1] ?? '', '--child', '--batches', String(batch), '--backend', flags.backend ?? 'wasm',
    '--steps', String(steps), '--repeats', String(repeats), ...(flags.profile && batch === batches[0] ? ['--profile'] : [])];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const line = run.stdout.trim().split('\n').pop() ?? '';
  if (run.status === 0 && line.startsWith('{')) return JSON.parse(line) as BatchResult;
  const reason = /memory access out of bounds|Out of memory|Cannot enlarge memory|Aborted/i.test(run.stderr) ? 'exceeds the 4 GiB wasm32 heap' : (run.stderr.trim().split('\n').pop() ?? `exit ${run.status}`);
  return { batch, error: reason };
}

if (flags.child) {
  console.log(JSON.stringify(await measureHere(batches[0] ?? 64)));
  process.exit(0);
}

const tfjs = batches.map(measureInChild);
const profile = tfjs.find((r) => r.profile)?.profile;
// Built on cpu only for its topology (sent to PyTorch) and parameter count.
await tf.setBackend('cpu');
const { model, source } = buildNetwork();
const torch = flags['no-torch'] ? undefined : torchPeer(model, 2);
// One thread: the per-core reference for tfjs-wasm's single thread, less disturbed by neighbours.
const torchOneThread = flags['no-torch'] ? undefined : torchPeer(model, 1);
const threads = flags.backend === 'wasm' ? 1 : undefined; // tfjs 4.22 runs wasm single-threaded in Node
const simd = flags.backend === 'wasm' ? await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') : undefined;

const rows = tfjs.map(({ batch, imagesPerSecond: ours, cpuImagesPerSecond, heapMiB, error }) => {
  const peer = torch && 'results' in torch ? torch.results.find((r) => r.batch === batch)?.imagesPerSecond : undefined;
  const single = torchOneThread && 'results' in torchOneThread ? torchOneThread.results.find((r) => r.batch === batch) : undefined;
  return {
    batch, tfjs: ours, tfjsPerCpuSecond: cpuImagesPerSecond, heapMiB, error, torch: peer, ratio: peer && ours ? ours / peer : undefined,
    torchOneThread: single?.imagesPerSecond, torchOneThreadPerCpuSecond: single?.cpuImagesPerSecond,
    perCoreRatio: single && cpuImagesPerSecond ? cpuImagesPerSecond / single.cpuImagesPerSecond : undefined,
  };
});
const report = {
  date: new Date().toISOString(), backend: flags.backend, simd, threads, model: source, parameters: model.countParams(),
  steps, repeats, rows, torch: torch && 'results' in torch ? { version: torch.torch, threads: torch.threads, parameters: torch.parameters } : torch, profile,
};

const fixed = (v: number | undefined, digits = 1) => (v === undefined ? '-' : v.toFixed(digits));
if (flags.json) {
  console.log(JSON.stringify(report));
} else {
  console.log(`M-Xception training, ${report.parameters} parameters (${source}); tfjs ${flags.backend} simd=${simd} threads=${threads}; best of ${repeats}×${steps} steps`);
  if (torch && 'error' in torch) console.log(`PyTorch peer unavailable: ${torch.error}`);
  else if (torch) console.log(`PyTorch ${torch.torch} CPU, ${torch.threads} threads, ${torch.parameters} parameters`);
  console.log('batch  tfjs img/s  (per CPU-s)  heap MiB  torch 2T img/s  tfjs/torch  torch 1T img/s  (per CPU-s)  per-core ratio');
  for (const r of rows) {
    const ours = r.error ? `n/a: ${r.error}`.padEnd(33) : `${fixed(r.tfjs).padStart(10)}  ${fixed(r.tfjsPerCpuSecond).padStart(11)}  ${fixed(r.heapMiB, 0).padStart(8)}`;
    console.log(`${String(r.batch).padStart(5)}  ${ours}  ${fixed(r.torch).padStart(14)}  ${fixed(r.ratio, 3).padStart(10)}  ${fixed(r.torchOneThread).padStart(14)}  ${fixed(r.torchOneThreadPerCpuSecond).padStart(11)}  ${fixed(r.perCoreRatio, 3).padStart(14)}`);
  }
  if (profile) {
    const total = profile.reduce((sum, p) => sum + p.ms, 0);
    console.log(`\nper-kernel time, one step at batch ${batches[0]} (${total.toFixed(0)} ms in kernels)`);
    for (const p of profile.slice(0, 25)) console.log(`${p.kernel.padEnd(40)} ${p.ms.toFixed(1).padStart(9)} ms ${String(p.calls).padStart(5)} calls ${((100 * p.ms) / total).toFixed(1).padStart(5)}%`);
  }
}
