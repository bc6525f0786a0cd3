/**
 * Steering a sweep end to end: a real redis-server, `file://` storage, `fermx serve` (API +
 * dispatch loop) and two real `fermx worker` processes with the synthetic trainer, which trains
 * through the real checkpoint/result path and logs every epoch it runs (trial, epoch, pid).
 * Everything that should not run yet is set up before the workers start, so what the workers
 * receive is deterministic.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandSweep, parseSweepSpec } from '@fermx/contracts';
import { createLogger } from '@fermx/cli';
import { openStorage } from '@fermx/data';
import { RedisServer, runCliCaptured, syntheticWorkerArgs } from '@fermx/testing';
import { parseConfig } from '../config.js';
import { commands } from '../main.js';
import { openRuntime, type Runtime } from '../runtime.js';
import { startServer, type RunningServer } from '../server/serve.js';
import { SteeringError } from './steering-error.js';
import { HttpSweeps } from './sweep-operations.js';
import type { SweepStatus } from './sweep-service.js';

const TOKEN = 'steering-token-123456';
const EPOCH_MS = 150;

interface EpochLine {
  trialId: string;
  epoch: number;
  pid: number;
}

/** A real `fermx worker` process with the synthetic trainer child (short locks). */
class WorkerProcess {
  readonly logs: string[] = [];
  readonly exited: Promise<unknown>;
  constructor(readonly child: ChildProcess) {
    child.stderr!.on('data', (d: Buffer) => this.logs.push(d.toString()));
    this.exited = new Promise((r) => child.once('exit', r));
  }

  static async start(id: string, env: Record<string, string>, cwd: string): Promise<WorkerProcess> {
    const child = spawn(process.execPath, syntheticWorkerArgs(), {
      cwd,
      env: {
        ...process.env,
        FERMX_SYNTHETIC_EPOCH_MS: String(EPOCH_MS),
        FERMX_LOCK_DURATION_MS: '2000',
        FERMX_STALLED_INTERVAL_MS: '1000',
        // A trial whose worker dies fails at once (the retry test needs a failed trial with a checkpoint).
        FERMX_MAX_STALLED_COUNT: '0',
        FERMX_HEARTBEAT_MS: '500',
        FERMX_SHUTDOWN_GRACE_MS: '3000',
        FERMX_LOG_LEVEL: 'info',
        FERMX_WORKER_ID: id,
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const worker = new WorkerProcess(child);
    await waitFor(
      () => worker.logs.join('').includes('"worker ready"'),
      90_000,
      () => `worker ${id} never got ready: ${worker.logs.join('').slice(-2000)}`,
      () => child.exitCode !== null,
    );
    return worker;
  }

  async dispose(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}

async function waitFor(ready: () => boolean | Promise<boolean>, timeoutMs: number, describe: () => string, abort: () => boolean = () => false): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ready()) return;
    if (abort()) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(describe());
}

let redis: RedisServer;
let dir: string;
let storageUri: string;
let datasetUri: string;
let env: Record<string, string>;
let runtime: Runtime;
let server: RunningServer;
let sweeps: HttpSweeps;
let epochLog: string;
const workers: WorkerProcess[] = [];

const spec = (name: string, parameters: Record<string, unknown>, strategy?: unknown) => ({
  name,
  dataset: datasetUri,
  model: { architecture: 'cnn', width: 0.25 },
  parameters,
  ...(strategy ? { strategy } : {}),
  retry: { attempts: 2, backoffSeconds: 1, jitter: 0 },
});
const epochs = (): EpochLine[] =>
  existsSync(epochLog)
    ? readFileSync(epochLog, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as EpochLine)
    : [];
const started = (ids: Iterable<string>) => {
  const wanted = new Set(ids);
  return new Set(
    epochs()
      .filter((e) => wanted.has(e.trialId))
      .map((e) => e.trialId),
  );
};
const status = async (sweepId: string): Promise<SweepStatus> => {
  const found = (await sweeps.status(sweepId))!;
  lastCounts.set(sweepId, found.counts);
  return found;
};
/** Every trial of the sweep finished (a trial without job or result would not count as settled). */
const settled = (sweepId: string, timeoutMs = 120_000) =>
  waitFor(
    async () => {
      const c = (await status(sweepId)).counts;
      return c.completed + c.stoppedEarly + c.failed + c.cancelled === c.total;
    },
    timeoutMs,
    () => `sweep ${sweepId} did not settle: ${JSON.stringify(lastCounts.get(sweepId))}`,
  );
const lastCounts = new Map<string, unknown>();
const submit = async (input: unknown) => {
  const outcome = await sweeps.submit(input);
  if (!outcome.ok) throw new Error(`submit failed: ${JSON.stringify(outcome.issues)}`);
  return outcome;
};
const fermx = (...argv: string[]) => runCliCaptured(argv, commands, env);

beforeAll(async () => {
  redis = await RedisServer.start();
  dir = mkdtempSync(join(tmpdir(), 'fermx-steer-'));
  storageUri = pathToFileURL(join(dir, 'store')).href;
  datasetUri = `${storageUri}/datasets/ferm/v1`;
  epochLog = join(dir, 'epochs.jsonl');
  await openStorage(datasetUri).put('manifest.json', JSON.stringify({ classes: ['neutral', 'sad', 'surprise', 'angry'] }));
  env = { REDIS_URL: redis.url, FERMX_STORAGE: storageUri, FERMX_API_TOKEN: TOKEN, FERMX_REDIS_PREFIX: `test-${randomUUID()}`, FERMX_LOG_LEVEL: 'silent' };
  runtime = await openRuntime(parseConfig(env), process.env);
  server = await startServer(runtime, { port: 0, host: '127.0.0.1', log: createLogger('test', { FERMX_LOG_LEVEL: 'silent' }), dispatchIntervalMs: 200 });
  sweeps = new HttpSweeps(server.url, TOKEN);
}, 60_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.dispose()));
  await server?.close();
  await runtime?.queue.obliterate({ force: true });
  await runtime?.close();
  await redis?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('steering a sweep (real queue, real workers)', () => {
  // Sweep ids, filled in as the tests submit them.
  const ids: Record<string, string> = {};
  let shared: string[] = [];

  it('rejects a spec over the maximum with its count, before enumerating anything', async () => {
    const t0 = performance.now();
    const outcome = await sweeps.submit(spec('huge', { seed: { int: [1, 1000] }, batchSize: { int: [1, 1000] }, epochs: { int: [1, 1000] } }));
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(outcome).toEqual({
      ok: false,
      error: 'invalid sweep spec',
      issues: [{ path: 'parameters', message: 'the sweep expands to 1,000,000,000 trials; the maximum is 10,000 (FERMX_MAX_TRIALS)' }],
    });
    const random = await sweeps.submit(
      spec('huge-random', { seed: { grid: [1, 2, 3] }, learningRate: { loguniform: [1e-4, 1e-2] } }, { type: 'random', n: 5000 }),
    );
    expect(random.ok ? undefined : random.issues).toEqual([
      { path: 'strategy.n', message: 'the sweep expands to 15,000 trials; the maximum is 10,000 (FERMX_MAX_TRIALS)' },
    ]);
    expect(await runtime.queue.count()).toBe(0);
    expect(await sweeps.list()).toEqual([]);
  });

  it('overlapping sweeps: cancelling one leaves the shared trials queued for the other', async () => {
    const a = await submit(spec('overlap-a', { learningRate: { grid: [0.001, 0.01] }, seed: { grid: [1, 2] }, epochs: 3 }));
    const b = await submit(spec('overlap-b', { learningRate: { grid: [0.01, 0.1] }, seed: { grid: [1, 2] }, epochs: 3 }));
    shared = a.trials.filter((t) => b.trials.includes(t));
    expect(shared).toHaveLength(2);
    expect(b).toMatchObject({ enqueued: 2, existing: 2 });
    ids.a = a.sweepId;
    ids.b = b.sweepId;
    expect(await sweeps.cancel(a.sweepId)).toEqual({ cancelled: 2 });
    // The shared jobs (first submitted by A, so their data names A) are still queued for B.
    for (const t of shared) expect((await runtime.queue.getJob(t))?.data.sweepId).toBe(a.sweepId);
    expect((await status(b.sweepId)).counts).toMatchObject({ total: 4, waiting: 4, cancelled: 0 });
    expect((await status(a.sweepId)).counts).toMatchObject({ total: 4, waiting: 2, cancelled: 2 });
  });

  it('the API steers only with the token and a valid body', async () => {
    const post = (path: string, body: unknown, token?: string) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, json: (await r.json()) as { error: string; issues?: unknown } }));
    expect((await post(`/api/sweeps/${ids.b}/pause`, {})).status).toBe(401);
    expect(await post(`/api/sweeps/${ids.b}/extend`, { n: 0 }, TOKEN)).toEqual({
      status: 400,
      json: { error: 'invalid extend request', issues: [{ path: 'n', message: expect.any(String) }] },
    });
    expect((await post(`/api/sweeps/${ids.b}/retry`, {}, TOKEN)).status).toBe(400);
    expect((await post(`/api/sweeps/${ids.b}/set`, { maxConcurrent: 2, colour: 1 }, TOKEN)).json.issues).toEqual([
      { path: 'colour', message: "unknown key 'colour'" },
    ]);
    expect(await post('/api/sweeps/nosuch-00000000/pause', {}, TOKEN)).toEqual({ status: 404, json: { error: 'no sweep nosuch-00000000' } });
    expect((await status(ids.b!)).dispatch).toEqual({ paused: false, priority: 10, held: 0 });
  });

  it('set --max-concurrent 1 (CLI) holds all but one queued trial; set --priority changes the queued jobs', async () => {
    const c = await submit(spec('capped', { learningRate: { grid: [0.002, 0.003, 0.004, 0.005] }, epochs: 3 }));
    ids.c = c.sweepId;
    const set = await fermx('sweep', 'set', c.sweepId, '--max-concurrent', '1', '--priority', '3');
    expect(set.err).toBe('');
    expect(set.code).toBe(0);
    expect(set.out).toContain('set max concurrent 1, priority 3 (4 queued jobs changed)');
    const after = await status(c.sweepId);
    expect(after.dispatch).toEqual({ paused: false, maxConcurrent: 1, priority: 3, held: 3 });
    expect(after.counts.waiting).toBe(4);
    const queued = after.trials.filter((t) => !t.held);
    expect(queued).toHaveLength(1);
    expect((await runtime.queue.getJob(queued[0]!.trialId))!.priority).toBe(3);
    expect(await fermx('sweep', 'set', c.sweepId, '--max-concurrent', '0')).toMatchObject({ code: 2 });
  });

  it('pause before any worker runs: every queued trial is held back', async () => {
    const e = await submit(spec('paused', { learningRate: { loguniform: [1e-4, 1e-2] }, epochs: 4 }, { type: 'random', n: 6, seed: 5 }));
    ids.e = e.sweepId;
    const paused = await sweeps.pause(e.sweepId);
    expect(paused.transition).toMatchObject({ action: 'paused', heldBack: 6 });
    expect(paused.dispatch).toMatchObject({ paused: true, held: 6 });
    await expect(sweeps.pause(e.sweepId)).rejects.toThrow(new SteeringError(409, `sweep ${e.sweepId} is already paused`));
    for (const t of e.trials) expect(await runtime.queue.getJob(t)).toBeUndefined();
  });

  it('a sweep submitted before the dispatch gate (no settings, no dispatch record) pauses, and resumes at its own priority', async () => {
    const old = await submit({ ...spec('pre-gate', { learningRate: { grid: [0.0021, 0.0031, 0.0041] }, epochs: 3 }), priority: 7 });
    // What an orchestrator older than the gate left in Redis: the jobs, and neither key.
    const client = await runtime.queue.client;
    await client.del(`${env.FERMX_REDIS_PREFIX}:sweep:${old.sweepId}:control`, `${env.FERMX_REDIS_PREFIX}:sweep:${old.sweepId}:dispatched`);
    const paused = await sweeps.pause(old.sweepId);
    expect(paused.transition).toMatchObject({ action: 'paused', heldBack: 3 });
    expect(paused.dispatch).toMatchObject({ paused: true, priority: 7, held: 3 });
    for (const t of old.trials) expect(await runtime.queue.getJob(t)).toBeUndefined();
    expect((await sweeps.resume(old.sweepId)).transition).toMatchObject({ action: 'resumed', dispatched: 3 });
    for (const t of old.trials) expect((await runtime.queue.getJob(t))!.priority).toBe(7);
    // Held again so that the workers of the next tests never see it.
    expect((await sweeps.pause(old.sweepId)).transition).toMatchObject({ action: 'paused', heldBack: 3 });
  });

  it('with workers: the other overlapping sweep completes, the cap keeps one trial at a time, the paused sweep gets nothing', async () => {
    const workerEnv = { REDIS_URL: redis.url, FERMX_STORAGE: storageUri, FERMX_REDIS_PREFIX: env.FERMX_REDIS_PREFIX!, FERMX_SYNTHETIC_LOG: epochLog };
    workers.push(...(await Promise.all([WorkerProcess.start('w-1', workerEnv, dir), WorkerProcess.start('w-2', workerEnv, dir)])));
    await settled(ids.b!);
    await settled(ids.c!);
    const b = await status(ids.b!);
    expect(b.counts).toMatchObject({ total: 4, completed: 4 });
    const board = await fetch(`${server.url}/api/leaderboard?sweep=${ids.b}`).then((r) => r.json() as Promise<{ rows: { trialId: string }[] }>);
    expect(board.rows.map((r) => r.trialId).sort()).toEqual(b.trials.map((t) => t.trialId).sort());
    // A's own trials never ran; its shared ones ran (for B).
    const a = await status(ids.a!);
    expect(
      a.trials
        .filter((t) => t.status === 'completed')
        .map((t) => t.trialId)
        .sort(),
    ).toEqual([...shared].sort());
    expect(started(a.trials.filter((t) => !shared.includes(t.trialId)).map((t) => t.trialId)).size).toBe(0);

    // Capped at 1: the epochs of C's trials never interleave (one trial at a time).
    const c = await status(ids.c!);
    const cIds = new Set(c.trials.map((t) => t.trialId));
    const order = epochs()
      .filter((l) => cIds.has(l.trialId))
      .map((l) => l.trialId);
    expect(order).toHaveLength(12);
    const blocks = order.filter((t, i) => i === 0 || order[i - 1] !== t);
    expect(blocks).toHaveLength(4);
    expect(c.counts).toMatchObject({ completed: 4 });

    // Paused: nothing of E reached a worker.
    const e = await status(ids.e!);
    expect(started(e.trials.map((t) => t.trialId)).size).toBe(0);
    expect(e.counts).toMatchObject({ waiting: 6, active: 0 });
  }, 240_000);

  it('resume dispatches the paused sweep; pausing it mid-run lets running trials finish and starts no new one', async () => {
    const e0 = await status(ids.e!);
    const all = e0.trials.map((t) => t.trialId);
    expect((await sweeps.resume(ids.e!)).transition).toMatchObject({ action: 'resumed', dispatched: 6 });
    await waitFor(
      () => started(all).size > 0,
      90_000,
      () => 'no trial of the resumed sweep started',
    );
    const paused = await sweeps.pause(ids.e!);
    const heldBack = paused.transition.action === 'paused' ? paused.transition.heldBack : -1;
    expect(heldBack).toBeGreaterThanOrEqual(3);
    // What was running finishes; nothing else starts while paused.
    await waitFor(
      async () => (await status(ids.e!)).counts.active === 0,
      90_000,
      () => 'running trials did not finish',
    );
    await new Promise((r) => setTimeout(r, 6 * EPOCH_MS));
    const during = await status(ids.e!);
    const ran = started(all);
    expect(ran.size).toBe(6 - heldBack);
    expect(
      during.trials
        .filter((t) => t.held)
        .map((t) => t.trialId)
        .sort(),
    ).toEqual(all.filter((t) => !ran.has(t)).sort());
    for (const t of during.trials.filter((x) => ran.has(x.trialId))) expect(t.status).toBe('completed');
    await sweeps.resume(ids.e!);
    await settled(ids.e!);
    expect((await status(ids.e!)).counts).toMatchObject({ total: 6, completed: 6 });
  }, 240_000);

  it('extend --n 2 keeps the sweep id, adds the next points of the seeded stream, and they run', async () => {
    const before = await status(ids.e!);
    const extended = await sweeps.extend(ids.e!, 2);
    expect(extended.transition).toMatchObject({ action: 'extended', n: 2, added: 2, total: 8 });
    const after = await status(ids.e!);
    expect(after.sweep.sweepId).toBe(ids.e);
    expect(after.trials.slice(0, 6).map((t) => t.trialId)).toEqual(before.trials.map((t) => t.trialId));
    // The same as a sweep of n = 8 from the start (no grid axes: one stream).
    const n8 = parseSweepSpec({ ...(before.sweep.spec as object), strategy: { type: 'random', n: 8, seed: 5 } });
    if (!n8.ok) throw new Error('spec');
    const expected = expandSweep(n8.spec, { dataset: before.sweep.dataset, numClasses: 4, createdAt: before.sweep.createdAt }).trials.map((t) => t.trialId);
    expect(after.trials.map((t) => t.trialId)).toEqual(expected);
    await settled(ids.e!);
    expect(started(expected.slice(6)).size).toBe(2);
    expect((await status(ids.e!)).counts).toMatchObject({ total: 8, completed: 8 });
    await expect(sweeps.extend(ids.c!, 1)).rejects.toThrow(/uses strategy grid, which already enumerates every point/);
  }, 180_000);

  it('retry: a trial that failed mid-run runs again with fresh attempts, from its last checkpoint', async () => {
    const f = await submit(spec('retry', { learningRate: 0.006, epochs: 30 }));
    ids.f = f.sweepId;
    const trialId = f.trials[0]!;
    await waitFor(
      () => epochs().filter((l) => l.trialId === trialId).length >= 4,
      90_000,
      () => 'the long trial did not start',
    );
    // Its worker dies; the other one finds the stalled job and fails it (max stalled count 0).
    const victim = workers.find((w) => w.logs.join('').includes(`"trialId":"${trialId}"`));
    expect(victim).toBeDefined();
    victim!.child.kill('SIGKILL');
    await victim!.exited;
    await waitFor(
      async () => (await status(ids.f!)).counts.failed === 1,
      60_000,
      () => `the trial never failed: ${JSON.stringify(lastCounts.get(ids.f!))}`,
    );
    const lastBefore = Math.max(
      ...epochs()
        .filter((l) => l.trialId === trialId)
        .map((l) => l.epoch),
    );
    expect(lastBefore).toBeLessThan(30);
    const linesBefore = epochs().length;

    const retry = await fermx('sweep', 'retry', ids.f!, '--failed', '--json');
    expect(retry.code).toBe(0);
    expect(JSON.parse(retry.out).transition).toMatchObject({ action: 'retried', trialIds: [trialId] });
    await settled(ids.f!);
    const done = await status(ids.f!);
    expect(done.trials[0]).toMatchObject({ status: 'completed', result: { epochs: 30 } });
    const again = epochs()
      .slice(linesBefore)
      .filter((l) => l.trialId === trialId)
      .map((l) => l.epoch);
    // Resumed: the new run starts right after a saved checkpoint, not at epoch 1, and ends at 30.
    expect(again[0]).toBeGreaterThan(1);
    expect(again[0]).toBeLessThanOrEqual(lastBefore + 1);
    expect(again.at(-1)).toBe(30);
    // A fresh job: started once (the failed one had used its attempt and a stall).
    expect((await runtime.queue.getJob(trialId))!.attemptsStarted).toBe(1);
  }, 240_000);

  it('paused mid-trial, then its worker stops: the handed-back trial waits held (no other worker starts it) and resumes from its checkpoint', async () => {
    const workerEnv = { REDIS_URL: redis.url, FERMX_STORAGE: storageUri, FERMX_REDIS_PREFIX: env.FERMX_REDIS_PREFIX!, FERMX_SYNTHETIC_LOG: epochLog };
    workers.push(await WorkerProcess.start('w-3', workerEnv, dir));
    expect(workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null)).toHaveLength(2);
    const g = await submit(spec('handed-back', { learningRate: 0.007, epochs: 40 }));
    ids.g = g.sweepId;
    const trialId = g.trials[0]!;
    const ran = () =>
      epochs()
        .filter((l) => l.trialId === trialId)
        .map((l) => l.epoch);
    // Its log line is written as an epoch ends, its progress a moment later: wait for both, so
    // that the epoch status must keep after the hand-back is one it had already shown.
    await waitFor(
      async () => ran().length >= 3 && ((await status(ids.g!)).trials[0]!.progress?.epoch ?? 0) >= 3,
      90_000,
      () => 'the long trial did not start',
    );
    expect((await sweeps.pause(ids.g)).transition).toMatchObject({ action: 'paused', heldBack: 0 });
    const runner = workers.find((w) => w.child.exitCode === null && w.logs.join('').includes(`"trialId":"${trialId}"`))!;
    runner.child.kill('SIGTERM');
    await runner.exited;
    expect(runner.logs.join('')).toContain('trial handed back to the queue');
    const before = Math.max(...ran());
    expect(before).toBeLessThan(40);
    await waitFor(
      async () => (await status(ids.g!)).trials[0]!.held === true,
      30_000,
      () => `the handed-back trial was not held: ${JSON.stringify((lastCounts.get(ids.g!) ?? {}) as object)}`,
    );
    // Pause took its job off the queue; status still shows the epoch it stopped at.
    const shown = (await status(ids.g!)).trials[0]!.progress;
    expect(shown?.epochs).toBe(40);
    expect(shown?.epoch).toBeGreaterThanOrEqual(3);
    expect(shown?.epoch).toBeLessThanOrEqual(before);
    await new Promise((r) => setTimeout(r, 6 * EPOCH_MS));
    expect(Math.max(...ran())).toBe(before); // the idle worker left it alone
    expect((await status(ids.g!)).counts).toMatchObject({ active: 0 });

    await sweeps.resume(ids.g);
    await settled(ids.g);
    expect((await status(ids.g!)).trials[0]).toMatchObject({ status: 'completed', result: { epochs: 40 } });
    const after = ran().slice(ran().lastIndexOf(before) + 1);
    expect(after[0]).toBeGreaterThan(1);
    expect(after[0]).toBeLessThanOrEqual(before + 1);
    expect(after.at(-1)).toBe(40);
  }, 240_000);

  it('records every transition in the history, shown by `fermx sweep status`', async () => {
    const e = await status(ids.e!);
    expect(e.sweep.history!.map((t) => t.action)).toEqual(['submitted', 'paused', 'resumed', 'paused', 'resumed', 'extended']);
    const shown = await fermx('sweep', 'status', ids.e!);
    expect(shown.out).toMatch(/dispatch: dispatching · no concurrency cap · priority 10 · 0 held/);
    expect(shown.out).toMatch(/history:\n {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}submitted \(6 enqueued, 0 already known\)\n/);
    expect(shown.out).toContain('extended by 2 per grid point (2 new trials, 8 in all)');
    expect((await status(ids.a!)).sweep.history!.map((t) => t.action)).toEqual(['submitted', 'cancelled']);
    await expect(sweeps.resume(ids.a!)).rejects.toThrow(`sweep ${ids.a} is cancelled; submit its spec again to bring it back`);
  });

  it('leaderboard rebuild restores trial ownership from the sweep records: shared rows stay listed under both sweeps', async () => {
    const ownerKeys = await runtime.redis.keys(`${env.FERMX_REDIS_PREFIX}:trial:*:owners`);
    expect(ownerKeys.length).toBeGreaterThan(0);
    await runtime.redis.del(...ownerKeys);
    expect((await fermx('leaderboard', 'rebuild')).code).toBe(0);
    const rows = await runtime.index.query({ sweepId: ids.b! });
    expect(rows.map((r) => r.trialId).sort()).toEqual((await status(ids.b!)).trials.map((t) => t.trialId).sort());
    expect(
      rows
        .filter((r) => r.sweepId === ids.a)
        .map((r) => r.trialId)
        .sort(),
    ).toEqual([...shared].sort());
  });
});
