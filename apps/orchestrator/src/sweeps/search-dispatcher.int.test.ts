import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from '@fermx/data';
import { SearchStudy, type SearchEvent } from '@fermx/search';
import { RedisServer, syntheticWorkerArgs } from '@fermx/testing';
import { parseConfig } from '../config.js';
import { openRuntime, type Runtime } from '../runtime.js';
import { SearchLoop } from './search-loop.js';
import { searchCells, searchConfig, type TpeSpec } from './search-space.js';
import { parseSweepSpec } from '@fermx/contracts';

const log = pino({ level: 'silent' });

let redis: RedisServer;
let dir: string;
let storageUri: string;
let env: NodeJS.ProcessEnv;
const workers: ChildProcess[] = [];

/** A real `fermx worker` process with the synthetic trainer (deterministic curves from lr, dropout, seed; 20 ms epochs). */
async function startWorker(id: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, syntheticWorkerArgs(), {
    cwd: dir,
    env: { ...process.env, ...env, FERMX_SYNTHETIC_EPOCH_MS: '20', FERMX_HEARTBEAT_MS: '500', FERMX_WORKER_ID: id, FERMX_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  workers.push(child);
  let out = '';
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`worker ${id} not ready: ${out.slice(-2000)}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('"worker ready"')) {
        clearTimeout(timer);
        ready();
      }
    });
    child.once('exit', (code) => fail(new Error(`worker ${id} exited with ${code}: ${out.slice(-2000)}`)));
  });
  return child;
}

async function until(what: string, ready: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An orchestrator: its runtime plus the search loop `fermx serve` runs. */
async function orchestrator(): Promise<{ runtime: Runtime; loop: SearchLoop; stop(): Promise<void> }> {
  const runtime = await openRuntime(parseConfig(env), env);
  const loop = new SearchLoop(runtime.sweeps.search, { redisUrl: redis.url, keys: { prefix: String(env.FERMX_REDIS_PREFIX) }, log, intervalMs: 250 });
  await loop.start();
  return {
    runtime,
    loop,
    stop: async () => {
      await loop.stop();
      await runtime.close();
    },
  };
}

beforeAll(async () => {
  redis = await RedisServer.start();
  dir = mkdtempSync(join(tmpdir(), 'fermx-tpe-'));
  storageUri = pathToFileURL(join(dir, 'store')).href;
  env = { REDIS_URL: redis.url, FERMX_STORAGE: storageUri, FERMX_REDIS_PREFIX: `test-${randomUUID()}` };
  await openStorage(`${storageUri}/datasets/ferm/v1`).put('manifest.json', JSON.stringify({ classes: ['a', 'b', 'c', 'd'] }));
  await Promise.all([startWorker('w1'), startWorker('w2')]);
});

afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  await redis?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('tpe sweep through the queue (real redis-server, two synthetic workers)', () => {
  const spec = () => ({
    name: 'tpe-int',
    dataset: `${storageUri}/datasets/ferm/v1`,
    model: { architecture: 'cnn' },
    parameters: { learningRate: { loguniform: [1e-5, 1e-1] }, dropout: { uniform: [0, 0.8] }, batchSize: { choice: [16, 32] }, epochs: 3 },
    strategy: { type: 'tpe', n: 12, startupTrials: 4, maxConcurrent: 2, seed: 5 },
    halving: { rungs: [1], reductionFactor: 2 },
  });

  it('runs to n trials with distinct ids, never more than maxConcurrent at once, and a restarted orchestrator continues the same proposal stream', async () => {
    let o = await orchestrator();
    const submitted = await o.runtime.sweeps.submit(spec());
    if (!submitted.ok) throw new Error(JSON.stringify(submitted.issues));
    expect(submitted.enqueued).toBe(2);
    const sweepId = submitted.sweepId;
    const asks = async (r: Runtime) => (await r.sweeps.search.log.read(sweepId)).filter((e) => e.type === 'ask');

    // Restart mid-sweep: the first orchestrator stops after 6 proposals, a fresh one takes over.
    await until('6 proposals', async () => (await asks(o.runtime)).length >= 6);
    await o.stop();
    o = await orchestrator();
    try {
      await until('the search to finish', async () => !(await o.runtime.sweeps.search.log.active()).includes(sweepId));
      const events = await o.runtime.sweeps.search.log.read(sweepId);
      const asked = events.filter((e): e is Extract<SearchEvent, { type: 'ask' }> => e.type === 'ask');
      expect(asked).toHaveLength(12);
      expect(new Set(asked.map((e) => e.trialId)).size).toBe(12);
      expect(asked.some((e) => e.by === 'tpe')).toBe(true);
      // Rung results (ASHA at epoch 1) and final results were both told.
      expect(events.some((e) => e.type === 'tell' && e.budget === 1)).toBe(true);
      expect(events.some((e) => e.type === 'tell' && e.budget === 'final')).toBe(true);

      // Never more than maxConcurrent proposed trials running at once.
      const parsed = parseSweepSpec(spec());
      if (!parsed.ok) throw new Error('spec');
      const tpe = parsed.spec as TpeSpec;
      const study = new SearchStudy(searchConfig(tpe, searchCells(tpe)));
      for (const e of events) {
        study.apply(e);
        expect(study.running().length).toBeLessThanOrEqual(2);
      }

      // Same proposals from the log: the stream did not change across the restart.
      const replay = await o.runtime.sweeps.search.replay(sweepId);
      expect(replay).toEqual({ events: events.length, mismatches: [] });
      // The storage copy, written when the search finished, is the whole log.
      const mirror = await o.runtime.storage.getOptional(`sweeps/${sweepId}/search-log.json`);
      expect(JSON.parse(new TextDecoder().decode(mirror!))).toEqual(events);

      const status = (await o.runtime.sweeps.status(sweepId))!;
      expect(status.trials.map((t) => t.trialId).sort()).toEqual(asked.map((e) => e.trialId).sort());
      expect(status.counts.completed + status.counts.stoppedEarly).toBe(12);

      // A resubmit changes nothing: same sweep, no new proposals.
      const again = await o.runtime.sweeps.submit(spec());
      expect(again).toMatchObject({ ok: true, sweepId, enqueued: 0, existing: 12 });
    } finally {
      await o.stop();
    }
  });

  it('sweep enqueue adds one checked trial that joins the search log and trains', async () => {
    const o = await orchestrator();
    try {
      const submitted = await o.runtime.sweeps.submit(spec());
      if (!submitted.ok) throw new Error(JSON.stringify(submitted.issues));
      const sweepId = submitted.sweepId;
      const bad = await o.runtime.sweeps.enqueue(sweepId, { set: { learningRate: '-1', dropout: '0.2' } });
      expect(bad).toMatchObject({
        ok: false,
        issues: [{ path: 'set.learningRate' }, { path: 'set.batchSize', message: expect.stringContaining('--set batchSize=') }],
      });
      expect(await o.runtime.sweeps.enqueue('no-such-sweep', { set: {} })).toBeUndefined();
      const added = await o.runtime.sweeps.enqueue(sweepId, { set: { learningRate: '3e-3', dropout: '0.25', batchSize: '32' } });
      if (!added?.ok) throw new Error(JSON.stringify(added));
      expect(added.enqueued).toBe(true);
      const events = await o.runtime.sweeps.search.log.read(sweepId);
      expect(events.at(-1)).toMatchObject({ type: 'ask', trialId: added.trialId, by: 'manual', params: { learningRate: 0.003, dropout: 0.25, batchSize: 32 } });
      await until('the manual trial to be told', async () =>
        (await o.runtime.sweeps.search.log.read(sweepId)).some((e) => e.type === 'end' && e.trialId === added.trialId),
      );
      expect(await o.runtime.sweeps.enqueue(sweepId, { set: { learningRate: '3e-3', dropout: '0.25', batchSize: '32' } })).toMatchObject({
        ok: true,
        trialId: added.trialId,
        enqueued: false,
      });
    } finally {
      await o.stop();
    }
  });

  it('goes through the dispatch gate: a paused sweep gets no new trial (enqueue is held), a capped one never exceeds its cap, extend --n raises n', async () => {
    const o = await orchestrator();
    try {
      const submitted = await o.runtime.sweeps.submit({
        ...spec(),
        name: 'tpe-steer',
        strategy: { type: 'tpe', n: 8, startupTrials: 3, maxConcurrent: 4, seed: 9 },
      });
      if (!submitted.ok) throw new Error(JSON.stringify(submitted.issues));
      const sweepId = submitted.sweepId;
      const events = () => o.runtime.sweeps.search.log.read(sweepId);
      const count = async (type: SearchEvent['type']) => (await events()).filter((e) => e.type === type).length;
      await o.runtime.sweeps.pause(sweepId);
      const manual = await o.runtime.sweeps.enqueue(sweepId, { set: { learningRate: '1e-3', dropout: '0.1', batchSize: '16' } });
      if (!manual?.ok) throw new Error(JSON.stringify(manual));
      const asked = await count('ask');
      // Whatever a worker had taken finishes; the search sees it end, and proposes nothing.
      await until('the running trials to end', async () => {
        // As `fermx serve` does each pass: a trial a worker had taken as pause began comes back
        // to the queue (the worker leaves a paused sweep's trial), and the pass holds it.
        await o.runtime.sweeps.dispatchPending();
        const s = (await o.runtime.sweeps.status(sweepId))!;
        return (
          s.trials.every((t) => t.status !== 'active' && (t.status !== 'waiting' || t.held)) &&
          (await count('end')) === s.trials.filter((t) => t.status === 'completed' || t.status === 'stopped-early').length
        );
      });
      await new Promise((r) => setTimeout(r, 1500));
      expect(await count('ask')).toBe(asked);
      const paused = (await o.runtime.sweeps.status(sweepId))!;
      expect(paused.trials.find((t) => t.trialId === manual.trialId)).toMatchObject({ status: 'waiting', held: true });

      await o.runtime.sweeps.set(sweepId, { maxConcurrent: 1 });
      await o.runtime.sweeps.resume(sweepId);
      let most = 0;
      await until('the search to finish under the cap', async () => {
        await o.runtime.sweeps.dispatchPending();
        const s = (await o.runtime.sweeps.status(sweepId))!;
        most = Math.max(most, s.trials.filter((t) => t.status === 'active' || (t.status === 'waiting' && !t.held)).length);
        return !(await o.runtime.sweeps.search.log.active()).includes(sweepId);
      });
      expect(most).toBe(1);
      expect(await count('ask')).toBe(9); // n = 8 and the manual trial

      const extended = await o.runtime.sweeps.extend(sweepId, 2);
      expect(extended.transition).toMatchObject({ action: 'extended', n: 2, added: 1 });
      await until('the extension to finish', async () => {
        await o.runtime.sweeps.dispatchPending();
        return !(await o.runtime.sweeps.search.log.active()).includes(sweepId);
      });
      expect(await count('ask')).toBe(11);
    } finally {
      await o.stop();
    }
  });

  it('warm start takes results of an earlier sweep on the same dataset and refuses one on another', async () => {
    const o = await orchestrator();
    try {
      const first = await o.runtime.sweeps.submit(spec());
      if (!first.ok) throw new Error('first');
      const completed = (await o.runtime.sweeps.status(first.sweepId))!.counts.completed;
      expect(completed).toBeGreaterThanOrEqual(2);
      const warm = await o.runtime.sweeps.submit({
        ...spec(),
        name: 'tpe-warm',
        strategy: { type: 'tpe', n: 2, startupTrials: 2, maxConcurrent: 2, seed: 1 },
        warmStart: [first.sweepId],
      });
      if (!warm.ok) throw new Error(JSON.stringify(warm.issues));
      const events = await o.runtime.sweeps.search.log.read(warm.sweepId);
      // Every completed trial of the earlier sweep (the manual one included) seeds the model.
      expect(events.filter((e) => e.type === 'warm').length).toBe(completed);
      // The model is fit from the start: the first proposal is TPE's, not random.
      expect(events.find((e) => e.type === 'ask')).toMatchObject({ by: 'tpe' });

      await openStorage(`${storageUri}/datasets/ferm/v2`).put('manifest.json', JSON.stringify({ classes: ['a', 'b', 'c'] }));
      const other = await o.runtime.sweeps.submit({
        ...spec(),
        name: 'tpe-other',
        dataset: `${storageUri}/datasets/ferm/v2`,
        warmStart: [first.sweepId, 'missing-sweep'],
      });
      expect(other).toMatchObject({
        ok: false,
        issues: [
          { path: 'warmStart[0]', message: expect.stringContaining('warm start needs the same dataset') },
          { path: 'warmStart[1]', message: "no sweep missing-sweep (see 'fermx sweep list')" },
        ],
      });
    } finally {
      await o.stop();
    }
  });
});
