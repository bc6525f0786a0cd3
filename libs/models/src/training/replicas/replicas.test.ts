import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../architectures/model-config.js';
import { AdamOptimizer, KERAS_ADAM } from '../adam.js';
import { PAPER_AUGMENTATION, augmentationTransforms } from '../augmentation.js';
import { createRandom } from '../random.js';
import { syntheticImageSet } from '../synthetic-set.js';
import { train } from '../train.js';
import { dropoutSeedFor, shardGradients, shardRanges, type ShardPlan } from '../train-step.js';
import { buildTrainingModel, shapesOf } from '../training-model.js';
import { GradientExchange, elementCount, readTensors, writeTensors } from './gradient-exchange.js';
import { ReplicaGroup, liveReplicaThreads } from './replica-group.js';

const classes = ['neutral', 'sad', 'surprise', 'angry'];
const trainSet = syntheticImageSet(16, classes, 1);
const valSet = syntheticImageSet(4, classes, 2);
// Tiny: the stock cpu backend is exact but slow, and every replica thread builds its own copy.
const cnn: ModelConfig = { architecture: 'cnn', numClasses: 4, width: 0.125, dropout: 0.3 };

function plansFor(indices: Uint32Array, replicas: number, step: number, transforms: Float32Array | null = null): ShardPlan[] {
  return shardRanges(indices.length, replicas).map(([from, to], replica) => ({
    indices: indices.slice(from, to),
    transforms: transforms ? transforms.slice(from * 8, to * 8) : null,
    dropoutSeed: dropoutSeedFor(7, 1, step, replica),
    lossScale: replicas === 1 ? 1 : (to - from) / indices.length,
  }));
}

const maxDifference = (a: Float32Array[], b: Float32Array[]): number =>
  a.reduce((max, values, i) => values.reduce((m, v, j) => Math.max(m, Math.abs(v - b[i]![j]!)), max), 0);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => {
  // Whatever a test did, no replica thread may outlive it.
  expect(liveReplicaThreads()).toBe(0);
});

describe('sharded step (no batch norm, no dropout)', () => {
  it('two scaled shards summed through the exchange give the one-replica step within 1e-5', () => {
    const build = (): tf.LayersModel => {
      const model = tf.sequential();
      model.add(tf.layers.conv2d({ inputShape: [48, 48, 1], filters: 4, kernelSize: 3, strides: 4, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }));
      model.add(tf.layers.flatten());
      model.add(tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 6 }) }));
      return model;
    };
    const [whole, sharded] = [build(), build()];
    const variablesOf = (m: tf.LayersModel) => m.trainableWeights.map((w) => w.read() as tf.Variable);
    const indices = Uint32Array.from([3, 1, 4, 15, 9, 2, 6, 5, 13]); // odd: shards of 5 and 4
    const transforms = augmentationTransforms(indices.length, PAPER_AUGMENTATION, createRandom(1));

    const full = shardGradients(whole, variablesOf(whole), [], trainSet, plansFor(indices, 1, 0, transforms)[0]!);
    const exchange = new GradientExchange(2, elementCount(shapesOf(variablesOf(sharded))), 0);
    let lossSum = 0;
    plansFor(indices, 2, 0, transforms).forEach((plan, replica) => {
      const part = shardGradients(sharded, variablesOf(sharded), [], trainSet, plan);
      writeTensors(exchange.gradientsOf(replica), part.grads);
      lossSum += part.loss.dataSync()[0]!;
      tf.dispose([...part.grads, part.loss, part.correct]);
    });
    exchange.sumGradients();
    const reduced = readTensors(exchange.gradientsOf(2), shapesOf(variablesOf(sharded)));
    expect(lossSum).toBeCloseTo(full.loss.dataSync()[0]!, 5);
    expect(maxDifference(full.grads.map((g) => g.dataSync() as Float32Array), reduced.map((g) => g.dataSync() as Float32Array))).toBeLessThan(1e-5);

    // Then the same Adam step on both.
    const adams = [new AdamOptimizer({ learningRate: 0.01, ...KERAS_ADAM }, variablesOf(whole)), new AdamOptimizer({ learningRate: 0.01, ...KERAS_ADAM }, variablesOf(sharded))];
    adams[0]!.apply(full.grads);
    adams[1]!.apply(reduced);
    const weights = (m: tf.LayersModel) => m.getWeights().map((w) => w.dataSync() as Float32Array);
    expect(maxDifference(weights(whole), weights(sharded))).toBeLessThan(1e-5);
    tf.dispose([...full.grads, full.loss, full.correct, ...reduced]);
    for (const a of adams) a.dispose();
    whole.dispose();
    sharded.dispose();
  });

  it('splits batches into contiguous shards as equal as possible', () => {
    expect(shardRanges(9, 2)).toEqual([[0, 5], [5, 9]]);
    expect(shardRanges(64, 2)).toEqual([[0, 32], [32, 64]]);
    expect(shardRanges(1, 2)).toEqual([[0, 1], [1, 1]]);
    expect(dropoutSeedFor(7, 1, 2, 0)).not.toBe(dropoutSeedFor(7, 1, 2, 1));
  });
});

describe('replica threads (cpu backend, batch norm and dropout)', () => {
  it('start from identical weights and stay bit-identical; moving statistics agree after a sync', async () => {
    const local = buildTrainingModel(cnn, 7, 0.01);
    const group = await ReplicaGroup.start({ replicas: 2, backend: 'cpu', model: cnn, seed: 7, recipe: { learningRate: 0.01 }, set: trainSet, local });
    try {
      const initial = await group.weightsOf(0);
      const trainable = local.model.weights.map((w) => w.trainable);
      const onlyTrainable = (ws: Float32Array[]) => ws.filter((_, i) => trainable[i]);
      const onlyStatistics = (ws: Float32Array[]) => ws.filter((_, i) => !trainable[i]);
      expect(await group.weightsOf(1)).toEqual(initial);
      let loss = 0;
      for (let step = 0; step < 2; step++) {
        const indices = Uint32Array.from({ length: 8 }, (_, i) => step * 8 + i);
        const transforms = augmentationTransforms(8, PAPER_AUGMENTATION, createRandom(step));
        loss = (await group.step(plansFor(indices, 2, step, transforms), 0.01)).loss;
      }
      expect(Number.isFinite(loss) && loss > 0).toBe(true);
      const [a, b] = [await group.weightsOf(0), await group.weightsOf(1)];
      expect(maxDifference(onlyTrainable(a), onlyTrainable(initial))).toBeGreaterThan(1e-4);
      expect(onlyTrainable(b)).toEqual(onlyTrainable(a)); // bit-identical, not merely close
      // Each replica's batch norm saw only its shard.
      expect(maxDifference(onlyStatistics(a), onlyStatistics(b))).toBeGreaterThan(0);
      await group.syncStatistics();
      const [c, d] = [await group.weightsOf(0), await group.weightsOf(1)];
      expect(d).toEqual(c);
      // The average lies between the two replicas' values.
      const i = onlyStatistics(a).findIndex((s, k) => s.some((v, j) => v !== onlyStatistics(b)[k]![j]));
      const j = onlyStatistics(a)[i]!.findIndex((v, k) => v !== onlyStatistics(b)[i]![k]);
      expect(onlyStatistics(c)[i]![j]).toBeCloseTo((onlyStatistics(a)[i]![j]! + onlyStatistics(b)[i]![j]!) / 2, 6);
    } finally {
      await group.close();
      local.optimizer.dispose();
      local.model.dispose();
    }
  });

  it('a replica that throws or dies fails the step with an error naming it', async () => {
    // A fresh replica 0 each time: a step changes its batch-norm statistics even when it fails.
    const locals = [buildTrainingModel(cnn, 7, 0.01), buildTrainingModel(cnn, 7, 0.01)];
    const start = (local = locals.pop()!) => ReplicaGroup.start({ replicas: 2, backend: 'cpu', model: cnn, seed: 7, recipe: { learningRate: 0.01 }, set: trainSet, local });
    const indices = Uint32Array.from([0, 1, 2, 3]);
    const thrower = await start();
    const bad = plansFor(indices, 2, 0);
    bad[1] = { ...bad[1]!, transforms: new Float32Array(3) }; // not [n, 8]: tfjs throws in the thread
    await expect(thrower.step(bad, 0.01)).rejects.toThrow(/training replica 1 \(worker thread\) failed: .*/);
    await thrower.close();
    await thrower.close(); // idempotent

    const dying = await start();
    await (dying as unknown as { threads: { worker: { terminate(): Promise<number> } }[] }).threads[0]!.worker.terminate();
    await expect(dying.step(plansFor(indices, 2, 0), 0.01)).rejects.toThrow(/training replica 1 \(worker thread\) exited with code 1/);
    await dying.close();
    const local = buildTrainingModel(cnn, 7, 0.01);
    await expect(ReplicaGroup.start({ replicas: 2, backend: 'webgl', model: cnn, seed: 7, recipe: { learningRate: 0.01 }, set: trainSet, local })).rejects.toThrow(/replicas=2 needs the wasm or cpu backend.*active backend is webgl/);
    // A replica whose model differs from replica 0's is refused before any step.
    local.variables[0]!.assign(tf.zerosLike(local.variables[0]!));
    await expect(start(local)).rejects.toThrow(/training replica 1 built different initial weights/);
    local.optimizer.dispose();
    local.model.dispose();
  });
});

describe('train() with replicas', () => {
  const options = { epochs: 2, batchSize: 8, learningRate: 0.01, seed: 7, augmentation: PAPER_AUGMENTATION, replicas: 2 };

  it('resumed with R=2 equals an uninterrupted R=2 run; the model trains', async () => {
    const straight = await train({ model: cnn, train: trainSet, val: valSet, options });
    expect(liveReplicaThreads()).toBe(0);
    const first = await train({ model: cnn, train: trainSet, val: valSet, options: { ...options, epochs: 1 } });
    const resumed = await train({ model: cnn, train: trainSet, val: valSet, options, resumeFrom: first.checkpoint });
    expect(resumed.history.map((h) => h.epoch)).toEqual([1, 2]);
    resumed.history.forEach((h, i) => {
      expect(h.loss).toBe(straight.history[i]!.loss);
      expect(h.valLoss).toBe(straight.history[i]!.valLoss);
    });
    const weights = (m: tf.LayersModel) => m.getWeights().map((w) => w.dataSync() as Float32Array);
    expect(weights(resumed.model)).toEqual(weights(straight.model));
    // Not the one-replica run (batch norm sees half batches), but the same problem.
    const single = await train({ model: cnn, train: trainSet, val: valSet, options: { ...options, epochs: 1, replicas: 1 } });
    expect(single.history[0]!.loss).not.toBe(straight.history[0]!.loss);
    expect(Math.abs(single.history[0]!.loss - straight.history[0]!.loss)).toBeLessThan(0.5);
    for (const run of [straight, first, resumed, single]) {
      run.model.dispose();
      run.best?.model.dispose();
    }
  });

  it('starts every replica from the pretrained weights (initFrom)', async () => {
    const pretrained = await train({ model: cnn, train: trainSet, val: valSet, options: { ...options, epochs: 6, replicas: 1 } });
    const fromPretrained = (replicas: number) =>
      train({ model: cnn, train: trainSet, val: valSet, options: { ...options, epochs: 1, replicas, initFrom: 'file:///pretrained' }, initialModel: pretrained.model });
    const [one, two] = [await fromPretrained(1), await fromPretrained(2)];
    const scratch = await train({ model: cnn, train: trainSet, val: valSet, options: { ...options, epochs: 1 } });
    const [lossOne, lossTwo, lossScratch] = [one, two, scratch].map((run) => run.history[0]!.loss);
    // A replica left on its seeded weights would pull the R=2 loss towards the scratch run's.
    expect(Math.abs(lossTwo! - lossOne!)).toBeLessThan(Math.abs(lossScratch! - lossOne!) / 4);
    for (const run of [pretrained, one, two, scratch]) {
      run.model.dispose();
      run.best?.model.dispose();
    }
  });

  it('an aborted R=2 run stops between batches and ends its threads', async () => {
    const controller = new AbortController();
    const started = train({ model: cnn, train: trainSet, val: valSet, options, signal: controller.signal });
    setTimeout(() => controller.abort(), 1);
    const aborted = await started;
    expect(aborted.stoppedBy).toBe('aborted');
    expect(aborted.history).toEqual([]);
    expect(liveReplicaThreads()).toBe(0);
    aborted.model.dispose();
    aborted.best?.model.dispose();
  });

  it('rejects bad replica counts naming the option', async () => {
    await expect(train({ model: cnn, train: trainSet, val: valSet, options: { ...options, replicas: 0 } })).rejects.toThrow(/replicas must be a positive integer/);
    await expect(train({ model: cnn, train: trainSet, val: valSet, options: { ...options, replicas: 9 } })).rejects.toThrow(/replicas \(9\) must not exceed batchSize \(8\)/);
  });
});
