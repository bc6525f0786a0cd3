/**
 * Queue benchmark (`npm run bench:queue`), not a test: a real redis-server via @fermx/testing.
 *   1. enqueue a 10,000-trial sweep through the real submit path (validate, expand, record, addBulk)
 *      against a peer: one queue.add per trial;
 *   2. dispatch overhead per trial with a no-op processor (one worker, concurrency 1);
 *   3. 1, 2, 4, 8 worker processes on sleep-based trials of fixed duration: scaling efficiency
 *      = T(1) / (k · T(k)).
 * Figures go to docs/ORCHESTRATOR.md. `--quick` runs smaller sizes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'bullmq';
import type { TrialSpec } from '@fermx/contracts';
import { exampleTrialSpec } from '@fermx/contracts/testing';
import { openStorage } from '@fermx/data';
import { addTrialJobs, connectProducer, TRIAL_QUEUE_NAME, trialJobOptions, trialQueue, workerConnection, type TrialQueue } from '@fermx/queue';
import { RedisServer } from '@fermx/testing';
import { parseConfig } from '../apps/orchestrator/src/config.js';
import { openRuntime } from '../apps/orchestrator/src/runtime.js';

const quick = process.argv.includes('--quick');

if (process.argv[2] === 'worker-child') {
  await workerChild(process.argv[3]!, process.argv[4]!, Number(process.argv[5]));
} else {
  await main();
}

async function main(): Promise<void> {
  const redis = await RedisServer.start();
  const dir = mkdtempSync(join(tmpdir(), 'fermx-bench-'));
  const out: string[] = [];
  const say = (line: string) => {
    out.push(line);
    console.log(line);
  };
  try {
    say(`fermx queue benchmark — node ${process.version}, redis-server on loopback${quick ? ' (quick)' : ''}`);
    await benchEnqueue(redis.url, dir, say);
    await benchDispatch(redis.url, say);
    await benchScaling(redis.url, say);
  } finally {
    await redis.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  // BullMQ's internal duplicate connections may keep the loop alive after close; the run is over.
  process.exit(0);
}

async function benchEnqueue(url: string, dir: string, say: (s: string) => void): Promise<void> {
  const trials = quick ? 2_000 : 10_000;
  const storageUri = pathToFileURL(dir).href;
  await openStorage(`${storageUri}/datasets/ferm/v1`).put('manifest.json', JSON.stringify({ classes: ['neutral', 'sad', 'surprise', 'angry'] }));
  const prefix = `bench-${randomUUID()}`;
  const runtime = await openRuntime(parseConfig({ REDIS_URL: url, FERMX_STORAGE: storageUri, FERMX_REDIS_PREFIX: prefix }), process.env);
  const spec = {
    name: 'bench-10k',
    dataset: `${storageUri}/datasets/ferm/v1`,
    model: { architecture: 'mxception' },
    strategy: { type: 'random', n: trials, seed: 1 },
    parameters: {
      dropout: { uniform: [0, 0.6] },
      learningRate: { loguniform: [1e-4, 1e-2] },
      batchSize: { choice: [32, 64, 128] },
      middleFlowRepeats: { int: [1, 6] },
      epochs: 60,
    },
  };
  try {
    let started = performance.now();
    const first = await runtime.sweeps.submit(spec);
    const submitMs = performance.now() - started;
    if (!first.ok) throw new Error(JSON.stringify(first.issues));
    const queued = await runtime.queue.count();
    started = performance.now();
    const again = await runtime.sweeps.submit(spec);
    const resubmitMs = performance.now() - started;
    if (!again.ok || again.enqueued !== 0) throw new Error('resubmit enqueued trials');

    // Queue cost alone: chunked addBulk vs a peer doing one add() round trip per trial.
    const bulkQueue = trialQueue(runtime.redis, { prefix: `${prefix}-bulk` });
    started = performance.now();
    await addTrials(bulkQueue, trials);
    const bulkMs = performance.now() - started;
    await bulkQueue.obliterate({ force: true });
    await bulkQueue.close();
    const peerQueue = trialQueue(runtime.redis, { prefix: `${prefix}-peer` });
    const base = exampleTrialSpec();
    started = performance.now();
    for (let i = 0; i < trials; i++) {
      const trialId = `t-${i.toString(16).padStart(16, '0')}`;
      await peerQueue.add(trialId, { ...base, trialId }, trialJobOptions(trialId));
    }
    const peerMs = performance.now() - started;
    await peerQueue.obliterate({ force: true });
    await peerQueue.close();

    say('');
    say(`## Enqueue (${trials.toLocaleString('en')} trials, real submit path)`);
    say(`submit (validate, expand, sweep.json, state check, addBulk): ${(submitMs / 1000).toFixed(2)} s, ${first.enqueued} enqueued, ${queued} jobs in Redis`);
    say(`resubmit of the same sweep: ${(resubmitMs / 1000).toFixed(2)} s, ${again.enqueued} enqueued, ${again.existing} existing`);
    say(
      `queue only: addBulk, chunks of 250, 4 in flight: ${(bulkMs / 1000).toFixed(2)} s; peer, one queue.add per trial: ${(peerMs / 1000).toFixed(2)} s → addBulk ${(peerMs / bulkMs).toFixed(1)}× faster`,
    );
  } finally {
    await runtime.queue.obliterate({ force: true });
    await runtime.close();
  }
}

async function benchDispatch(url: string, say: (s: string) => void): Promise<void> {
  const jobs = quick ? 500 : 2_000;
  const keys = { prefix: `bench-${randomUUID()}` };
  const redis = await connectProducer(url);
  const queue = trialQueue(redis, keys);
  await addTrials(queue, jobs);
  let done = 0;
  const finished = new Promise<void>((resolve) => {
    const connection = workerConnection(url);
    const worker = new Worker<TrialSpec>(TRIAL_QUEUE_NAME, async () => undefined, { connection, prefix: keys.prefix, concurrency: 1 });
    worker.on('completed', () => {
      if (++done === jobs)
        void worker
          .close()
          .then(() => connection.quit())
          .then(() => resolve());
    });
  });
  const started = performance.now();
  await finished;
  const ms = performance.now() - started;
  await queue.obliterate({ force: true });
  await queue.close();
  await redis.quit();
  say('');
  say(`## Dispatch overhead (no-op processor, 1 worker, concurrency 1, ${jobs} trials)`);
  say(`${(ms / jobs).toFixed(2)} ms per trial (${Math.round((jobs / ms) * 1000)} trials/s); target ≤ 50 ms`);
}

async function benchScaling(url: string, say: (s: string) => void): Promise<void> {
  const trialMs = quick ? 100 : 200;
  const jobs = quick ? 32 : 64;
  const counts = [1, 2, 4, 8];
  const times = new Map<number, number>();
  for (const k of counts) {
    const keys = { prefix: `bench-${randomUUID()}` };
    const children = await Promise.all(Array.from({ length: k }, () => startChild(url, keys.prefix, trialMs)));
    const redis = await connectProducer(url);
    const queue = trialQueue(redis, keys);
    const started = performance.now();
    await addTrials(queue, jobs);
    while ((await queue.getCompletedCount()) < jobs) await new Promise((r) => setTimeout(r, 10));
    times.set(k, performance.now() - started);
    for (const child of children) child.kill('SIGTERM');
    await queue.obliterate({ force: true });
    await queue.close();
    await redis.quit();
  }
  const t1 = times.get(1)!;
  say('');
  say(`## Scaling (${jobs} trials of ${trialMs} ms sleep each, one BullMQ worker process per "GPU")`);
  say('| workers | wall s | ideal s | trials/s | efficiency |');
  say('|---|---|---|---|---|');
  for (const k of counts) {
    const t = times.get(k)!;
    say(`| ${k} | ${(t / 1000).toFixed(2)} | ${((jobs * trialMs) / k / 1000).toFixed(2)} | ${((jobs / t) * 1000).toFixed(1)} | ${(t1 / (k * t)).toFixed(3)} |`);
  }
}

async function addTrials(queue: TrialQueue, n: number): Promise<void> {
  const base = exampleTrialSpec();
  await addTrialJobs(
    queue,
    Array.from({ length: n }, (_, i) => ({ ...base, trialId: `t-${i.toString(16).padStart(16, '0')}` })),
  );
}

/** Forks this file as a worker process and resolves once its BullMQ worker is ready. */
function startChild(url: string, prefix: string, trialMs: number): Promise<ChildProcess> {
  const child = fork(fileURLToPath(import.meta.url), ['worker-child', url, prefix, String(trialMs)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`bench worker exited with ${code}`)));
  });
}

async function workerChild(url: string, prefix: string, trialMs: number): Promise<void> {
  const worker = new Worker(TRIAL_QUEUE_NAME, () => new Promise((r) => setTimeout(r, trialMs)), { connection: workerConnection(url), prefix, concurrency: 1 });
  await worker.waitUntilReady();
  process.send?.('ready');
  process.once('SIGTERM', () => void worker.close().finally(() => process.exit(0)));
  process.once('disconnect', () => process.exit(0));
}
