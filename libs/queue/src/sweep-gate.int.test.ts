/** SweepGate, TrialOwners and owner-aware cancel flags and leaderboard on a real redis-server. */
import { randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TrialProgress, TrialSpec } from '@fermx/contracts';
import { exampleTrialResult, exampleTrialSpec } from '@fermx/contracts/testing';
import {
  addTrialJobs,
  CancelFlags,
  LeaderboardIndex,
  readTrialStates,
  SweepGate,
  SweepPauses,
  TrialOwners,
  trialQueue,
  workerConnection,
  type TrialQueue,
} from './index.js';
import { liveRedis } from './testing/live-redis.js';

const live = liveRedis();
let keys: { prefix: string };
let queue: TrialQueue;
let gate: SweepGate;

const specs = (sweepId: string, n: number, from = 0): TrialSpec[] =>
  Array.from({ length: n }, (_, i) =>
    exampleTrialSpec({ sweepId, training: { epochs: 2, batchSize: 8, learningRate: 0.001, seed: from + i, augmentation: false } }),
  );
const held = (list: TrialSpec[]) => list.map((spec, order) => ({ spec, order }));

describe('SweepGate', () => {
  beforeEach(() => {
    keys = { prefix: `test-${randomUUID()}` };
    queue = trialQueue(live.redis, keys);
    gate = new SweepGate({ redis: live.redis, queue, index: new LeaderboardIndex(live.redis, keys), keys });
  });
  afterEach(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('without pause or cap, enqueue puts every trial on the queue at once', async () => {
    await gate.enqueue('s-free', held(specs('s-free', 3)));
    expect(await queue.count()).toBe(3);
    expect(await gate.heldIds('s-free')).toEqual([]);
  });

  it('a cap lets through at most N queued-or-running trials, in order; a finished one frees a slot', async () => {
    const list = specs('s-cap', 5);
    await gate.configure('s-cap', { maxConcurrent: 2 });
    await gate.enqueue('s-cap', held(list));
    expect((await queue.getJobs(['prioritized', 'waiting'])).map((j) => j.id).sort()).toEqual([list[0]!.trialId, list[1]!.trialId].sort());
    expect(await gate.heldIds('s-cap')).toEqual(list.slice(2).map((t) => t.trialId));
    expect(await gate.pendingSweeps()).toEqual(['s-cap']);
    expect(await gate.dispatch('s-cap')).toBe(0);

    // A worker takes one and finishes it: the next pass queues exactly one more.
    const worker = new Worker<TrialSpec>(queue.name, null, { connection: workerConnection(live.url), prefix: keys.prefix });
    const job = (await worker.getNextJob('token-1'))!;
    expect(await gate.dispatch('s-cap')).toBe(0); // running still counts
    await job.moveToCompleted('done', 'token-1', false);
    expect(await gate.dispatch('s-cap')).toBe(1);
    expect(await gate.inFlight('s-cap')).toBe(2);
    await worker.close();

    // Removing the cap dispatches the rest.
    await gate.configure('s-cap', { maxConcurrent: null });
    expect(await gate.dispatch('s-cap')).toBe(2);
    expect(await gate.pendingSweeps()).toEqual([]);
  });

  it('a running trial whose worker died (stalled, lock gone) still counts against the cap', async () => {
    const list = specs('s-stall', 2);
    await gate.configure('s-stall', { maxConcurrent: 1 });
    await gate.enqueue('s-stall', held(list));
    const worker = new Worker<TrialSpec>(queue.name, null, { connection: workerConnection(live.url), prefix: keys.prefix });
    const job = (await worker.getNextJob('token-2'))!;
    await live.redis.del(`${keys.prefix}:${queue.name}:${job.id}:lock`); // the worker vanished
    expect((await readTrialStates(live.redis, [job.id!], keys)).get(job.id!)!.state).toBe('waiting');
    expect(await gate.dispatch('s-stall')).toBe(0);
    await worker.close();
  });

  it('pause: pullBack takes queued jobs back into the held set; dispatch does nothing until resumed', async () => {
    const list = specs('s-pause', 3);
    await gate.enqueue('s-pause', held(list));
    await gate.configure('s-pause', { paused: true });
    expect(await gate.pullBack('s-pause')).toBe(3);
    expect(await queue.count()).toBe(0);
    expect(await gate.heldIds('s-pause')).toEqual(list.map((t) => t.trialId));
    expect(await gate.dispatch('s-pause')).toBe(0);
    await gate.configure('s-pause', { paused: false });
    expect(await gate.dispatch('s-pause')).toBe(3);
    expect((await queue.getJob(list[0]!.trialId))!.data).toEqual(list[0]);
  });

  it('while paused, a running trial handed back to the queue is held again on the next pass, and finished ones leave the record', async () => {
    const [running, done] = specs('s-back', 2);
    await gate.enqueue('s-back', held([running!, done!]));
    const worker = new Worker<TrialSpec>(queue.name, null, { connection: workerConnection(live.url), prefix: keys.prefix });
    const first = (await worker.getNextJob('token-3'))!;
    const second = (await worker.getNextJob('token-4'))!;
    await second.moveToCompleted('done', 'token-4', false);
    await gate.configure('s-back', { paused: true });
    expect(await gate.pausedSweeps()).toEqual(['s-back']);
    expect(await gate.pullBack('s-back')).toBe(0); // running: it finishes where it runs
    // Its worker stops and hands it back: the next pass holds it instead of leaving it to a worker.
    await first.moveToWait('token-3');
    expect(await gate.pullBack('s-back')).toBe(1);
    expect(await gate.heldIds('s-back')).toEqual([first.id]);
    expect(await queue.getJob(first.id!)).toBeUndefined();
    expect(await live.redis.zrange(`${keys.prefix}:sweep:s-back:dispatched`, 0, -1)).toEqual([]);
    await worker.close();
    await gate.configure('s-back', { paused: false });
    expect(await gate.pausedSweeps()).toEqual([]);
    expect(await gate.dispatch('s-back')).toBe(1);
  });

  it("a trial pause takes back keeps its last reported epoch until it finishes (the removed job's progress goes with it)", async () => {
    const [trial] = specs('s-progress', 1);
    await gate.enqueue('s-progress', held([trial!]));
    const worker = new Worker<TrialSpec>(queue.name, null, { connection: workerConnection(live.url), prefix: keys.prefix });
    const job = (await worker.getNextJob('token-5'))!;
    const epoch9: TrialProgress = { epoch: 9, epochs: 20, loss: 1.1, accuracy: 0.6, valLoss: 1.2, valAccuracy: 0.64, seconds: 140, imagesPerSecond: 200 };
    await job.updateProgress(epoch9);
    await gate.configure('s-progress', { paused: true });
    await job.moveToWait('token-5');
    expect(await gate.pullBack('s-progress')).toBe(1);
    expect(await gate.lastProgress('s-progress', [trial!.trialId, 'other'])).toEqual(new Map([[trial!.trialId, epoch9]]));
    // Resumed: queued again, a fresh job without progress until the trial's next epoch.
    await gate.configure('s-progress', { paused: false });
    expect(await gate.dispatch('s-progress')).toBe(1);
    expect((await readTrialStates(live.redis, [trial!.trialId], keys)).get(trial!.trialId)?.progress).toBeUndefined();
    expect((await gate.lastProgress('s-progress', [trial!.trialId])).get(trial!.trialId)).toEqual(epoch9);
    const again = (await worker.getNextJob('token-6'))!;
    await again.moveToCompleted('done', 'token-6', false);
    await gate.inFlight('s-progress');
    expect((await gate.lastProgress('s-progress', [trial!.trialId])).size).toBe(0);
    await worker.close();
  });

  it('dropHeld (cancel) forgets the last progress of the held trials', async () => {
    const [trial] = specs('s-drop', 1);
    await gate.enqueue('s-drop', held([trial!]));
    await (await queue.getJob(trial!.trialId))!.updateProgress({
      epoch: 2,
      epochs: 4,
      loss: 1,
      accuracy: 0.5,
      valLoss: 1,
      valAccuracy: 0.5,
      seconds: 1,
      imagesPerSecond: 1,
    });
    await gate.configure('s-drop', { paused: true });
    expect(await gate.pullBack('s-drop')).toBe(1);
    expect((await gate.lastProgress('s-drop', [trial!.trialId])).size).toBe(1);
    expect(await gate.dropHeld('s-drop')).toBe(1);
    expect((await gate.lastProgress('s-drop', [trial!.trialId])).size).toBe(0);
  });

  it('pullBack leaves a job another owner sweep still dispatches (not paused, not cancelled)', async () => {
    const [shared, own] = specs('s-a', 2);
    const owners = new TrialOwners(live.redis, keys);
    await owners.add('s-a', [shared!.trialId, own!.trialId]);
    await owners.add('s-b', [shared!.trialId]);
    await gate.enqueue('s-a', held([shared!, own!]));
    await gate.configure('s-a', { paused: true });
    expect(await gate.pullBack('s-a')).toBe(1);
    expect((await queue.getJob(shared!.trialId))?.id).toBe(shared!.trialId);
    expect(await queue.getJob(own!.trialId)).toBeUndefined();
  });

  it('recordQueued: a sweep queued without a dispatch record (an older orchestrator) can be paused and capped', async () => {
    const list = specs('s-old', 3);
    const other = specs('s-other', 1, 10);
    // What an orchestrator before the gate did: every job straight onto the queue, nothing recorded.
    await addTrialJobs(queue, [...list, ...other]);
    await gate.configure('s-old', { paused: true });
    expect(await gate.pullBack('s-old')).toBe(0);
    // The sweep lists a trial another sweep queued (shared): it stays that sweep's.
    expect(
      await gate.recordQueued(
        's-old',
        [...list, ...other].map((t) => t.trialId),
      ),
    ).toBe(3);
    expect(
      await gate.recordQueued(
        's-old',
        [...list, ...other].map((t) => t.trialId),
      ),
    ).toBe(0);
    expect(await gate.pullBack('s-old')).toBe(3);
    expect(await gate.heldIds('s-old')).toEqual(list.map((t) => t.trialId));
    expect(await queue.count()).toBe(1);
    expect((await queue.getJob(other[0]!.trialId))?.id).toBe(other[0]!.trialId);
    await gate.configure('s-old', { paused: false, maxConcurrent: 1 });
    expect(await gate.dispatch('s-old')).toBe(1);
    expect((await queue.getJob(list[0]!.trialId))!.data).toEqual(list[0]);
  });

  it("reprioritise changes the priority of the sweep's queued jobs", async () => {
    const list = specs('s-prio', 2);
    await gate.enqueue('s-prio', held(list));
    expect(await gate.reprioritise('s-prio', 3)).toBe(2);
    expect((await queue.getJob(list[1]!.trialId))!.priority).toBe(3);
    expect(await queue.getJobs(['prioritized'])).toHaveLength(2);
  });
});

describe('trial ownership', () => {
  const k = { prefix: `test-${randomUUID()}` };

  it('a shared trial is cancelled for a worker only once every owner sweep is cancelled', async () => {
    const owners = new TrialOwners(live.redis, k);
    const flags = new CancelFlags(live.redis, k);
    await owners.add('s-1', ['t-1', 't-2']);
    await owners.add('s-2', ['t-1']);
    await flags.cancel('s-1');
    expect(await flags.isCancelled('s-1')).toBe(true);
    expect(await flags.isCancelled('s-1', 't-1')).toBe(false);
    expect(await flags.isCancelled('s-1', 't-2')).toBe(true);
    await flags.cancel('s-2');
    expect(await flags.isCancelled('s-1', 't-1')).toBe(true);
  });

  it('a worker leaves a trial of a paused sweep unless another owner, neither paused nor cancelled, wants it', async () => {
    const owners = new TrialOwners(live.redis, k);
    const pauses = new SweepPauses(live.redis, k);
    const queueK = trialQueue(live.redis, k);
    const gateK = new SweepGate({ redis: live.redis, queue: queueK, index: new LeaderboardIndex(live.redis, k), keys: k });
    await owners.add('p-1', ['t-own', 't-shared']);
    await owners.add('p-2', ['t-shared']);
    expect(await pauses.holdsBack('p-1', 't-own')).toBe(false);
    await gateK.configure('p-1', { paused: true });
    expect(await pauses.holdsBack('p-1', 't-own')).toBe(true);
    expect(await pauses.holdsBack('p-1', 't-shared')).toBe(false);
    await gateK.configure('p-2', { paused: true });
    expect(await pauses.holdsBack('p-1', 't-shared')).toBe(true);
    await gateK.configure('p-2', { paused: false });
    await new CancelFlags(live.redis, k).cancel('p-2');
    expect(await pauses.holdsBack('p-1', 't-shared')).toBe(true);
    await gateK.configure('p-1', { paused: false });
    expect(await pauses.holdsBack('p-1', 't-own')).toBe(false);
    await queueK.close();
  });

  it('the leaderboard lists a shared trial under every owner sweep', async () => {
    const index = new LeaderboardIndex(live.redis, k);
    const result = exampleTrialResult({ sweepId: 'lb-a-00000000', valAccuracy: 0.7 });
    await new TrialOwners(live.redis, k).add('lb-a-00000000', [result.trialId]);
    await new TrialOwners(live.redis, k).add('lb-b-00000000', [result.trialId]);
    await index.upsert(result);
    expect((await index.query({ sweepId: 'lb-b-00000000' })).map((r) => r.trialId)).toEqual([result.trialId]);
    expect(await index.addToSweep('lb-c-00000000', [result.trialId, 't-none'])).toBe(1);
    expect((await index.query({ sweepId: 'lb-c-00000000' })).map((r) => r.trialId)).toEqual([result.trialId]);
  });
});
