import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@fermx/kernels';
import type { ImageSet } from '../image-set.js';
import { shardGradients } from '../train-step.js';
import { buildTrainingModel, shapesOf, type TrainingModel } from '../training-model.js';
import { GradientExchange, elementCount, readTensors, weightFingerprint, writeTensors } from './gradient-exchange.js';
import type { FromReplica, ReplicaSetup, ToReplica } from './replica-protocol.js';

/** One data-parallel replica (replica ≥ 1) in a worker thread; the main thread is replica 0. */
const setup = workerData as ReplicaSetup;
const port = parentPort!;
const post = (message: FromReplica, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

function handle(message: ToReplica, parts: TrainingModel, set: ImageSet, exchange: GradientExchange): void {
  const { model, variables, statistics, dropoutLayers, optimizer } = parts;
  switch (message.type) {
    case 'step': {
      const { plan } = message;
      if (plan.indices.length === 0) {
        exchange.gradientsOf(setup.replica).fill(0);
        post({ type: 'gradients', loss: 0, correct: 0 });
        return;
      }
      const { grads, loss, correct } = shardGradients(model, variables, dropoutLayers, set, plan);
      writeTensors(exchange.gradientsOf(setup.replica), grads);
      const answer: FromReplica = { type: 'gradients', loss: loss.dataSync()[0]!, correct: correct.dataSync()[0]! };
      tf.dispose([...grads, loss, correct]);
      post(answer);
      return;
    }
    case 'apply': {
      const grads = readTensors(exchange.gradientsOf(setup.replicas), shapesOf(variables));
      optimizer.learningRate = message.learningRate;
      optimizer.apply(grads);
      tf.dispose(grads);
      return;
    }
    case 'share-statistics':
      writeTensors(exchange.statisticsOf(setup.replica), statistics.map((s) => s.read()));
      post({ type: 'statistics' });
      return;
    case 'set-statistics': {
      const values = readTensors(exchange.statisticsOf(setup.replicas), shapesOf(statistics));
      statistics.forEach((s, i) => s.write(values[i]!));
      tf.dispose(values);
      return;
    }
    case 'load':
      tf.tidy(() => model.setWeights(model.weights.map((w, i) => tf.tensor(message.weights[i]!, w.shape.map((d) => d ?? 0)))));
      optimizer.restore(message.iteration, message.slots);
      post({ type: 'loaded' });
      return;
    case 'read-weights': {
      // A copy: on cpu, dataSync() is the tensor's own storage, and transferring would detach it.
      const weights = model.weights.map((w) => (w.read().dataSync() as Float32Array).slice());
      post({ type: 'weights', weights }, weights.map((w) => w.buffer as ArrayBuffer));
      return;
    }
  }
}

async function start(): Promise<void> {
  await initBackend(setup.backend);
  const parts = buildTrainingModel(setup.model, setup.seed, setup.recipe);
  const set: ImageSet = { images: new Uint8Array(setup.images), labels: new Uint8Array(setup.labels), count: setup.count, classes: setup.classes, ...(setup.targets ? { targets: new Float32Array(setup.targets) } : {}) };
  const exchange = new GradientExchange(setup.replicas, elementCount(shapesOf(parts.variables)), elementCount(shapesOf(parts.statistics)), setup.exchange);
  port.on('message', (message: ToReplica) => {
    try {
      handle(message, parts, set, exchange);
    } catch (error) {
      post({ type: 'failed', message: (error as Error).message, stack: (error as Error).stack });
    }
  });
  post({ type: 'ready', fingerprint: weightFingerprint(parts.model.weights.map((w) => w.read().dataSync() as Float32Array)) });
}

start().catch((error: unknown) => post({ type: 'failed', message: (error as Error).message, stack: (error as Error).stack }));
