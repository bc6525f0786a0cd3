import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { TrialSpec } from '@fermx/contracts';
import { openStorage, type Storage } from '@fermx/data';
import { trialQueue, workerConnection, type TrialJobSummary, type TrialQueue } from '@fermx/queue';
import { RedisServer, S3Server, undoAll, type RedisServerOptions } from '@fermx/testing';
import { parseWorkerConfig } from '../config.js';
import type { Trainer } from '../training/trainer.js';
import { startWorker, type RunningWorker } from '../worker/start-worker.js';
import { waitFor, WorkerProcess } from './worker-process.js';

export interface WorkerFixtureOptions {
  /** Options of the redis-server (`appendOnly` for tests that restart it). */
  redis?: RedisServerOptions;
  /** Storage in this bucket of a real S3 server (s3rver, `s3://<bucket>/lab`) instead of file:// under the temp folder. */
  s3Bucket?: string;
}

/**
 * What a worker integration test stands on: a real redis-server, a connection and the trial queue
 * on it, a temp folder, storage (file:// in that folder, or a bucket of a real S3 server), and the
 * workers the test starts, in this process or as `fermx worker` processes. `dispose()` stops and
 * removes all of it, each part even when another fails to go.
 */
export class WorkerFixture {
  private readonly inProcess: RunningWorker[] = [];
  private readonly processes: WorkerProcess[] = [];
  private disposed?: Promise<void>;

  readonly connection: Redis;
  readonly queue: TrialQueue;
  /** file:// storage under `store/` of the temp folder, or `s3://<bucket>/lab`. */
  readonly storageUri: string;
  /** The storage the workers write to, opened as the test reads it. */
  readonly storage: Storage;

  private constructor(
    readonly redis: RedisServer,
    /** The temp folder: file:// storage lives under `store/`, the rest (logs, a worker's cwd) is free for the test. */
    readonly dir: string,
    /** The S3 server holding the storage, when `s3Bucket` was given: pause() and resume() it to take storage away. */
    readonly s3: S3Server | undefined,
    s3Bucket: string | undefined,
  ) {
    this.connection = workerConnection(redis.url);
    this.queue = trialQueue(this.connection);
    this.storageUri = s3Bucket ? `s3://${s3Bucket}/lab` : `file://${dir}/store`;
    this.storage = openStorage(this.storageUri, { ...process.env, ...s3?.env });
  }

  static async start(options: WorkerFixtureOptions = {}): Promise<WorkerFixture> {
    const redis = await RedisServer.start(options.redis);
    let s3: S3Server | undefined;
    try {
      if (options.s3Bucket) s3 = await S3Server.start({ buckets: [options.s3Bucket] });
      return new WorkerFixture(redis, mkdtempSync(join(tmpdir(), 'fermx-worker-')), s3, options.s3Bucket);
    } catch (error) {
      await s3?.dispose();
      await redis.dispose();
      throw error;
    }
  }

  /** A worker's environment: this fixture's Redis and storage (with the S3 server's credentials), then `over`. */
  env(over: Record<string, string> = {}): Record<string, string> {
    return { REDIS_URL: this.redis.url, FERMX_STORAGE: this.storageUri, ...this.s3?.env, ...over };
  }

  /**
   * `fermx worker` wired in this process (startWorker); stopped by dispose(). With `trainer` it
   * trains in-process; without, in the production trainer child. Its config is read from
   * `env(env)` alone; the trainer child also inherits this process's environment.
   */
  async startWorker(id: string, { trainer, env = {} }: { trainer?: Trainer; env?: Record<string, string> } = {}): Promise<RunningWorker> {
    const workerEnv = this.env({ FERMX_WORKER_ID: id, ...env });
    const worker = await startWorker(parseWorkerConfig(workerEnv), pino({ level: 'silent' }), { ...process.env, ...workerEnv }, trainer ? { trainer } : {});
    this.inProcess.push(worker);
    return worker;
  }

  /** A real `fermx worker` process (synthetic trainer child) run in the temp folder; killed by dispose(). */
  async startProcess(id: string, env: Record<string, string> = {}): Promise<WorkerProcess> {
    const worker = await WorkerProcess.start(id, this.env(env), this.dir);
    this.processes.push(worker);
    return worker;
  }

  /** Waits until every job in `ids` has finished (completed or failed) and returns them in order. */
  async finished(ids: string[], timeoutMs: number): Promise<Job<TrialSpec, TrialJobSummary, string>[]> {
    await waitFor(
      async () => (await Promise.all(ids.map(async (id) => (await this.queue.getJob(id))?.finishedOn))).every(Boolean),
      timeoutMs,
      () => `trials not finished in ${timeoutMs} ms: ${ids.join(', ')}`,
    );
    return Promise.all(ids.map(async (id) => (await this.queue.getJob(id))!));
  }

  /** Stops the workers, closes the queue and connection, stops redis-server and the S3 server, removes the temp folder; throws what failed at the end. Idempotent. */
  dispose(): Promise<void> {
    return (this.disposed ??= this.teardown());
  }

  private teardown(): Promise<void> {
    return undoAll('worker fixture', [
      () => Promise.all(this.processes.splice(0).map((w) => w.dispose())),
      () => Promise.all(this.inProcess.splice(0).map((w) => w.stop())),
      () => this.queue.close(),
      () => this.connection.disconnect(),
      () => this.redis.dispose(),
      () => this.s3?.dispose(),
      () => rmSync(this.dir, { recursive: true, force: true }),
    ]);
  }
}
