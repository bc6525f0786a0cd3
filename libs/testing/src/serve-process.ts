import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '@fermx/cli';
import { FERMX_BIN, REPO_ROOT } from './fermx-cli.js';

export interface FermxServeOptions {
  /** The whole environment of the server (REDIS_URL, FERMX_STORAGE, …). */
  env: NodeJS.ProcessEnv;
  /** Defaults to the repository root. */
  cwd?: string;
  /** Defaults to a free loopback port. */
  port?: number;
  /** More `fermx serve` arguments, after `--port N`. */
  args?: readonly string[];
  /** How long it may take to answer /api/health (default 60 s). */
  startupMs?: number;
}

/** A running `fermx serve` child process. */
export interface FermxServe {
  /** `http://127.0.0.1:<port>`. */
  base: string;
  port: number;
  process: ChildProcess;
  /** stdout and stderr so far, interleaved as they came. */
  log(): string;
  stdout(): string;
  stderr(): string;
  /** SIGTERM, then SIGKILL if it is still running after 5 s; resolves with its exit code (null when a signal ended it). */
  stop(): Promise<number | null>;
}

const STOP_GRACE_MS = 5_000;

/**
 * Starts `fermx serve --port N` as a child process and resolves once `/api/health` answers 200.
 * Fails with the server's log when it exits first or does not answer in time (and stops it then).
 */
export async function startFermxServe(options: FermxServeOptions): Promise<FermxServe> {
  const port = options.port ?? (await freePort());
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [FERMX_BIN, 'serve', '--port', String(port), ...(options.args ?? [])], {
    cwd: options.cwd ?? REPO_ROOT,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    log += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    log += d.toString();
  });
  // 'close': exited, and its output read to the end.
  const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  const running = () => child.exitCode === null && child.signalCode === null;
  const stop = async (): Promise<number | null> => {
    if (running()) {
      child.kill('SIGTERM');
      const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), STOP_GRACE_MS).unref());
      if ((await Promise.race([exited, timer])) === 'timeout' && running()) child.kill('SIGKILL');
    }
    return exited;
  };
  const serve: FermxServe = { base, port, process: child, log: () => log, stdout: () => stdout, stderr: () => stderr, stop };

  const startupMs = options.startupMs ?? 60_000;
  const deadline = Date.now() + startupMs;
  for (;;) {
    if (!running()) {
      await exited;
      throw new Error(`fermx serve exited with ${child.exitCode ?? child.signalCode} before answering /api/health: ${log}`);
    }
    const healthy = await fetch(`${base}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) return serve;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`fermx serve did not answer /api/health within ${startupMs} ms: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
