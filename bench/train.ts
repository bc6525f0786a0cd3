/**
 * `npm run bench:train -- --backend wasm [--batches 64,256] [--replicas 1,2] [--steps 3] [--repeats 2] [--augment] [--profile] [--no-torch] [--torch-device cpu|cuda] [--json]`
 *
 * Training throughput of M-Xception (4 classes) through fermx's own training loop (`train()` of
 * @fermx/models: its Adam, its batching, and with `--replicas R` its data-parallel worker
 * threads), and of the same network in PyTorch CPU (bench/torch_mxception.py under Debian's
 * /usr/bin/python3, 2 threads and 1 thread), measured in one run, with their ratios. Timing is
 * best-of-repeats because the machine is shared.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import {
  PAPER_AUGMENTATION,
  buildModel,
  buildTrainingModel,
  initBackend as initModelsBackend,
  localTrainingStep,
  train,
  type BackendChoice,
  type EpochMetrics,
} from '@fermx/models';
import { syntheticImageSet } from '@fermx/models/testing';

const { values: flags } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    batches: { type: 'string', default: '64,256' },
    // Default: 1 and 2 on the CPU backends (wasm, cpu), where replicas are worker threads; 1 elsewhere.
    replicas: { type: 'string' },
    steps: { type: 'string', default: '3' },
    repeats: { type: 'string', default: '2' },
    augment: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'no-torch': { type: 'boolean', default: false },
    // The PyTorch peer's device: CUDA beside a GPU backend (webgpu, tensorflow), the CPU otherwise.
    'torch-device': { type: 'string' },
    json: { type: 'boolean', default: false },
    python: { type: 'string', default: '/usr/bin/python3' },
    // Internal: measure one (batch, replicas) in a child process (a fresh wasm heap each; a batch
    // too large for the 4 GiB wasm32 heap aborts the child, not the bench).
    child: { type: 'boolean', default: false },
  },
});

const classes = ['neutral', 'sad', 'surprise', 'angry'];
const model = { architecture: 'mxception' as const, numClasses: classes.length };
const backend = flags.backend ?? 'wasm';
const torchDevice = flags['torch-device'] ?? (backend === 'webgpu' || backend === 'tensorflow' ? 'cuda' : 'cpu');
const cpuBackend = backend === 'wasm' || backend === 'cpu';
const batches = (flags.batches ?? '').split(',').map(Number);
const replicaCounts = (flags.replicas ?? (cpuBackend ? '1,2' : '1')).split(',').map(Number);
const steps = Number(flags.steps);
const repeats = Number(flags.repeats);
if (batches.some((b) => !Number.isInteger(b) || b < 1)) throw new Error(`--batches: expected positive integers, got ${flags.batches}`);
if (replicaCounts.some((r) => !Number.isInteger(r) || r < 1)) throw new Error(`--replicas: expected positive integers, got ${flags.replicas}`);
if (!Number.isInteger(steps) || steps < 1 || !Number.isInteger(repeats) || repeats < 1) throw new Error('--steps and --repeats take positive integers');

interface Timing {
  imagesPerSecond: number;
  cpuImagesPerSecond: number;
  seconds: number[];
}

/**
 * train() for 1 + repeats epochs of `steps` batches each; the first epoch is the warm-up.
 * Best-of-repeats images/s by wall clock (train()'s own per-epoch figure, training only) and by
 * this process's CPU time (all threads) between epoch ends, which also covers a 4-image val pass.
 */
async function timeTraining(batch: number, replicas: number): Promise<Timing> {
  const trainSet = syntheticImageSet(batch * steps, classes, 1);
  const valSet = syntheticImageSet(4, classes, 2);
  const epochs: EpochMetrics[] = [];
  const cpuSeconds: number[] = [];
  let cpu = process.cpuUsage();
  const out = await train({
    model,
    train: trainSet,
    val: valSet,
    options: { epochs: 1 + repeats, batchSize: batch, learningRate: 1e-3, seed: 1, augmentation: flags.augment ? PAPER_AUGMENTATION : false, replicas },
    onEpochEnd: async (metrics) => {
      const used = process.cpuUsage(cpu);
      if (metrics.epoch > 1) {
        epochs.push(metrics);
        cpuSeconds.push((used.user + used.system) / 1e6);
      }
      cpu = process.cpuUsage();
    },
  });
  out.model.dispose();
  out.best?.model.dispose();
  return {
    imagesPerSecond: Math.max(...epochs.map((e) => e.imagesPerSecond)),
    cpuImagesPerSecond: trainSet.count / Math.min(...cpuSeconds),
    seconds: epochs.map((e) => trainSet.count / e.imagesPerSecond),
  };
}

/** Milliseconds per kernel name over one step of the loop's own step (one replica), largest first. */
async function kernelProfile(batch: number): Promise<{ kernel: string; ms: number; calls: number }[]> {
  const set = syntheticImageSet(batch, classes, 1);
  const parts = buildTrainingModel(model, 1, 1e-3);
  const plan = { indices: Uint32Array.from({ length: batch }, (_, i) => i), transforms: null, dropoutSeed: 1, lossScale: 1 };
  const step = async (): Promise<void> => {
    await localTrainingStep(parts, set, plan);
  };
  await step();
  const info = await tf.profile(step);
  parts.optimizer.dispose();
  parts.model.dispose();
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

/**
 * Cores a two-thread process gets right now: both threads spin for `ms`, CPU time over wall time.
 * On a shared machine this bounds what two replicas (or PyTorch's two threads) can gain.
 */
async function coresForTwoThreads(ms = 1000): Promise<number> {
  const spin = `const end = Date.now() + ${ms}; let x = 0; while (Date.now() < end) x++; require('node:worker_threads').parentPort.postMessage(x);`;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const worker = new Worker(spin, { eval: true });
  const done = new Promise((resolve) => worker.once('message', resolve));
  const end = Date.now() + ms;
  while (Date.now() < end);
  await done;
  const used = process.cpuUsage(cpu);
  await worker.terminate();
  return (used.user + used.system) / 1000 / (performance.now() - start);
}

interface TorchReport {
  torch: string;
  device?: string;
  threads: number;
  parameters: number;
  results: { batch: number; imagesPerSecond: number; cpuImagesPerSecond: number }[];
}

function torchPeer(network: tf.LayersModel, threads: number): TorchReport | { error: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fermx-bench-'));
  const topology = join(dir, 'model.json');
  writeFileSync(topology, JSON.stringify(network.toJSON(null, false)));
  const run = spawnSync(
    flags.python ?? '/usr/bin/python3',
    [
      join(import.meta.dirname, 'torch_mxception.py'),
      '--model-json',
      topology,
      '--batches',
      batches.join(','),
      '--steps',
      String(steps),
      '--repeats',
      String(repeats),
      '--threads',
      String(threads),
      '--classes',
      String(classes.length),
      '--device',
      torchDevice,
    ],
    { encoding: 'utf8' },
  );
  if (run.status !== 0)
    return {
      error: `${flags.python} torch_mxception.py failed: ${(run.stderr || run.error?.message || '').trim().split('\n').pop()}${torchDevice === 'cpu' ? ' (apt-get install -y python3-torch)' : ''}`,
    };
  return JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as TorchReport;
}

interface Measurement {
  batch: number;
  replicas: number;
  imagesPerSecond?: number;
  cpuImagesPerSecond?: number;
  seconds?: number[];
  heapMiB?: number;
  profile?: { kernel: string; ms: number; calls: number }[];
  error?: string;
}

async function measureHere(batch: number, replicas: number): Promise<Measurement> {
  await initModelsBackend(backend as BackendChoice);
  const timing = await timeTraining(batch, replicas);
  const profile = flags.profile ? await kernelProfile(batch) : undefined;
  // The main thread's heap (replica 0); each replica thread has one of its own.
  const heap = backend === 'wasm' ? (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length / 2 ** 20 : undefined;
  return { batch, replicas, ...timing, heapMiB: heap, profile };
}

function measureInChild(batch: number, replicas: number, profile: boolean): Measurement {
  const args = [
    ...process.execArgv,
    process.argv[1] ?? '',
    '--child',
    '--batches',
    String(batch),
    '--replicas',
    String(replicas),
    '--backend',
    backend,
    '--steps',
    String(steps),
    '--repeats',
    String(repeats),
    ...(flags.augment ? ['--augment'] : []),
    ...(profile ? ['--profile'] : []),
  ];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const line = run.stdout.trim().split('\n').pop() ?? '';
  if (run.status === 0 && line.startsWith('{')) return JSON.parse(line) as Measurement;
  // Node ends a crash with its version line: the error is the last line that names one.
  const lines = run.stderr
    .trim()
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('Node.js v'));
  const reason = /memory access out of bounds|Out of memory|Cannot enlarge memory|Aborted/i.test(run.stderr)
    ? 'exceeds the 4 GiB wasm32 heap'
    : (lines.findLast((l) => /Error/.test(l)) ?? lines.pop() ?? `exit ${run.status}`);
  return { batch, replicas, error: reason };
}

if (flags.child) {
  console.log(JSON.stringify(await measureHere(batches[0] ?? 64, replicaCounts[0] ?? 1)));
  process.exit(0);
}

const coresBefore = await coresForTwoThreads();
const tfjs = batches.flatMap((batch) =>
  replicaCounts.map((replicas) => measureInChild(batch, replicas, flags.profile && batch === batches[0] && replicas === 1)),
);
const profile = tfjs.find((r) => r.profile)?.profile;
// Built on cpu only for its topology (sent to PyTorch) and parameter count.
await tf.setBackend('cpu');
const network = buildModel(model);
const torch = flags['no-torch'] ? undefined : torchPeer(network, 2);
// One thread: the per-core reference, less disturbed by neighbours (CPU peers only).
const torchOneThread = flags['no-torch'] || torchDevice !== 'cpu' ? undefined : torchPeer(network, 1);
const coresAfter = await coresForTwoThreads();
const simd = backend === 'wasm' ? await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') : undefined;

const rows = tfjs.map(({ batch, replicas, imagesPerSecond: ours, cpuImagesPerSecond, heapMiB, error }) => {
  const peer = torch && 'results' in torch ? torch.results.find((r) => r.batch === batch)?.imagesPerSecond : undefined;
  const single = torchOneThread && 'results' in torchOneThread ? torchOneThread.results.find((r) => r.batch === batch) : undefined;
  const oneReplica = tfjs.find((r) => r.batch === batch && r.replicas === 1)?.imagesPerSecond;
  return {
    batch,
    replicas,
    tfjs: ours,
    tfjsPerCpuSecond: cpuImagesPerSecond,
    heapMiB,
    error,
    speedup: replicas > 1 && ours && oneReplica ? ours / oneReplica : undefined,
    torch: peer,
    ratio: peer && ours ? ours / peer : undefined,
    torchOneThread: single?.imagesPerSecond,
    torchOneThreadPerCpuSecond: single?.cpuImagesPerSecond,
    ratioOneThread: single && ours ? ours / single.imagesPerSecond : undefined,
    perCoreRatio: single && cpuImagesPerSecond ? cpuImagesPerSecond / single.cpuImagesPerSecond : undefined,
  };
});
const report = {
  date: new Date().toISOString(),
  backend,
  simd,
  loop: '@fermx/models train()',
  augmentation: flags.augment,
  parameters: network.countParams(),
  coresForTwoThreads: [coresBefore, coresAfter],
  steps,
  repeats,
  rows,
  torch: torch && 'results' in torch ? { version: torch.torch, threads: torch.threads, parameters: torch.parameters } : torch,
  profile,
};

const fixed = (v: number | undefined, digits = 1) => (v === undefined ? '-' : v.toFixed(digits));
if (flags.json) {
  console.log(JSON.stringify(report));
} else {
  console.log(
    `M-Xception training through fermx's train(), ${report.parameters} parameters; tfjs ${backend} simd=${simd}; augmentation ${flags.augment ? 'on' : 'off'}; best of ${repeats} epochs × ${steps} steps after a warm-up epoch`,
  );
  console.log(`cores a two-thread process got (spin test, before / after): ${coresBefore.toFixed(2)} / ${coresAfter.toFixed(2)} of ${availableParallelism()}`);
  if (torch && 'error' in torch) console.log(`PyTorch peer unavailable: ${torch.error}`);
  else if (torch && torchDevice !== 'cpu')
    console.log(`PyTorch ${torch.torch} eager on ${torch.device ?? torchDevice} (the "torch 2T" column), ${torch.parameters} parameters`);
  else if (torch) console.log(`PyTorch ${torch.torch} CPU, ${torch.threads} threads (and 1), ${torch.parameters} parameters`);
  console.log(
    'batch  replicas  fermx img/s  (per CPU-s)  vs R=1  heap MiB  torch 2T img/s  fermx/torch2T  torch 1T img/s  fermx/torch1T  (1T per CPU-s)  per-core ratio',
  );
  for (const r of rows) {
    const ours = r.error
      ? `n/a: ${r.error}`.padEnd(45)
      : `${fixed(r.tfjs).padStart(11)}  ${fixed(r.tfjsPerCpuSecond).padStart(11)}  ${fixed(r.speedup, 2).padStart(6)}  ${fixed(r.heapMiB, 0).padStart(8)}`;
    console.log(
      `${String(r.batch).padStart(5)}  ${String(r.replicas).padStart(8)}  ${ours}  ${fixed(r.torch).padStart(14)}  ${fixed(r.ratio, 3).padStart(13)}  ${fixed(r.torchOneThread).padStart(14)}  ${fixed(r.ratioOneThread, 3).padStart(13)}  ${fixed(r.torchOneThreadPerCpuSecond).padStart(14)}  ${fixed(r.perCoreRatio, 3).padStart(14)}`,
    );
  }
  if (profile) {
    const total = profile.reduce((sum, p) => sum + p.ms, 0);
    console.log(`\nper-kernel time, one step at batch ${batches[0]}, one replica (${total.toFixed(0)} ms in kernels)`);
    for (const p of profile.slice(0, 25))
      console.log(
        `${p.kernel.padEnd(40)} ${p.ms.toFixed(1).padStart(9)} ms ${String(p.calls).padStart(5)} calls ${((100 * p.ms) / total).toFixed(1).padStart(5)}%`,
      );
  }
}
