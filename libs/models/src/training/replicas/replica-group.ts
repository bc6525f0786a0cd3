import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../../architectures/model-config.js';
import type { ImageSet } from '../image-set.js';
import { shardGradients, type ShardPlan } from '../train-step.js';
import { shapesOf, type OptimizerRecipe, type TrainingModel } from '../training-model.js';
import { GradientExchange, elementCount, readTensors, weightFingerprint, writeTensors } from './gradient-exchange.js';
import { REPLICA_BACKENDS, type FromReplica, type ReplicaBackend, type ReplicaSetup, type ToReplica } from './replica-protocol.js';

const THREAD_ENTRY = new URL('./replica-thread.mjs', import.meta.url);

const live = new Set<Worker>();

/** Replica threads started and not yet exited, in this process (0 once every run has ended). */
export function liveReplicaThreads(): number {
  return live.size;
}

export interface ReplicaGroupOptions {
  replicas: number;
  backend: string;
  model: ModelConfig;
  seed: number;
  recipe: OptimizerRecipe;
  set: ImageSet;
  /** The main thread's model: replica 0. */
  local: TrainingModel;
}

interface Pending {
  resolve: (message: FromReplica) => void;
  reject: (error: Error) => void;
}

/** A replica thread and its answers, which come back in request order. */
class ReplicaThread {
  private readonly pending: Pending[] = [];
  failure: Error | undefined;

  constructor(
    readonly replica: number,
    readonly worker: Worker,
  ) {
    worker.on('message', (message: FromReplica) => {
      if (message.type === 'failed') {
        this.fail(new Error(`training replica ${replica} (worker thread) failed: ${message.message}`));
        return;
      }
      this.pending.shift()?.resolve(message);
    });
    worker.on('error', (error) => this.fail(new Error(`training replica ${replica} (worker thread) failed: ${error.message}`)));
    live.add(worker);
    worker.on('exit', (code) => {
      live.delete(worker);
      this.fail(new Error(`training replica ${replica} (worker thread) exited with code ${code}`));
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const p of this.pending.splice(0)) p.reject(this.failure);
  }

  send(message: ToReplica): void {
    if (this.failure) throw this.failure;
    this.worker.postMessage(message);
  }

  /** The next answer (the 'ready' one when nothing was sent yet). */
  answer<T extends FromReplica['type']>(type: T): Promise<Extract<FromReplica, { type: T }>> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<FromReplica>((resolve, reject) => this.pending.push({ resolve, reject })).then((message) => {
      if (message.type !== type) throw new Error(`training replica ${this.replica} answered ${message.type}, expected ${type}`);
      return message as Extract<FromReplica, { type: T }>;
    });
  }

  request<T extends FromReplica['type']>(message: ToReplica, type: T): Promise<Extract<FromReplica, { type: T }>> {
    if (this.failure) return Promise.reject(this.failure);
    const answer = this.answer(type);
    this.worker.postMessage(message);
    return answer;
  }
}

/**
 * Data-parallel training on one machine: replica 0 is the calling thread, replicas 1…R−1 are
 * worker threads with their own tfjs backend and a copy of the model built from the same seed.
 * Each step every replica computes the gradients of its shard; the main thread sums them in a
 * fixed order into shared memory, and every replica applies the same optimizer update to the same
 * sum, so weights stay bit-identical without ever being shipped.
 */
export class ReplicaGroup {
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly threads: ReplicaThread[],
    private readonly exchange: GradientExchange,
    private readonly local: TrainingModel,
    private readonly set: ImageSet,
  ) {}

  static async start(options: ReplicaGroupOptions): Promise<ReplicaGroup> {
    const { replicas, local, set } = options;
    if (!(REPLICA_BACKENDS as readonly string[]).includes(options.backend)) {
      throw new Error(`training option replicas=${replicas} needs the ${REPLICA_BACKENDS.join(' or ')} backend (replicas are worker threads on CPU cores); the active backend is ${options.backend}`);
    }
    const exchange = new GradientExchange(replicas, elementCount(shapesOf(local.variables)), elementCount(shapesOf(local.statistics)));
    const images = new SharedArrayBuffer(set.images.length);
    new Uint8Array(images).set(set.images);
    const labels = new SharedArrayBuffer(set.labels.length);
    new Uint8Array(labels).set(set.labels);
    const targets = set.targets ? new SharedArrayBuffer(set.targets.byteLength) : undefined;
    if (targets && set.targets) new Float32Array(targets).set(set.targets);
    const threads: ReplicaThread[] = [];
    for (let replica = 1; replica < replicas; replica++) {
      const workerData: ReplicaSetup = {
        replica, replicas, backend: options.backend as ReplicaBackend, model: options.model, seed: options.seed,
        recipe: { learningRate: options.recipe.learningRate, optimizer: options.recipe.optimizer, weightDecay: options.recipe.weightDecay, momentum: options.recipe.momentum },
        images, labels, ...(targets ? { targets } : {}), count: set.count, classes: set.classes, exchange: exchange.buffer,
      };
      threads.push(new ReplicaThread(replica, new Worker(THREAD_ENTRY, { workerData })));
    }
    const group = new ReplicaGroup(threads, exchange, local, { ...set });
    try {
      const expected = weightFingerprint(local.model.weights.map((w) => w.read().dataSync() as Float32Array));
      const ready = await Promise.all(threads.map((t) => t.answer('ready')));
      ready.forEach((answer, i) => {
        if (answer.fingerprint !== expected) {
          throw new Error(`training replica ${i + 1} built different initial weights (fingerprint ${answer.fingerprint}, replica 0 has ${expected})`);
        }
      });
    } catch (error) {
      await group.close();
      throw error;
    }
    return group;
  }

  get replicas(): number {
    return this.threads.length + 1;
  }

  /**
   * One training step: `plans[r]` is replica r's shard. Returns the summed (already scaled)
   * loss and the correct count over the whole batch.
   */
  async step(plans: ShardPlan[], learningRate: number): Promise<{ loss: number; correct: number }> {
    if (plans.length !== this.replicas) throw new Error(`step needs ${this.replicas} shard plans, got ${plans.length}`);
    const answers = this.threads.map((t, i) => t.request({ type: 'step', plan: plans[i + 1]! }, 'gradients'));
    // Our own shard while the threads compute theirs; a failure there must not leave their
    // answers unobserved (an unhandled rejection would kill the process).
    answers.forEach((a) => a.catch(() => undefined));
    const own = this.localGradients(plans[0]!);
    const theirs = await Promise.all(answers);
    this.exchange.sumGradients();
    for (const t of this.threads) t.send({ type: 'apply', learningRate });
    const grads = readTensors(this.exchange.gradientsOf(this.replicas), shapesOf(this.local.variables));
    this.local.optimizer.learningRate = learningRate;
    this.local.optimizer.apply(grads);
    tf.dispose(grads);
    return theirs.reduce((sum, a) => ({ loss: sum.loss + a.loss, correct: sum.correct + a.correct }), own);
  }

  private localGradients(plan: ShardPlan): { loss: number; correct: number } {
    const slot = this.exchange.gradientsOf(0);
    if (plan.indices.length === 0) {
      slot.fill(0);
      return { loss: 0, correct: 0 };
    }
    const { model, variables, dropoutLayers } = this.local;
    const { grads, loss, correct } = shardGradients(model, variables, dropoutLayers, this.set, plan);
    writeTensors(slot, grads);
    const out = { loss: loss.dataSync()[0]!, correct: correct.dataSync()[0]! };
    tf.dispose([...grads, loss, correct]);
    return out;
  }

  /**
   * Averages the batch-norm moving statistics over the replicas (each saw only its shards, as
   * PyTorch DDP without SyncBatchNorm). The moving averages are linear in the batch statistics,
   * so averaging once before an evaluation or checkpoint equals averaging after every step.
   */
  async syncStatistics(): Promise<void> {
    if (this.exchange.statistics === 0) return;
    const shared = this.threads.map((t) => t.request({ type: 'share-statistics' }, 'statistics'));
    writeTensors(this.exchange.statisticsOf(0), this.local.statistics.map((s) => s.read()));
    await Promise.all(shared);
    this.exchange.averageStatistics();
    for (const t of this.threads) t.send({ type: 'set-statistics' });
    const values = readTensors(this.exchange.statisticsOf(this.replicas), shapesOf(this.local.statistics));
    this.local.statistics.forEach((s, i) => s.write(values[i]!));
    tf.dispose(values);
  }

  /** Copies replica 0's weights and optimizer state to every other replica (after a restore). */
  async pushState(): Promise<void> {
    const { model, optimizer } = this.local;
    const copy = (tensors: tf.Tensor[]): Float32Array[] => tensors.map((t) => (t.dataSync() as Float32Array).slice());
    const message: ToReplica = { type: 'load', weights: copy(model.weights.map((w) => w.read())), slots: optimizer.slots().map((slot) => copy(slot.tensors)), iteration: optimizer.iteration };
    await Promise.all(this.threads.map((t) => t.request(message, 'loaded')));
  }

  /** Every weight of one replica (0 = this thread), for checks. */
  async weightsOf(replica: number): Promise<Float32Array[]> {
    if (replica === 0) return this.local.model.weights.map((w) => (w.read().dataSync() as Float32Array).slice());
    const thread = this.threads[replica - 1];
    if (!thread) throw new Error(`no replica ${replica} (group has ${this.replicas})`);
    return (await thread.request({ type: 'read-weights' }, 'weights')).weights;
  }

  /** Terminates the threads; idempotent. */
  close(): Promise<void> {
    this.closing ??= Promise.all(this.threads.map((t) => t.worker.terminate())).then(() => undefined);
    return this.closing;
  }
}
