import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { launchChromium, RedisServer, runFermx, startFermxServe, undoAll, type ChromiumOptions, type ChromiumSession, type FermxServe } from '@fermx/testing';

export interface WebFixtureOptions {
  /** FERMX_API_TOKEN of the server and the CLI. */
  token: string;
  /** Start of the temp folder's name (the test's name, for a reader of /tmp). */
  tmpPrefix: string;
}

/**
 * What every page test stands on, in two steps. `start()`: a real redis-server, file:// storage
 * in a temp folder (`storage/`; the rest of the folder is free for the test) and the environment
 * a `fermx` process gets, so the test can seed runs and sweeps the way workers and the CLI
 * leave them. `open()`: a `fermx serve` child on that state and Debian's chromium with its first
 * page. `dispose()` undoes all of it, each part even when another fails to go.
 */
export class WebFixture {
  private server?: FermxServe;
  private session?: ChromiumSession;
  private disposed?: Promise<void>;

  private constructor(
    readonly redis: RedisServer,
    /** The temp folder; file:// storage lives under `storage/`. */
    readonly dir: string,
    readonly storageDir: string,
    /** The environment of `fermx serve` and of every `fermx` command the test runs. */
    readonly env: NodeJS.ProcessEnv,
  ) {}

  static async start({ token, tmpPrefix }: WebFixtureOptions): Promise<WebFixture> {
    const redis = await RedisServer.start();
    const dir = mkdtempSync(join(tmpdir(), tmpPrefix));
    const storageDir = join(dir, 'storage');
    mkdirSync(storageDir);
    const env = {
      ...process.env,
      REDIS_URL: redis.url,
      FERMX_STORAGE: pathToFileURL(storageDir).href,
      FERMX_API_TOKEN: token,
      FERMX_REDIS_PREFIX: `web-${randomUUID().slice(0, 8)}`,
      LOG_LEVEL: 'warn',
    };
    return new WebFixture(redis, dir, storageDir, env);
  }

  /** The Redis key prefix the server and CLI use (FERMX_REDIS_PREFIX). */
  get prefix(): string {
    return this.env.FERMX_REDIS_PREFIX!;
  }

  /** `file://` URI of a key (or folder) in storage. */
  uri(key = ''): string {
    return `${pathToFileURL(this.storageDir).href}${key ? `/${key}` : ''}`;
  }

  /** Writes one storage object (a string as it is, anything else as JSON), folders included. */
  write(key: string, value: unknown): void {
    const path = join(this.storageDir, key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 1));
  }

  /** Runs `fermx ARGS` with this fixture's environment; resolves with its stdout. */
  fermx(args: readonly string[], timeoutMs?: number): Promise<string> {
    return runFermx(args, { env: this.env, ...(timeoutMs ? { timeoutMs } : {}) });
  }

  /** Starts `fermx serve` on the seeded state and chromium with its first page. */
  async open(chromium: ChromiumOptions = {}): Promise<{ base: string; page: Page; errors: string[]; session: ChromiumSession }> {
    this.server = await startFermxServe({ env: this.env });
    this.session = await launchChromium(chromium);
    return { base: this.server.base, page: this.session.page, errors: this.session.errors, session: this.session };
  }

  /** Closes the browser, stops the server and redis-server, removes the temp folder; throws what failed at the end. Idempotent. */
  dispose(): Promise<void> {
    return (this.disposed ??= this.teardown());
  }

  private teardown(): Promise<void> {
    return undoAll('web fixture', [
      () => this.session?.close(),
      () => this.server?.stop(),
      () => this.redis.dispose(),
      () => rmSync(this.dir, { recursive: true, force: true }),
    ]);
  }
}
