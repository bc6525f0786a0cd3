/**
 * Chaos benchmark (`npm run bench:chaos`), not a test: one sweep of synthetic trials on real
 * `fermx worker` processes, a real redis-server (AOF) and a real S3 server (s3rver), under a
 * scripted sequence of faults:
 *   1. kill -9 a worker and its trainer child mid-trial;
 *   2. SIGTERM a worker mid-trial (it hands its trial back);
 *   3. kill -9 redis-server, restart it 2 s later;
 *   4. storage down for longer than the trials' retry budget;
 *   5. kill -9 a worker, then flip one byte in its trial's latest checkpoint.
 * A fresh worker replaces each one that dies. Prints trials completed / lost / duplicated /
 * wrong (non-finite, an epoch missing or twice, or final weights an uninterrupted run would not
 * have). Target: all completed, 0 lost, 0 duplicated, 0 wrong; exits 1 otherwise. Bounded: it
 * gives up after DEADLINE_MS and always stops its processes. Output: docs/WORKER.md.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrialSpec } from '@fermx/contracts';
import { exampleTrialSpec } from '@fermx/contracts/testing';
import { openStorage, type Storage } from '@fermx/data';
import { LeaderboardIndex, trialJobOptions, trialQueue, WorkerRegistry, workerConnection } from '@fermx/queue';
import { RedisServer, S3Server } from '@fermx/testing';
import { WorkerProcess } from '../apps/gpu-worker/src/testing/worker-process.js';
import { TrialFiles } from '../apps/gpu-worker/src/trial/trial-files.js';
import { childPids, killHard, redisServerPid } from './chaos/processes.js';
import { judge } from './chaos/verdict.js';

const TRIALS = 15;
const EPOCHS = 6;
const EPOCH_MS = 500;
const WORKERS = 3;
/** The trials' retry budget: 3 attempts, 1 s exponential backoff (1 + 2 s). */
const RETRY = { attempts: 3, backoffSeconds: 1, jitter: 0 };
const RETRY_BUDGET_MS = 3_000;
const STORAGE_DOWN_MS = 10_000;
const DEADLINE_MS = 300_000;
const SWEEP = 'sweep-chaos';

const began = Date.now();
const at = () => `[${((Date.now() - began) / 1000).toFixed(1).padStart(5)} s]`;
const say = (line: string) => console.log(line);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Math.min(Date.now() + timeoutMs, began + DEADLINE_MS);
  while (Date.now() < deadline) {
    const found = await probe().catch(() => undefined); // storage or Redis may be down right now
    if (found !== undefined && found !== false) return found;
    await sleep(100);
  }
  throw new Error(`chaos: gave up waiting for ${what}`);
}

const redis = await RedisServer.start({ appendOnly: true });
const s3 = await S3Server.start({ buckets: ['fermx-chaos'] });
const dir = mkdtempSync(join(tmpdir(), 'fermx-chaos-'));
const epochLog = join(dir, 'epochs.jsonl');
const storageUri = 's3://fermx-chaos/lab';
const storage: Storage = openStorage(storageUri, { ...process.env, ...s3.env });
const connection = workerConnection(redis.url);
const queue = trialQueue(connection);
const registry = new WorkerRegistry(connection);
const workers: WorkerProcess[] = [];
const starting: Promise<WorkerProcess>[] = [];
let spawned = 0;
let exitCode = 1;

/** Stops every process this benchmark started; runs once, also on Ctrl-C, SIGTERM and the deadline. */
let cleaning: Promise<void> | undefined;
const cleanUp = () =>
  (cleaning ??= (async () => {
    await Promise.allSettled(starting);
    for (const worker of workers) await worker.dispose();
    await queue.close().catch(() => undefined);
    connection.disconnect();
    await redis.dispose();
    await s3.dispose();
    rmSync(dir, { recursive: true, force: true });
  })());
const stopNow = (why: string) => {
  say(`${at()} ${why}: stopping`);
  void cleanUp().finally(() => process.exit(1));
};
process.once('SIGINT', () => stopNow('SIGINT'));
process.once('SIGTERM', () => stopNow('SIGTERM'));
// Hard bound: whatever happens, the benchmark ends.
setTimeout(() => stopNow(`deadline of ${DEADLINE_MS / 1000} s passed`), DEADLINE_MS + 30_000).unref();

/** Starts a worker; resolves when it is ready (the start is also tracked for clean-up). */
const startWorker = (): Promise<WorkerProcess> => {
  const id = `worker-${String.fromCharCode(97 + spawned++)}`;
  const start = WorkerProcess.start(
    id,
    { REDIS_URL: redis.url, FERMX_STORAGE: storageUri, FERMX_SYNTHETIC_EPOCH_MS: String(EPOCH_MS), FERMX_SYNTHETIC_LOG: epochLog, ...s3.env },
    dir,
  ).then((worker) => {
    workers.push(worker);
    return worker;
  });
  starting.push(start);
  return start;
};
/** A replacement for a worker that died: started in the background, the faults go on meanwhile. */
const replace = (gone: string) => {
  const id = `worker-${String.fromCharCode(97 + spawned)}`;
  void startWorker().catch((error: unknown) => say(`${at()} ${id} failed to start: ${(error as Error).message}`));
  say(`${at()}   starting ${id} in place of ${gone}`);
};
const alive = () => workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);

/** A live worker that holds a trial which has checkpointed at least `minEpoch` epochs. */
const busyWorker = (minEpoch: number, except: WorkerProcess[] = []) =>
  waitFor(`a worker with a trial past epoch ${minEpoch}`, async () => {
    for (const info of await registry.list()) {
      const worker = alive().find((w) => w.id === info.id && !except.includes(w));
      const spec = specs.find((s) => s.trialId === info.currentTrial);
      if (!worker || !spec) continue;
      const latest = await new TrialFiles(storage, spec).readLatest();
      if ((latest?.epoch ?? 0) >= minEpoch && latest!.epoch < EPOCHS - 1) return { worker, spec };
    }
    return undefined;
  });

const killWithTrainer = async (worker: WorkerProcess) => {
  const trainers = childPids(worker.child.pid!, 'trainer-process');
  killHard(worker.child.pid!);
  for (const pid of trainers) killHard(pid);
  await worker.exited;
  return trainers;
};

const specs: TrialSpec[] = Array.from({ length: TRIALS }, (_, i) =>
  exampleTrialSpec({
    sweepId: SWEEP,
    sweepName: 'chaos',
    dataset: { uri: `${storageUri}/datasets/ferm/v1`, version: '0123456789abcdef' },
    model: { architecture: 'cnn', numClasses: 4 },
    training: { epochs: EPOCHS, batchSize: 8, learningRate: 0.0005 * (i + 1), seed: i, augmentation: false },
  }),
);

try {
  say(
    `fermx chaos benchmark — node ${process.version}: ${TRIALS} trials × ${EPOCHS} epochs (synthetic trainer, ${EPOCH_MS} ms per epoch), ${WORKERS} \`fermx worker\` processes,`,
  );
  say(
    `redis-server (AOF) and s3rver on loopback; retry budget per trial: ${RETRY.attempts} attempts, ${RETRY.backoffSeconds} s exponential backoff (${RETRY_BUDGET_MS / 1000} s)`,
  );
  await Promise.all(Array.from({ length: WORKERS }, () => startWorker()));
  for (const spec of specs) await queue.add(spec.trialId, spec, trialJobOptions(spec.trialId, { retry: RETRY }));
  say(`${at()} ${TRIALS} trials queued, ${WORKERS} workers ready`);

  // 1. kill -9 a worker and its trainer child
  {
    const { worker, spec } = await busyWorker(2);
    const trainers = await killWithTrainer(worker);
    say(`${at()} kill -9 ${worker.id} (pid ${worker.child.pid}) and its trainer (pid ${trainers.join(', ') || 'none'}) while it trains ${spec.trialId}`);
    replace(worker.id);
  }

  // 2. SIGTERM a worker
  {
    const { worker, spec } = await busyWorker(2);
    const signalled = Date.now();
    worker.child.kill('SIGTERM');
    const exit = await worker.exited;
    say(
      `${at()} SIGTERM ${worker.id} while it trains ${spec.trialId}: exited ${exit.code} in ${((Date.now() - signalled) / 1000).toFixed(1)} s${worker.hasLog('trial handed back to the queue') ? ', trial handed back' : ''}`,
    );
    replace(worker.id);
  }

  // 3. Redis killed and restarted
  {
    await busyWorker(1);
    const pid = redisServerPid(redis.port);
    if (pid === undefined) throw new Error('chaos: redis-server pid not found');
    killHard(pid);
    await sleep(2_000);
    await redis.restart();
    say(`${at()} kill -9 redis-server (pid ${pid}), restarted after 2 s (AOF)`);
  }

  // 4. storage down for longer than the retry budget
  {
    await busyWorker(1);
    const failedBefore = await queue.getFailedCount();
    await s3.pause();
    say(`${at()} storage (s3rver) down for ${STORAGE_DOWN_MS / 1000} s, ${(STORAGE_DOWN_MS / RETRY_BUDGET_MS).toFixed(1)}× the retry budget`);
    await sleep(STORAGE_DOWN_MS);
    const failedDuring = (await queue.getFailedCount()) - failedBefore;
    await s3.resume();
    say(`${at()}   storage back; trials failed during the outage: ${failedDuring}`);
  }

  // 5. a corrupted checkpoint: kill -9 the worker, flip one byte of its trial's latest checkpoint
  {
    const { worker, spec } = await busyWorker(3);
    await killWithTrainer(worker);
    const files = new TrialFiles(storage, spec);
    const latest = (await files.readLatest())!;
    const bytes = (await storage.get(latest.key)).slice();
    const at40 = Math.floor(bytes.length / 2);
    bytes[at40] = bytes[at40]! ^ 0x40;
    await storage.put(latest.key, bytes);
    say(`${at()} kill -9 ${worker.id} while it trains ${spec.trialId}; flipped byte ${at40} of its epoch-${latest.epoch} checkpoint`);
    replace(worker.id);
  }

  await waitFor(
    'every trial to finish',
    async () => (await Promise.all(specs.map(async (s) => (await queue.getJob(s.trialId))?.finishedOn))).every(Boolean) || undefined,
    began + DEADLINE_MS - Date.now(),
  ).catch((error: unknown) => say(`${at()} ${(error as Error).message}`));
  say(`${at()} sweep over`);

  const logs = workers.flatMap((w) => w.logs);
  const finished = logs.filter((l) => l.msg === 'trial finished').map((l) => String(l.trialId));
  const verdict = await judge(specs, queue, storage, finished);
  const rows = await new LeaderboardIndex(connection).query({ sweepId: SWEEP });
  const trained = existsSync(epochLog) ? readFileSync(epochLog, 'utf8').split('\n').filter(Boolean).length : 0;
  const count = (msg: string) => logs.filter((l) => l.msg === msg).length;
  say('');
  say(
    `trials: ${TRIALS} — completed ${verdict.completed.length}, lost ${verdict.lost.length}, duplicated ${verdict.duplicated.length}, wrong ${verdict.wrong.length}`,
  );
  say(
    `leaderboard rows: ${rows.length}; attempts used up by faults: ${verdict.attemptsUsedUp}; trials handed back: ${count('trial handed back to the queue')}`,
  );
  say(
    `corrupt checkpoints detected on resume: ${count('checkpoint failed verification; falling back to the previous epoch')} (fell back), ${count('no checkpoint passed verification; training the trial from scratch')} (from scratch)`,
  );
  say(
    `storage outage: ${count('infrastructure fault: worker stops taking trials and backs off')} worker(s) backed off, ${count('service still unavailable; backing off')} failed probes, ${count('service answers again; worker takes trials again')} resumed`,
  );
  say(
    `epochs trained: ${trained} for ${TRIALS * EPOCHS} in the sweep (${trained - TRIALS * EPOCHS} redone after faults); wall time ${((Date.now() - began) / 1000).toFixed(0)} s`,
  );
  for (const lost of verdict.lost) say(`  lost: ${lost}`);
  for (const id of verdict.duplicated) say(`  duplicated: ${id}`);
  for (const { trialId, why } of verdict.wrong) say(`  wrong: ${trialId}: ${why}`);
  const ok = verdict.completed.length === TRIALS && verdict.lost.length === 0 && verdict.duplicated.length === 0 && verdict.wrong.length === 0;
  say(ok ? 'target met: all completed, 0 lost, 0 duplicated, 0 wrong' : 'TARGET MISSED');
  if (!ok) {
    const kept = join(tmpdir(), `fermx-chaos-logs-${process.pid}.jsonl`);
    writeFileSync(kept, workers.flatMap((w) => w.logs.map((l) => JSON.stringify({ workerProcess: w.id, ...l }))).join('\n') + '\n');
    say(`worker logs: ${kept}`);
  }
  exitCode = ok ? 0 : 1;
} catch (error) {
  say(`${at()} chaos benchmark aborted: ${(error as Error).message}`);
} finally {
  await cleanUp();
}
// BullMQ's duplicate connections may keep the loop alive after close; the run is over.
process.exit(exitCode);
