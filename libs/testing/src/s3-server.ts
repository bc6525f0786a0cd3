import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { freePort } from '@fermx/cli';

const require = createRequire(import.meta.url);

interface S3rverInstance {
  run(): Promise<unknown>;
  close(): Promise<void>;
  /** The listening server, once `run()` resolved. */
  httpServer?: Server;
}
type S3rverCtor = new (options: Record<string, unknown>) => S3rverInstance;

/**
 * A real S3-protocol server (s3rver) on an ephemeral loopback port, storing in a temp dir.
 * `env` gives the AWS SDK's standard variables that point fermx at it.
 */
export class S3Server {
  private instance: S3rverInstance | undefined;
  static readonly accessKeyId = 'S3RVER';
  static readonly secretAccessKey = 'S3RVER';

  private constructor(
    readonly port: number,
    readonly dir: string,
    readonly buckets: string[],
  ) {}

  static async start(options: { buckets?: string[]; port?: number } = {}): Promise<S3Server> {
    const server = new S3Server(options.port ?? (await freePort()), mkdtempSync(join(tmpdir(), 'fermx-s3-')), options.buckets ?? ['fermx']);
    await server.resume();
    return server;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Environment for fermx processes: the AWS SDK's standard variables. */
  get env(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_S3: this.endpoint,
      AWS_ACCESS_KEY_ID: S3Server.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3Server.secretAccessKey,
      AWS_REGION: 'us-east-1',
      AWS_S3_FORCE_PATH_STYLE: 'true',
    };
  }

  /** Starts (again) on the same port and directory: objects written before survive. */
  async resume(): Promise<void> {
    if (this.instance) return;
    const S3rver = require('s3rver') as S3rverCtor;
    const instance = new S3rver({
      address: '127.0.0.1',
      port: this.port,
      directory: this.dir,
      silent: true,
      vhostBuckets: false,
      configureBuckets: this.buckets.map((name) => ({ name })),
    });
    await instance.run();
    this.instance = instance;
  }

  /**
   * Makes storage unreachable until `resume()`, as an outage would: new connections are refused
   * and open ones are cut, in flight or not. Closing the listener alone keeps serving a client's
   * keep-alive connection that was busy at that moment for as long as the client keeps it busy,
   * so a worker writing every few hundred milliseconds would never see the outage. Idempotent.
   */
  async pause(): Promise<void> {
    const instance = this.instance;
    this.instance = undefined;
    if (!instance) return;
    const closed = instance.close();
    instance.httpServer?.closeAllConnections();
    await closed;
  }

  async dispose(): Promise<void> {
    await this.pause();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
