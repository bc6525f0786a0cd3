import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { SYNTHETIC_WORKER_ENTRY, TSX_LOADER } from './entries.js';

/** Settings that make reliability tests fast: short locks, quick stalled checks, synthetic epochs. */
export const FAST_WORKER_ENV = {
  FERMX_LOCK_DURATION_MS: '2000',
  FERMX_STALLED_INTERVAL_MS: '1000',
  FERMX_HEARTBEAT_MS: '500',
  FERMX_SHUTDOWN_GRACE_MS: '3000',
  FERMX_OUTAGE_BACKOFF_MS: '250',
  FERMX_OUTAGE_BACKOFF_MAX_MS: '2000',
  FERMX_LOG_LEVEL: 'info',
} as const;

/** A real worker process (`fermx worker` with the synthetic trainer child), with its JSON log lines collected. */
export class WorkerProcess {
  readonly logs: Record<string, unknown>[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private constructor(
    readonly id: string,
    readonly child: ChildProcess,
  ) {
    let buffer = '';
    child.stderr!.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        try {
          this.logs.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          this.logs.push({ msg: line });
        }
      }
    });
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Starts a worker (synthetic-worker.ts); `cwd` defaults to the temp dir, away from the repo, as a user would run it. */
  static async start(id: string, env: Record<string, string>, cwd = tmpdir()): Promise<WorkerProcess> {
    const child = spawn(process.execPath, ['--import', TSX_LOADER, SYNTHETIC_WORKER_ENTRY], {
      cwd,
      env: { ...process.env, ...FAST_WORKER_ENV, FERMX_WORKER_ID: id, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const worker = new WorkerProcess(id, child);
    try {
      await worker.waitForLog('worker ready', 60_000);
    } catch (error) {
      await worker.dispose(); // a worker that never got ready must not outlive its caller
      throw error;
    }
    return worker;
  }

  hasLog(msg: string): boolean {
    return this.logs.some((l) => l.msg === msg);
  }

  async waitForLog(msg: string, timeoutMs = 30_000): Promise<void> {
    await waitFor(
      () => this.hasLog(msg),
      timeoutMs,
      () => `worker ${this.id} never logged '${msg}'; logs: ${JSON.stringify(this.logs.slice(-10))}`,
      () => this.child.exitCode !== null,
    );
  }

  /** Kills the process if still alive (SIGKILL) and waits for it. */
  async dispose(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** Polls until `ready()` is true, failing with `describe()` after the timeout or when `abort()` says so. */
export async function waitFor(
  ready: () => boolean | Promise<boolean>,
  timeoutMs: number,
  describe: () => string,
  abort: () => boolean = () => false,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ready()) return;
    if (abort()) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(describe());
}
